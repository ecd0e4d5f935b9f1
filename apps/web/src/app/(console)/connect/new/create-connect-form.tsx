"use client";
import { toCents } from "@weir/pricing";
import { Button, Card, CardHeader, PageHeader, SelectField, Spinner, TextField } from "@weir/ui";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { toast } from "sonner";
import { NameAndProjectFields } from "@/components/console/name-project-fields";
import { errorMessage, fieldErrors } from "@/lib/errors";
import { HOURS_PER_MONTH, monthlyForNodes } from "@/lib/estimate";
import { formatMoney, formatUnitPrice } from "@/lib/money";
import { useConnectOptions, useCreateConnectCluster, type ConnectOptions } from "../hooks";

export function CreateConnectView() {
  const options = useConnectOptions();
  return (
    <div className="flex flex-col gap-6">
      <PageHeader
        title="Create a Connect cluster"
        description={
          <>
            Weir starts Kafka Connect {options.data?.connectVersion ?? ""} distributed workers on one of your Kafka
            clusters, with their own Kafka user and internal topics.
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
        <CreateConnectForm options={options.data} />
      )}
    </div>
  );
}

function CreateConnectForm({ options }: { options: ConnectOptions }) {
  const router = useRouter();
  const create = useCreateConnectCluster();
  const [name, setName] = useState("");
  const [projectId, setProjectId] = useState("");
  const [workers, setWorkers] = useState("1");
  const [type, setType] = useState(options.instanceTypes[0]?.sku ?? "");
  const [kafkaClusterId, setKafkaClusterId] = useState(options.kafkaClusters[0]?.id ?? "");
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
    if (!kafkaClusterId) problems.kafkaClusterId = "Choose the Kafka cluster the workers attach to";
    setLocal(problems);
    if (Object.keys(problems).length > 0) return;
    create.mutate(
      {
        name: name.trim(),
        kafkaClusterId,
        workerCount: Number(workers),
        workerInstanceType: type,
        ...(projectId ? { projectId } : {}),
      },
      {
        onSuccess: (c) => {
          toast.success(`Creating ${c.name}`);
          router.push(`/connect/${c.id}`);
        },
      },
    );
  }

  return (
    <form
      noValidate
      onSubmit={submit}
      className="grid items-start gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]"
      data-testid="create-connect-form"
    >
      <Card>
        <CardHeader title="Connect cluster" description="Distributed workers; the worker count can be changed later." />
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
              placeholder="cdc"
              projectId={projectId}
              onProjectChange={setProjectId}
              errors={errors}
            />
          </div>
          <SelectField
            label="Kafka cluster"
            name="kafkaClusterId"
            value={kafkaClusterId}
            onChange={(e) => setKafkaClusterId(e.target.value)}
            options={[
              ...(options.kafkaClusters.length === 0 ? [{ value: "", label: "No Kafka cluster yet" }] : []),
              ...options.kafkaClusters.map((k) => ({
                value: k.id,
                label: k.status === "RUNNING" ? k.name : `${k.name} (${k.status.toLowerCase()})`,
              })),
            ]}
            error={errors.kafkaClusterId}
            hint="The workers keep their configs, offsets and status in topics on this cluster."
          />
          <div className="grid gap-5 sm:grid-cols-2">
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
            />
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
              hint={`1–${options.maxWorkers} in this project; tasks are spread over them.`}
            />
          </div>
        </div>
      </Card>
      <Card className="lg:sticky lg:top-6">
        <CardHeader title="Monthly estimate" description={`${HOURS_PER_MONTH} hours of every worker`} />
        <div className="flex flex-col gap-4 px-5 py-4" data-testid="monthly-estimate">
          <p className="text-lg font-semibold text-slate-900 tabular-nums" data-testid="monthly-estimate-total">
            {monthly ? formatMoney(toCents(monthly)) : "—"}
          </p>
          <Button type="submit" pending={create.isPending} data-testid="create-connect-submit">
            Create Connect cluster
          </Button>
        </div>
      </Card>
    </form>
  );
}
