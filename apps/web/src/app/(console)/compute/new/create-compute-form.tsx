"use client";
import { toCents } from "@weir/pricing";
import { Button, Card, CardHeader, PageHeader, SelectField, Spinner, TextField } from "@weir/ui";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { toast } from "sonner";
import { NameAndProjectFields } from "@/components/console/name-project-fields";
import { RuntimeField } from "@/components/console/runtime-field";
import { errorMessage, fieldErrors } from "@/lib/errors";
import { HOURS_PER_MONTH, monthlyForNodes } from "@/lib/estimate";
import { formatMoney, formatUnitPrice } from "@/lib/money";
import { formatMemoryMb } from "../format";
import { useComputeOptions, useCreateComputeCluster, type ComputeOptions } from "../hooks";

const DEFAULT_WORKERS = "2";

export function CreateComputeView() {
  const options = useComputeOptions();
  return (
    <div className="flex flex-col gap-6">
      <PageHeader
        title="Create a compute cluster"
        description={
          <>
            Weir starts an Apache Spark {options.data?.sparkVersion ?? ""} standalone master and its workers, and
            reports progress on the cluster&rsquo;s page.
          </>
        }
      />
      {options.isPending ? (
        <div className="flex justify-center py-16 text-slate-400">
          <Spinner label="Loading instance types" />
        </div>
      ) : options.isError ? (
        <p role="alert" className="rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900">
          {errorMessage(options.error)}
        </p>
      ) : (
        <CreateComputeForm options={options.data} />
      )}
    </div>
  );
}

function CreateComputeForm({ options }: { options: ComputeOptions }) {
  const router = useRouter();
  const create = useCreateComputeCluster();

  const [name, setName] = useState("");
  const [workers, setWorkers] = useState(String(Math.min(Number(DEFAULT_WORKERS), options.maxWorkers)));
  const [type, setType] = useState(options.instanceTypes[0]?.sku ?? "");
  const [kafkaClusterId, setKafkaClusterId] = useState("");
  const [projectId, setProjectId] = useState("");
  const [runtime, setRuntime] = useState(options.defaultRuntime);
  const [local, setLocal] = useState<Record<string, string>>({});

  const server = fieldErrors(create.error);
  const errors = { ...server, ...local };
  const formError = create.error && Object.keys(server).length === 0 ? errorMessage(create.error) : null;

  const selected = options.instanceTypes.find((t) => t.sku === type);
  const monthly = monthlyForNodes(selected?.hourly, Number(workers));

  function submit(e: FormEvent) {
    e.preventDefault();
    const problems: Record<string, string> = {};
    if (!/^\d+$/.test(workers.trim())) problems.workerCount = "Enter a whole number of workers";
    setLocal(problems);
    if (Object.keys(problems).length > 0) return;
    create.mutate(
      {
        name: name.trim(),
        workerCount: Number(workers),
        workerInstanceType: type,
        ...(kafkaClusterId ? { kafkaClusterId } : {}),
        ...(projectId ? { projectId } : {}),
        ...(options.runtimes.length > 1 ? { runtime } : {}),
      },
      {
        onSuccess: (c) => {
          toast.success(`Creating ${c.name}`);
          router.push(`/compute/${c.id}`);
        },
      },
    );
  }

  return (
    <form
      noValidate
      onSubmit={submit}
      className="grid items-start gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]"
      data-testid="create-compute-form"
    >
      <Card>
        <CardHeader
          title="Compute cluster"
          description="One Spark master and its workers; the worker count can be changed later."
        />
        <div className="flex flex-col gap-5 px-5 py-5">
          {formError && (
            <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
              {formError}
            </p>
          )}
          <div className="grid gap-5 sm:grid-cols-2">
            <NameAndProjectFields
              name={name}
              onNameChange={setName}
              placeholder="etl-nightly"
              projectId={projectId}
              onProjectChange={setProjectId}
              errors={errors}
            />
          </div>
          <RuntimeField
            runtimes={options.runtimes}
            value={runtime}
            onChange={setRuntime}
            error={errors.runtime}
            what="A namespace with a quota of workers × the instance type; jobs run as Spark Operator SparkApplications."
          />
          <SelectField
            label="Worker instance type"
            name="workerInstanceType"
            value={type}
            onChange={(e) => setType(e.target.value)}
            options={options.instanceTypes.map((t) => ({
              value: t.sku,
              label: `${t.sku} — ${t.vcpu} vCPU · ${t.memoryGib} GiB · ${formatUnitPrice(t.hourly)}/hour`,
            }))}
            error={errors.workerInstanceType}
            hint={
              selected
                ? `On this machine each worker offers ${selected.local.cores} ${selected.local.cores === 1 ? "core" : "cores"} and ${formatMemoryMb(selected.local.memoryMb)} to executors; prices are from the price book in force.`
                : undefined
            }
          />
          <div className="grid gap-5 sm:grid-cols-2">
            <TextField
              label="Workers"
              name="workerCount"
              type="number"
              inputMode="numeric"
              min={1}
              max={options.maxWorkers}
              value={workers}
              onChange={(e) => setWorkers(e.target.value)}
              error={errors.workerCount}
              hint={`1–${options.maxWorkers} in this project.`}
            />
            <SelectField
              label="Reads from Kafka cluster"
              name="kafkaClusterId"
              value={kafkaClusterId}
              onChange={(e) => setKafkaClusterId(e.target.value)}
              options={[
                { value: "", label: "None" },
                ...options.kafkaClusters.map((k) => ({
                  value: k.id,
                  label: k.status === "RUNNING" ? k.name : `${k.name} (${k.status.toLowerCase()})`,
                })),
              ]}
              error={errors.kafkaClusterId}
              hint={
                options.kafkaClusters.length === 0
                  ? "No Kafka cluster in this organisation yet; optional."
                  : "Optional: the cluster its jobs read from by default."
              }
            />
          </div>
        </div>
      </Card>

      <Card className="lg:sticky lg:top-6">
        <CardHeader title="Monthly estimate" description={`${HOURS_PER_MONTH} hours of every worker`} />
        <div className="flex flex-col gap-4 px-5 py-4" data-testid="monthly-estimate">
          {monthly && selected ? (
            <dl className="flex flex-col gap-2 text-sm">
              <div className="flex justify-between gap-3">
                <dt className="text-slate-600">
                  Workers
                  <span className="block text-xs text-slate-500">
                    {Number(workers)} × {formatUnitPrice(selected.hourly)}/h × {HOURS_PER_MONTH} h
                  </span>
                </dt>
                <dd className="text-slate-900 tabular-nums">{formatMoney(toCents(monthly))}</dd>
              </div>
              <div className="flex justify-between gap-3">
                <dt className="text-slate-600">
                  Master
                  <span className="block text-xs text-slate-500">Included</span>
                </dt>
                <dd className="text-slate-900 tabular-nums">{formatMoney(0)}</dd>
              </div>
              <div className="flex items-baseline justify-between gap-3 border-t border-slate-100 pt-3">
                <dt className="font-medium text-slate-900">Total per month</dt>
                <dd
                  className="text-lg font-semibold text-slate-900 tabular-nums"
                  data-testid="monthly-estimate-total"
                  aria-live="polite"
                >
                  {formatMoney(toCents(monthly))}
                </dd>
              </div>
            </dl>
          ) : (
            <p className="text-sm text-slate-500">Enter a worker count to see the estimate.</p>
          )}
          <Button type="submit" pending={create.isPending} data-testid="create-compute-submit">
            Create compute cluster
          </Button>
          <p className="text-xs text-slate-500">
            Billed per started hour while workers run.{" "}
            <Link href="/cost-estimator" className="font-medium text-brand-700 hover:underline">
              Size it from a workload
            </Link>
          </p>
        </div>
      </Card>
    </form>
  );
}
