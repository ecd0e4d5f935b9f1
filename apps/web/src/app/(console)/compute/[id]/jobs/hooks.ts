"use client";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { AppRouter } from "@weir/api";
import { jobIsBusy } from "@weir/domain/rules";
import type { inferRouterOutputs } from "@trpc/server";
import { errorBody } from "@/lib/errors";
import { eventsPollInterval } from "@/lib/polling";
import { download } from "@/lib/money";
import { useTRPC, useTRPCClient } from "@/lib/trpc";

type Outputs = inferRouterOutputs<AppRouter>;
export type Job = Outputs["jobs"]["get"];
export type JobListItem = Outputs["jobs"]["list"]["items"][number];
export type JobProgress = Outputs["jobs"]["progress"];
export type JobResult = Outputs["jobs"]["result"];
export type WorkspaceResult = Outputs["workspace"]["query"];

const FAST = 2_000;
const STEADY = 5_000;

/** Fast while a job is being started, stopped or deleted; never once it is gone. */
function jobPollInterval(state: { data?: { status: string }; error: unknown }): number | false {
  const code = errorBody(state.error)?.code;
  if (code === "NOT_FOUND" || code === "VALIDATION_FAILED") return false;
  return !state.data || jobIsBusy(state.data.status) ? FAST : STEADY;
}

export function useJobs(id: string) {
  const trpc = useTRPC();
  return useQuery(
    trpc.jobs.list.queryOptions(
      { id },
      {
        refetchInterval: (q) => (q.state.data?.items.some((j) => jobIsBusy(j.status)) ? FAST : STEADY),
      },
    ),
  );
}

export function useJob(id: string, jobId: string) {
  const trpc = useTRPC();
  return useQuery(trpc.jobs.get.queryOptions({ id, jobId }, { refetchInterval: (q) => jobPollInterval(q.state) }));
}

export function useJobEvents(id: string, jobId: string, status: string | undefined) {
  const trpc = useTRPC();
  return useQuery(trpc.jobs.events.queryOptions({ id, jobId }, { refetchInterval: eventsPollInterval("Job", status) }));
}

/** A running streaming job writes a sample per micro-batch: poll faster while it runs. */
export function useJobProgress(id: string, jobId: string, minutes: number, status: string | undefined) {
  const trpc = useTRPC();
  return useQuery({
    ...trpc.jobs.progress.queryOptions({ id, jobId, minutes }),
    placeholderData: keepPreviousData,
    refetchInterval: status === "RUNNING" || (status && jobIsBusy(status)) ? 3_000 : 15_000,
  });
}

export function useJobLogs(id: string, jobId: string, search: string, lines: number, live: boolean) {
  const trpc = useTRPC();
  return useQuery({
    ...trpc.jobs.logs.queryOptions({ id, jobId, search: search || undefined, lines }),
    placeholderData: keepPreviousData,
    refetchInterval: live ? 5_000 : false,
  });
}

export function useJobResult(id: string, jobId: string, offset: number, limit: number, enabled: boolean) {
  const trpc = useTRPC();
  return useQuery({
    ...trpc.jobs.result.queryOptions({ id, jobId, offset, limit }),
    placeholderData: keepPreviousData,
    enabled,
  });
}

function useInvalidateJobs() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries(trpc.jobs.list.pathFilter()),
      queryClient.invalidateQueries(trpc.jobs.get.pathFilter()),
    ]);
}

export function useCreateJob() {
  const trpc = useTRPC();
  const invalidate = useInvalidateJobs();
  return useMutation(trpc.jobs.create.mutationOptions({ onSuccess: invalidate }));
}

export function useStopJob() {
  const trpc = useTRPC();
  const invalidate = useInvalidateJobs();
  return useMutation(trpc.jobs.stop.mutationOptions({ onSuccess: invalidate }));
}

export function useStartJob() {
  const trpc = useTRPC();
  const invalidate = useInvalidateJobs();
  return useMutation(trpc.jobs.start.mutationOptions({ onSuccess: invalidate }));
}

export function useDeleteJob() {
  const trpc = useTRPC();
  const invalidate = useInvalidateJobs();
  return useMutation(trpc.jobs.delete.mutationOptions({ onSuccess: invalidate }));
}

/** A Spark DDL schema guessed from a topic's latest JSON messages. */
export function useInferSchema() {
  const trpc = useTRPC();
  return useMutation(trpc.jobs.inferSchema.mutationOptions());
}

/** Saves a job's driver log or batch result as a file (the API sends the content; the browser names it). */
export function useJobDownload() {
  const client = useTRPCClient();
  return useMutation({
    mutationFn: async (
      input: { id: string; jobId: string } & ({ what: "logs" } | { what: "result"; format: "csv" | "json" }),
    ) => {
      const ids = { id: input.id, jobId: input.jobId };
      const file =
        input.what === "logs"
          ? await client.jobs.logsDownload.query(ids)
          : await client.jobs.resultDownload.query({ ...ids, format: input.format });
      download(file.filename, file.content, file.contentType);
      return file;
    },
  });
}

export function useWorkspaceQuery() {
  const trpc = useTRPC();
  // Spark's error shows under the editor; a toast would repeat it.
  return useMutation(trpc.workspace.query.mutationOptions({ meta: { toast: false } }));
}
