"use client";
// The cost estimator, shared by the public /estimator page and the console. Its inputs live in
// the URL, so an estimate can be shared by sharing the address; the API sizes and prices it with
// the same engine and price book that produce invoices.
import { useQuery } from "@tanstack/react-query";
import type { AppRouter } from "@weir/api";
import { Badge, Card, CardHeader, SelectField, Spinner, Table, Td, TextField, Th, cn } from "@weir/ui";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useMemo, useRef, useState } from "react";
import { CopyButton } from "@/components/copy-button";
import { BarChart } from "@/components/charts/bar-chart";
import { errorMessage, fieldErrors } from "@/lib/errors";
import { dimensionLabel, formatMoney, formatQuantity } from "@/lib/money";
import { useTRPC, useTRPCClient } from "@/lib/trpc";

type EstimateInput = inferRouterInputs<AppRouter>["pricing"]["estimate"];
type Estimate = inferRouterOutputs<AppRouter>["pricing"]["estimate"];
type Option = Estimate["options"][number];

/** URL parameter → default. The names are what people see in a shared link. */
const defaults = {
  // A plan a new project can create (its quota: 9 brokers of at most 1,000 GB): 5 MB/s kept
  // 3 days. The former 10 MB/s kept a week needs 24 brokers.
  write: "5",
  fanout: "2",
  retention: "72",
  rf: "3",
  partitions: "300",
  type: "auto",
  brokers: "",
  workers: "0",
  workerType: "t2.large",
  hoursPerDay: "24",
  connectWorkers: "0",
  connectType: "connect.1mcu",
  days: "30",
} as const;
type Params = { -readonly [K in keyof typeof defaults]: string };

/** Which URL parameter an API field error belongs to. */
const fieldOf: Record<string, keyof Params> = {
  writeMBps: "write",
  readFanout: "fanout",
  retentionHours: "retention",
  replicationFactor: "rf",
  partitions: "partitions",
  brokerInstanceType: "type",
  brokers: "brokers",
  "compute.workers": "workers",
  "compute.instanceType": "workerType",
  "compute.hoursPerDay": "hoursPerDay",
  "connect.workers": "connectWorkers",
  "connect.instanceType": "connectType",
  days: "days",
};

function readParams(sp: URLSearchParams): Params {
  const out = { ...defaults } as Params;
  for (const k of Object.keys(defaults) as (keyof Params)[]) {
    const v = sp.get(k);
    if (v !== null) out[k] = v;
  }
  return out;
}

const num = (v: string) => (v.trim() === "" ? Number.NaN : Number(v));

function toInput(p: Params): EstimateInput {
  const workers = num(p.workers);
  const connectWorkers = num(p.connectWorkers);
  return {
    writeMBps: num(p.write),
    readFanout: num(p.fanout),
    retentionHours: num(p.retention),
    replicationFactor: num(p.rf),
    partitions: num(p.partitions),
    brokerInstanceType: p.type,
    ...(p.brokers.trim() !== "" ? { brokers: num(p.brokers) } : {}),
    ...(workers !== 0 ? { compute: { workers, instanceType: p.workerType, hoursPerDay: num(p.hoursPerDay) } } : {}),
    ...(connectWorkers !== 0 ? { connect: { workers: connectWorkers, instanceType: p.connectType } } : {}),
    days: num(p.days),
  };
}

/** The cluster form, pre-filled; from the public page it goes through sign-in first. */
function createClusterHref(o: Pick<Option, "brokers" | "instanceType" | "storageGbPerBroker">, signedIn: boolean) {
  const q = new URLSearchParams({
    brokers: String(o.brokers),
    instanceType: o.instanceType,
    storageGb: String(o.storageGbPerBroker),
  });
  const path = `/clusters/new?${q.toString()}`;
  return signedIn ? path : `/sign-in?next=${encodeURIComponent(path)}`;
}

export function Estimator({ signedIn }: { signedIn: boolean }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const router = useRouter();
  const pathname = usePathname();
  const search = useSearchParams();
  const fromUrl = useMemo(() => readParams(new URLSearchParams(search.toString())), [search]);
  const [form, setForm] = useState<Params>(fromUrl);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const [shareUrl, setShareUrl] = useState("");

  useEffect(() => setShareUrl(window.location.href), [search]);

  const set = (k: keyof Params, v: string) => {
    const next = { ...form, [k]: v };
    setForm(next);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      const q = new URLSearchParams();
      for (const key of Object.keys(defaults) as (keyof Params)[]) q.set(key, next[key]);
      router.replace(`${pathname}?${q.toString()}`, { scroll: false });
    }, 350);
  };

  const book = useQuery(trpc.pricing.priceBook.queryOptions({}));
  const input = useMemo(() => toInput(fromUrl), [fromUrl]);
  const estimate = useQuery({
    queryKey: ["pricing.estimate", input],
    queryFn: () => client.pricing.estimate.mutate(input),
    placeholderData: (prev) => prev,
    retry: false,
  });
  const errs: Partial<Record<keyof Params, string>> = {};
  for (const [f, msg] of Object.entries(fieldErrors(estimate.error))) {
    const k = fieldOf[f];
    if (k) errs[k] = msg;
  }

  const brokerTypes = (book.data?.prices ?? []).filter((p) => p.dimension === "BROKER_HOURS");
  const workerTypes = (book.data?.prices ?? []).filter((p) => p.dimension === "COMPUTE_NODE_HOURS");
  const connectTypes = (book.data?.prices ?? []).filter((p) => p.dimension === "CONNECT_WORKER_HOURS");
  const data = estimate.isError ? undefined : estimate.data;

  return (
    <div className="grid gap-6 lg:grid-cols-[22rem_1fr]">
      <Card className="self-start">
        <CardHeader title="Workload" description="Change anything; the estimate and the link follow." />
        <form
          className="flex flex-col gap-4 px-5 py-4"
          data-testid="estimator-form"
          onSubmit={(e) => e.preventDefault()}
        >
          <div className="grid grid-cols-2 gap-3">
            <TextField
              label="Write MB/s"
              name="write"
              type="number"
              step="any"
              min={0}
              value={form.write}
              error={errs.write}
              onChange={(e) => set("write", e.target.value)}
            />
            <TextField
              label="Read fan-out"
              name="fanout"
              type="number"
              step="any"
              min={0}
              value={form.fanout}
              error={errs.fanout}
              hint="Reads per byte written"
              onChange={(e) => set("fanout", e.target.value)}
            />
            <TextField
              label="Retention (hours)"
              name="retention"
              type="number"
              step="any"
              value={form.retention}
              error={errs.retention}
              onChange={(e) => set("retention", e.target.value)}
            />
            <TextField
              label="Replication factor"
              name="rf"
              type="number"
              min={1}
              max={5}
              value={form.rf}
              error={errs.rf}
              onChange={(e) => set("rf", e.target.value)}
            />
            <TextField
              label="Partitions"
              name="partitions"
              type="number"
              min={1}
              value={form.partitions}
              error={errs.partitions}
              onChange={(e) => set("partitions", e.target.value)}
            />
            <TextField
              label="Brokers"
              name="brokers"
              type="number"
              min={1}
              placeholder="Size it"
              value={form.brokers}
              error={errs.brokers}
              hint="Empty: sized for you"
              onChange={(e) => set("brokers", e.target.value)}
            />
          </div>
          <SelectField
            label="Broker instance type"
            name="type"
            value={form.type}
            error={errs.type}
            onChange={(e) => set("type", e.target.value)}
            options={[
              { value: "auto", label: "Size it for me" },
              ...brokerTypes.map((p) => ({
                value: p.sku,
                label: `${p.sku} · ${p.vcpu} vCPU, ${p.memoryGib} GiB · $${p.unitPrice}/h`,
              })),
            ]}
          />
          <fieldset className="flex flex-col gap-3 border-t border-slate-100 pt-4">
            <legend className="pb-2 text-sm font-semibold text-slate-900">Spark compute</legend>
            <div className="grid grid-cols-2 gap-3">
              <TextField
                label="Workers"
                name="workers"
                type="number"
                min={0}
                value={form.workers}
                error={errs.workers}
                hint="0: none"
                onChange={(e) => set("workers", e.target.value)}
              />
              <TextField
                label="Hours per day"
                name="hoursPerDay"
                type="number"
                min={0}
                max={24}
                step="any"
                value={form.hoursPerDay}
                error={errs.hoursPerDay}
                onChange={(e) => set("hoursPerDay", e.target.value)}
              />
            </div>
            <SelectField
              label="Worker type"
              name="workerType"
              value={form.workerType}
              error={errs.workerType}
              onChange={(e) => set("workerType", e.target.value)}
              options={workerTypes.map((p) => ({
                value: p.sku,
                label: `${p.sku} · ${p.vcpu} vCPU, ${p.memoryGib} GiB · $${p.unitPrice}/h`,
              }))}
            />
          </fieldset>
          <fieldset className="flex flex-col gap-3 border-t border-slate-100 pt-4">
            <legend className="pb-2 text-sm font-semibold text-slate-900">Kafka Connect</legend>
            <TextField
              label="Connect workers"
              name="connectWorkers"
              type="number"
              min={0}
              value={form.connectWorkers}
              error={errs.connectWorkers}
              hint="0: none. Workers run all month."
              onChange={(e) => set("connectWorkers", e.target.value)}
            />
            <SelectField
              label="Connect worker type"
              name="connectType"
              value={form.connectType}
              error={errs.connectType}
              onChange={(e) => set("connectType", e.target.value)}
              options={connectTypes.map((p) => ({
                value: p.sku,
                label: `${p.sku} · ${p.vcpu} vCPU, ${p.memoryGib} GiB · $${p.unitPrice}/h`,
              }))}
            />
          </fieldset>
          <SelectField
            label="Month"
            name="days"
            value={form.days}
            error={errs.days}
            onChange={(e) => set("days", e.target.value)}
            options={[28, 29, 30, 31].map((d) => ({ value: String(d), label: `${d} days (${d * 24} hours)` }))}
          />
        </form>
      </Card>

      <div className="flex min-w-0 flex-col gap-6">
        {estimate.isError ? (
          <Card
            className="border-red-200 bg-red-50 px-5 py-4 text-sm text-red-800"
            data-testid="estimate-error"
            role="alert"
          >
            {errorMessage(estimate.error)}
          </Card>
        ) : !data ? (
          <div className="flex justify-center py-16 text-slate-400">
            <Spinner label="Estimating" />
          </div>
        ) : (
          <Result data={data} signedIn={signedIn} shareUrl={shareUrl} refreshing={estimate.isFetching} />
        )}
      </div>
    </div>
  );
}

function Result({
  data,
  signedIn,
  shareUrl,
  refreshing,
}: {
  data: Estimate;
  signedIn: boolean;
  shareUrl: string;
  refreshing: boolean;
}) {
  const rec = data.recommended;
  const shown = rec ?? data.options[0];
  const money = (v: string | number) => formatMoney(v, data.currency);
  const dims = [...new Set(data.options.flatMap((o) => o.estimate.lines.map((l) => l.dimension)))];
  return (
    <>
      <Card data-testid="estimate-recommendation" data-fits={data.fits} aria-busy={refreshing || undefined}>
        <CardHeader
          title={rec ? "Recommended cluster" : "No offered size fits"}
          description={`Price book version ${data.priceBookVersion} · a ${data.hoursInMonth}-hour month`}
          actions={
            shareUrl ? (
              <CopyButton text={shareUrl} label="Copy a link to this estimate" testId="copy-estimate-link" />
            ) : null
          }
        />
        <div className="flex flex-col gap-4 px-5 py-4">
          {rec ? (
            <div className="flex flex-wrap items-end justify-between gap-4">
              <div>
                <p className="text-2xl font-semibold text-slate-900" data-testid="estimate-cluster">
                  {rec.brokers} × {rec.instanceType}
                </p>
                <p className="text-sm text-slate-600">
                  {rec.storageGbPerBroker.toLocaleString("en-US")} GB storage per broker
                </p>
              </div>
              <div className="text-right">
                <p className="text-2xl font-semibold text-slate-900" data-testid="estimate-total">
                  {money(rec.estimate.total)}
                </p>
                <p className="text-sm text-slate-600">per month</p>
              </div>
            </div>
          ) : null}
          <p
            className={cn("text-sm leading-6", rec ? "text-slate-700" : "text-amber-800")}
            data-testid="estimate-reasoning"
          >
            {data.summary}
          </p>
          <p className="text-xs text-slate-500">
            Broker traffic {data.traffic.brokerTrafficMBps.toLocaleString("en-US")} MB/s (
            {data.traffic.ingressMBps.toLocaleString("en-US")} in, {data.traffic.egressMBps.toLocaleString("en-US")}{" "}
            out, replication included); {data.traffic.retainedGb.toLocaleString("en-US")} GB retained across replicas.
          </p>
          {data.quota && (
            <p className="text-xs text-slate-500" data-testid="estimate-quota">
              Sized within the project quota a cluster is created under: at most{" "}
              {data.quota.maxBrokersPerCluster.toLocaleString("en-US")} brokers and{" "}
              {data.quota.maxStorageGbPerBroker.toLocaleString("en-US")} GB of storage per broker.
            </p>
          )}
          {rec && (
            <div>
              <Link
                href={createClusterHref(rec, signedIn)}
                className="inline-flex h-9 items-center rounded-md bg-brand-600 px-3.5 text-sm font-medium text-white shadow-sm hover:bg-brand-700"
                data-testid="create-this-cluster"
              >
                Create this cluster
              </Link>
            </div>
          )}
        </div>
      </Card>

      {shown && (
        <Card>
          <CardHeader title="Monthly line items" description={`${shown.brokers} × ${shown.instanceType}`} />
          <Table data-testid="estimate-lines">
            <thead>
              <tr>
                <Th>Item</Th>
                <Th className="text-right">Quantity</Th>
                <Th className="text-right">Unit price</Th>
                <Th className="text-right">Amount</Th>
              </tr>
            </thead>
            <tbody>
              {shown.estimate.lines.map((l) => (
                <tr key={`${l.dimension}:${l.sku}`} data-testid="estimate-line" data-sku={l.sku}>
                  <Td>
                    <span className="font-medium text-slate-900">{dimensionLabel[l.dimension]}</span>{" "}
                    <span className="text-slate-500">{l.sku}</span>
                  </Td>
                  <Td className="text-right tabular-nums">
                    {formatQuantity(l.quantity)} {l.unit}
                    {l.unit === "hour" ? "s" : ""}
                  </Td>
                  <Td className="text-right tabular-nums">
                    ${l.unitPrice} / {l.unit}
                  </Td>
                  <Td className="text-right font-medium tabular-nums">{money(l.amount)}</Td>
                </tr>
              ))}
              <tr>
                <Td colSpan={3} className="text-right font-semibold text-slate-900">
                  Total per month
                </Td>
                <Td className="text-right font-semibold text-slate-900 tabular-nums">{money(shown.estimate.total)}</Td>
              </tr>
            </tbody>
          </Table>
        </Card>
      )}

      <Card>
        <CardHeader title="Side by side" description="The recommendation and its neighbours, priced the same way." />
        <div className="flex flex-col gap-5 px-5 py-4">
          <BarChart
            label="Monthly cost of each configuration by dimension"
            testId="estimate-chart"
            categories={data.options.map((o) => `${o.brokers} × ${o.instanceType.replace("kafka.", "")}`)}
            series={dims.map((d) => ({
              name: dimensionLabel[d] ?? d,
              values: data.options.map((o) =>
                o.estimate.lines.filter((l) => l.dimension === d).reduce((a, l) => a + Number(l.amount), 0),
              ),
            }))}
            format={(v) => formatMoney(v, data.currency).replace(/\.\d\d$/, "")}
          />
          <div className="grid gap-4 md:grid-cols-3">
            {data.options.map((o, i) => (
              <div
                key={`${o.instanceType}:${o.brokers}`}
                className={cn(
                  "flex flex-col gap-2 rounded-md border p-4",
                  i === 0 && rec ? "border-brand-300 bg-brand-50/40" : "border-slate-200",
                )}
                data-testid="estimate-option"
                data-fits={o.fits}
              >
                <div className="flex items-center justify-between gap-2">
                  <p className="font-semibold text-slate-900">
                    {o.brokers} × {o.instanceType}
                  </p>
                  {i === 0 && rec ? (
                    <Badge tone="brand">Recommended</Badge>
                  ) : o.fits ? (
                    <Badge tone="success">Fits</Badge>
                  ) : o.quotaBlocks.length > 0 ? (
                    <Badge tone="warning">Over the project quota</Badge>
                  ) : (
                    <Badge tone="warning">Does not fit</Badge>
                  )}
                </div>
                <p className="text-lg font-semibold text-slate-900 tabular-nums">{money(o.estimate.total)}</p>
                <p className="text-xs leading-5 text-slate-600">{o.reasoning}</p>
                {o.fits && (
                  <Link
                    href={createClusterHref(o, signedIn)}
                    className="mt-auto text-sm font-medium text-brand-700 hover:underline"
                  >
                    Create this cluster →
                  </Link>
                )}
              </div>
            ))}
          </div>
        </div>
      </Card>
    </>
  );
}
