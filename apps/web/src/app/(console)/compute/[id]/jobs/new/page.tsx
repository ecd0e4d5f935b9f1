import type { Metadata } from "next";
import { ComputeBreadcrumb } from "../../compute-breadcrumb";
import { NewJobForm } from "./new-job-form";

export const metadata: Metadata = { title: "New job" };

export default async function NewJobPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ draft?: string | string[] }>;
}) {
  const { id } = await params;
  const { draft } = await searchParams;
  return (
    <div className="flex flex-col gap-6">
      <header className="flex flex-col gap-2 border-b border-slate-200 pb-5">
        <ComputeBreadcrumb id={id} trail={["New job"]} />
        <h1 className="text-xl font-semibold tracking-tight text-slate-900">New job</h1>
        <p className="max-w-3xl text-sm text-slate-600">
          A Spark driver the controller starts on this compute cluster, reading Kafka as a user made for the job.
        </p>
      </header>
      <NewJobForm computeClusterId={id} {...(typeof draft === "string" ? { draftKey: draft } : {})} />
    </div>
  );
}
