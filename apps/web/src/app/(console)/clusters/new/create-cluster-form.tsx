"use client";
import { Dec, toCents } from "@weir/pricing";
import { Button, Card, CardHeader, PageHeader, SelectField, Spinner, TextField } from "@weir/ui";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { toast } from "sonner";
import { errorMessage, fieldErrors } from "@/lib/errors";
import { NameAndProjectFields } from "@/components/console/name-project-fields";
import { RuntimeField } from "@/components/console/runtime-field";
import { HOURS_PER_MONTH, monthlyForNodes } from "@/lib/estimate";
import { formatMoney, formatUnitPrice } from "@/lib/money";
import { useClusterOptions, useCreateCluster, useStoragePrice, type ClusterOptions } from "../hooks";
import { clientRequirements } from "../[id]/connection-snippets";

/** Used until the price book answers, and if it has no storage price. */
const FALLBACK_STORAGE_PRICE = "0.10";
const DEFAULT_TYPE = "kafka.m5.large";

interface Prefill {
  brokers?: string | undefined;
  instanceType?: string | undefined;
  storageGb?: string | undefined;
}

export function CreateClusterView({ prefill }: { prefill: Prefill }) {
  const options = useClusterOptions();
  const fromEstimator = Boolean(prefill.brokers || prefill.instanceType || prefill.storageGb);
  return (
    <div className="flex flex-col gap-6">
      <PageHeader
        title="Create a Kafka cluster"
        description={
          <>
            Weir starts real Apache Kafka brokers in KRaft mode with SASL/SCRAM on, and reports progress on the
            cluster&rsquo;s page. {fromEstimator && "Pre-filled from the cost estimator."}
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
        <CreateClusterForm options={options.data} prefill={prefill} />
      )}
    </div>
  );
}

function CreateClusterForm({ options, prefill }: { options: ClusterOptions; prefill: Prefill }) {
  const router = useRouter();
  const create = useCreateCluster();
  const storagePrice = useStoragePrice();
  const skus = options.instanceTypes.map((t) => t.sku);
  const requestedType = prefill.instanceType;
  const unknownType = requestedType && !skus.includes(requestedType) ? requestedType : null;

  const [name, setName] = useState("");
  const [brokers, setBrokers] = useState(prefill.brokers ?? "3");
  const [type, setType] = useState(
    requestedType && !unknownType ? requestedType : skus.includes(DEFAULT_TYPE) ? DEFAULT_TYPE : (skus[0] ?? ""),
  );
  const [storage, setStorage] = useState(prefill.storageGb ?? "100");
  const [version, setVersion] = useState(options.defaultKafkaVersion);
  const [zones, setZones] = useState("1");
  const [projectId, setProjectId] = useState("");
  const [runtime, setRuntime] = useState(options.defaultRuntime);
  const [local, setLocal] = useState<Record<string, string>>({});

  const server = fieldErrors(create.error);
  const errors = { ...server, ...local };
  const formError = create.error && Object.keys(server).length === 0 ? errorMessage(create.error) : null;

  const selected = options.instanceTypes.find((t) => t.sku === type);
  const estimate = monthlyEstimate({
    brokers: Number(brokers),
    hourly: selected?.hourly,
    storageGb: Number(storage),
    storagePrice: storagePrice.data ?? FALLBACK_STORAGE_PRICE,
  });

  function submit(e: FormEvent) {
    e.preventDefault();
    const problems: Record<string, string> = {};
    if (!/^\d+$/.test(brokers.trim())) problems.brokerCount = "Enter a whole number of brokers";
    if (!/^\d+$/.test(storage.trim())) problems.storageGbPerBroker = "Enter a whole number of GB";
    setLocal(problems);
    if (Object.keys(problems).length > 0) return;
    create.mutate(
      {
        name: name.trim(),
        brokerCount: Number(brokers),
        brokerInstanceType: type,
        storageGbPerBroker: Number(storage),
        kafkaVersion: version,
        zoneCount: Number(zones),
        ...(projectId ? { projectId } : {}),
        ...(options.runtimes.length > 1 ? { runtime } : {}),
      },
      {
        onSuccess: (c) => {
          toast.success(`Creating ${c.name}`);
          router.push(`/clusters/${c.id}`);
        },
      },
    );
  }

  return (
    <form
      noValidate
      onSubmit={submit}
      className="grid items-start gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]"
      data-testid="create-cluster-form"
    >
      <Card>
        <CardHeader title="Cluster" description="What to run; the broker count can be changed later." />
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
              placeholder="orders-prod"
              projectId={projectId}
              onProjectChange={setProjectId}
              errors={errors}
            />
            <SelectField
              label="Kafka version"
              name="kafkaVersion"
              value={version}
              onChange={(e) => setVersion(e.target.value)}
              options={options.kafkaVersions.map((v) => ({
                value: v,
                label: v === options.defaultKafkaVersion ? `${v} (default)` : v,
              }))}
              error={errors.kafkaVersion}
              hint={clientRequirements(version) ?? undefined}
            />
          </div>
          <RuntimeField
            runtimes={options.runtimes}
            value={runtime}
            onChange={setRuntime}
            error={errors.runtime}
            what="Strimzi Kafka and KafkaNodePool resources; the Strimzi operator runs the brokers."
          />
          <SelectField
            label="Broker instance type"
            name="brokerInstanceType"
            value={type}
            onChange={(e) => setType(e.target.value)}
            options={options.instanceTypes.map((t) => ({
              value: t.sku,
              label: `${t.sku} — ${t.vcpu} vCPU · ${t.memoryGib} GiB · ${formatUnitPrice(t.hourly)}/hour`,
            }))}
            error={
              errors.brokerInstanceType ??
              (unknownType ? `“${unknownType}” is not offered; pick another type.` : undefined)
            }
            hint="Memory sets the broker's heap; prices are from the price book in force."
          />
          <div className="grid gap-5 sm:grid-cols-2">
            <TextField
              label="Brokers"
              name="brokerCount"
              type="number"
              inputMode="numeric"
              min={1}
              max={options.maxBrokers}
              value={brokers}
              onChange={(e) => setBrokers(e.target.value)}
              error={errors.brokerCount}
              hint={`1–${options.maxBrokers}; 3 or more for replication factor 3.`}
            />
            <TextField
              label="Storage per broker (GB)"
              name="storageGbPerBroker"
              type="number"
              inputMode="numeric"
              min={options.minStorageGb}
              max={options.maxStorageGb}
              value={storage}
              onChange={(e) => setStorage(e.target.value)}
              error={errors.storageGbPerBroker}
              hint={`${options.minStorageGb}–${options.maxStorageGb.toLocaleString("en-US")} GB`}
            />
          </div>
          <SelectField
            label="Zones"
            name="zoneCount"
            value={zones}
            onChange={(e) => setZones(e.target.value)}
            options={[1, 2, 3].map((n) => ({
              value: String(n),
              label: n === 1 ? "1 zone" : `${n} zones (brokers take turns; replicas in distinct zones)`,
            }))}
            error={errors.zoneCount}
            hint="Each broker's broker.rack; at most the broker count."
          />
        </div>
      </Card>

      <Card className="lg:sticky lg:top-6">
        <CardHeader title="Monthly estimate" description={`${HOURS_PER_MONTH} hours, before data transfer`} />
        <div className="flex flex-col gap-4 px-5 py-4" data-testid="monthly-estimate">
          {estimate ? (
            <dl className="flex flex-col gap-2 text-sm">
              <div className="flex justify-between gap-3">
                <dt className="text-slate-600">
                  Brokers
                  <span className="block text-xs text-slate-500">
                    {brokers} × {formatUnitPrice(selected!.hourly)}/h × {HOURS_PER_MONTH} h
                  </span>
                </dt>
                <dd className="text-slate-900 tabular-nums">{formatMoney(estimate.brokers)}</dd>
              </div>
              <div className="flex justify-between gap-3">
                <dt className="text-slate-600">
                  Storage
                  <span className="block text-xs text-slate-500">
                    {brokers} × {Number(storage).toLocaleString("en-US")} GB ×{" "}
                    {formatMoney(storagePrice.data ?? FALLBACK_STORAGE_PRICE)}/GB-month
                  </span>
                </dt>
                <dd className="text-slate-900 tabular-nums">{formatMoney(estimate.storage)}</dd>
              </div>
              <div className="flex items-baseline justify-between gap-3 border-t border-slate-100 pt-3">
                <dt className="font-medium text-slate-900">Total per month</dt>
                <dd
                  className="text-lg font-semibold text-slate-900 tabular-nums"
                  data-testid="monthly-estimate-total"
                  aria-live="polite"
                >
                  {formatMoney(estimate.total)}
                </dd>
              </div>
            </dl>
          ) : (
            <p className="text-sm text-slate-500">Enter a broker count and storage to see the estimate.</p>
          )}
          <Button type="submit" pending={create.isPending} data-testid="create-cluster-submit">
            Create cluster
          </Button>
          <p className="text-xs text-slate-500">
            Billed per started hour while brokers run.{" "}
            <Link href="/cost-estimator" className="font-medium text-brand-700 hover:underline">
              Size it from a workload
            </Link>
          </p>
        </div>
      </Card>
    </form>
  );
}

/** brokers × hourly × 720 + brokers × GB × storage price, in decimal (money never passes a float). */
function monthlyEstimate(p: { brokers: number; hourly: string | undefined; storageGb: number; storagePrice: string }) {
  const brokers = monthlyForNodes(p.hourly, p.brokers);
  if (!brokers || !Number.isInteger(p.storageGb) || p.storageGb < 0) return null;
  const storage = new Dec(p.storagePrice).times(p.storageGb).times(p.brokers);
  return { brokers: toCents(brokers), storage: toCents(storage), total: toCents(brokers.plus(storage)) };
}
