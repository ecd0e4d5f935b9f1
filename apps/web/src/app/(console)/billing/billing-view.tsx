"use client";
import { jobOfLine, linesUnderComputeClusters, roleAtLeast } from "@weir/domain/rules";
import { Badge, Button, Card, CardHeader, PageHeader, Spinner, Table, Td, TextField, Th } from "@weir/ui";
import Link from "next/link";
import { useRef, useState } from "react";
import { toast } from "sonner";
import { useCurrentOrg } from "@/components/console/use-org";
import { BillingIcon } from "@/components/icons";
import { BarChart } from "@/components/charts/bar-chart";
import { errorMessage, fieldErrors } from "@/lib/errors";
import { formatDateTime } from "@/lib/format";
import { dimensionLabel, download, formatMoney, formatQuantity } from "@/lib/money";
import { useTRPCClient } from "@/lib/trpc";
import { useBillingSummary, useDeleteBudget, useInvoice, useInvoices, useSetBudget } from "./hooks";

const monthName = (m: string) =>
  new Date(`${m}-01T00:00:00Z`).toLocaleDateString("en-GB", { month: "long", year: "numeric", timeZone: "UTC" });

export function BillingView() {
  const summary = useBillingSummary();
  const [invoiceId, setInvoiceId] = useState<string | null>(null);
  const s = summary.data;
  return (
    <div className="flex flex-col gap-6">
      <PageHeader
        title="Billing"
        description="Metered usage priced with the versioned price book: month-to-date, the end-of-month forecast, daily spend per resource and monthly invoices. Usage is metered in hourly records, refreshed every few minutes."
        actions={<ExportUsageButton />}
      />
      {s?.budget?.crossed && (
        <div
          role="alert"
          data-testid="budget-notice"
          className="rounded-lg border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900"
        >
          <strong className="font-semibold">Budget threshold reached.</strong> Spend this month is{" "}
          {formatMoney(s.budget.monthToDate, s.currency)}, {s.budget.percentUsed}% of the{" "}
          {formatMoney(s.budget.monthlyAmount, s.currency)} monthly budget (notice at {s.budget.thresholdPercent}%).
        </div>
      )}
      {summary.isPending ? (
        <div className="flex justify-center py-10 text-slate-400">
          <Spinner label="Loading billing" />
        </div>
      ) : summary.isError ? (
        <Card className="px-5 py-4 text-sm text-red-700">{errorMessage(summary.error)}</Card>
      ) : (
        s && (
          <>
            <div className="grid gap-4 sm:grid-cols-3">
              <Figure
                label={`Month to date · ${monthName(s.month)}`}
                value={formatMoney(s.monthToDate, s.currency)}
                testId="billing-mtd"
              />
              <Figure
                label="Forecast for the month"
                value={formatMoney(s.forecast, s.currency)}
                testId="billing-forecast"
                hint="If what runs now keeps running"
              />
              <Figure
                label="Budget"
                value={s.budget ? formatMoney(s.budget.monthlyAmount, s.currency) : "None"}
                hint={
                  s.budget ? `${s.budget.percentUsed}% used · notice at ${s.budget.thresholdPercent}%` : "Set one below"
                }
                testId="billing-budget"
              />
            </div>
            <DailySpend summary={s} />
          </>
        )
      )}
      <Invoices selected={invoiceId} onSelect={setInvoiceId} />
      {invoiceId && <InvoiceDetail id={invoiceId} />}
      <BudgetForm current={s?.budget ?? null} currency={s?.currency ?? "USD"} />
    </div>
  );
}

function Figure({ label, value, hint, testId }: { label: string; value: string; hint?: string; testId: string }) {
  return (
    <Card className="px-5 py-4" data-testid={testId}>
      <p className="text-xs font-medium tracking-wide text-slate-500 uppercase">{label}</p>
      <p className="mt-1 text-2xl font-semibold text-slate-900 tabular-nums" data-testid={`${testId}-value`}>
        {value}
      </p>
      {hint && <p className="mt-0.5 text-xs text-slate-500">{hint}</p>}
    </Card>
  );
}

type Summary = NonNullable<ReturnType<typeof useBillingSummary>["data"]>;

function DailySpend({ summary }: { summary: Summary }) {
  const days = [...new Set(summary.dailySpend.map((d) => d.day))].sort();
  // A resource that cost nothing all month (a job: its runtime is included in its cluster's node
  // hours) would only add an empty series; the invoice below still lists it.
  const resources = [
    ...new Map(
      summary.dailySpend.filter((d) => Number(d.amount) !== 0).map((d) => [d.resourceId, d.resourceName]),
    ).entries(),
  ];
  return (
    <Card>
      <CardHeader title="Daily spend per resource" description={monthName(summary.month)} />
      <div className="px-5 py-4">
        {days.length === 0 ? (
          <div className="flex flex-col items-center gap-2 py-8 text-center" data-testid="billing-empty">
            <BillingIcon className="size-6 text-slate-400" />
            <p className="text-sm font-medium text-slate-900">No usage this month yet</p>
            <p className="max-w-md text-sm text-slate-500">
              Brokers, storage, data transfer and Spark nodes are metered by the hour once clusters run. See what a
              deployment would cost in the{" "}
              <Link href="/cost-estimator" className="font-medium text-brand-700 hover:underline">
                cost estimator
              </Link>
              .
            </p>
          </div>
        ) : (
          <BarChart
            label="Daily spend per resource"
            testId="daily-spend-chart"
            categories={days.map((d) => d.slice(5))}
            series={resources.map(([id, name]) => ({
              name,
              values: days.map((day) =>
                summary.dailySpend
                  .filter((d) => d.day === day && d.resourceId === id)
                  .reduce((a, d) => a + Number(d.amount), 0),
              ),
            }))}
            format={(v) => formatMoney(v, summary.currency)}
          />
        )}
      </div>
    </Card>
  );
}

function Invoices({ selected, onSelect }: { selected: string | null; onSelect: (id: string) => void }) {
  const invoices = useInvoices();
  const items = invoices.data?.items ?? [];
  return (
    <Card>
      <CardHeader
        title="Invoices"
        description="One per calendar month (UTC); a month's invoice keeps the price book version it started with."
      />
      {invoices.isPending ? (
        <div className="flex justify-center py-8 text-slate-400">
          <Spinner label="Loading invoices" />
        </div>
      ) : items.length === 0 ? (
        <p className="px-5 py-6 text-sm text-slate-500" data-testid="invoices-empty">
          No invoices yet: the first appears once usage is metered.
        </p>
      ) : (
        <Table data-testid="invoices-table">
          <thead>
            <tr>
              <Th>Month</Th>
              <Th>Status</Th>
              <Th>Price book</Th>
              <Th className="text-right">Total</Th>
              <Th className="text-right">
                <span className="sr-only">Actions</span>
              </Th>
            </tr>
          </thead>
          <tbody>
            {items.map((i) => (
              <tr
                key={i.id}
                data-testid="invoice-row"
                data-month={i.month}
                className={selected === i.id ? "bg-brand-50/50" : undefined}
              >
                <Td className="font-medium text-slate-900">{monthName(i.month)}</Td>
                <Td>
                  <Badge tone={i.status === "FINAL" ? "success" : "brand"}>
                    {i.status === "FINAL" ? "Final" : "Open, month to date"}
                  </Badge>
                </Td>
                <Td>version {i.priceBookVersion}</Td>
                <Td className="text-right font-medium tabular-nums" data-testid="invoice-total">
                  {formatMoney(i.total, i.currency)}
                </Td>
                <Td className="text-right">
                  <Button variant="secondary" size="sm" onClick={() => onSelect(i.id)}>
                    View
                  </Button>
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </Card>
  );
}

function InvoiceDetail({ id }: { id: string }) {
  const invoice = useInvoice(id);
  const client = useTRPCClient();
  const inv = invoice.data;
  return (
    <Card data-testid="invoice-detail">
      <CardHeader
        title={inv ? `Invoice · ${monthName(inv.month)}` : "Invoice"}
        description={
          inv
            ? `${inv.status === "FINAL" ? `Final since ${formatDateTime(inv.finalizedAt)}` : "Open: recomputed as usage is metered"} · price book version ${inv.priceBookVersion}`
            : undefined
        }
        actions={
          <Button
            variant="secondary"
            size="sm"
            data-testid="export-invoice-csv"
            onClick={() =>
              client.billing.invoiceCsv
                .query({ id })
                .then((f) => download(f.filename, f.csv))
                .catch((e: unknown) => toast.error(errorMessage(e)))
            }
          >
            Export CSV
          </Button>
        }
      />
      {!inv ? (
        <div className="flex justify-center py-8 text-slate-400">
          <Spinner label="Loading invoice" />
        </div>
      ) : (
        <Table data-testid="invoice-lines">
          <thead>
            <tr>
              <Th>Resource</Th>
              <Th>Item</Th>
              <Th className="text-right">Quantity</Th>
              <Th className="text-right">Unit price</Th>
              <Th className="text-right">Amount</Th>
            </tr>
          </thead>
          <tbody>
            {linesUnderComputeClusters(inv.lines).map((l) => (
              <tr key={`${l.resourceId}:${l.dimension}:${l.sku}`} data-testid="invoice-line" data-sku={l.sku}>
                <ResourceCell line={l} />
                <Td>
                  {dimensionLabel[l.dimension]} <span className="text-slate-500">{l.sku}</span>
                </Td>
                <Td className="text-right tabular-nums">
                  {formatQuantity(l.quantity)} {l.unit === "hour" ? "hours" : l.unit}
                </Td>
                <Td className="text-right tabular-nums">
                  ${l.unitPrice} / {l.unit}
                </Td>
                <Td className="text-right font-medium tabular-nums">{formatMoney(l.amount, inv.currency)}</Td>
              </tr>
            ))}
            <tr>
              <Td colSpan={4} className="text-right text-slate-600">
                Subtotal
              </Td>
              <Td className="text-right tabular-nums">{formatMoney(inv.subtotal, inv.currency)}</Td>
            </tr>
            <tr>
              <Td colSpan={4} className="text-right font-semibold text-slate-900">
                Total
              </Td>
              <Td className="text-right font-semibold text-slate-900 tabular-nums" data-testid="invoice-detail-total">
                {formatMoney(inv.total, inv.currency)}
              </Td>
            </tr>
          </tbody>
        </Table>
      )}
    </Card>
  );
}

/** A job's line reads "<compute cluster> / <job>", indented under its cluster's lines. */
function ResourceCell({ line }: { line: { resourceKind: string; resourceName: string } }) {
  const job = jobOfLine(line);
  if (!job) return <Td className="font-medium text-slate-900">{line.resourceName}</Td>;
  return (
    <Td className="pl-8" data-testid="invoice-line-job">
      {job.computeCluster && <span className="text-slate-500">{job.computeCluster} / </span>}
      <span className="font-medium text-slate-900">{job.job}</span> <Badge tone="neutral">Spark job</Badge>
    </Td>
  );
}

function ExportUsageButton() {
  const client = useTRPCClient();
  const [pending, setPending] = useState(false);
  return (
    <Button
      variant="secondary"
      pending={pending}
      data-testid="export-usage-csv"
      onClick={() => {
        setPending(true);
        client.billing.usageCsv
          .query({ granularity: "hour" })
          .then((f) => download(f.filename, f.csv))
          .catch((e: unknown) => toast.error(errorMessage(e)))
          .finally(() => setPending(false));
      }}
    >
      Export usage CSV
    </Button>
  );
}

function BudgetForm({ current, currency }: { current: Summary["budget"]; currency: string }) {
  const org = useCurrentOrg();
  const manage = roleAtLeast(org.data?.role, "ADMIN");
  const save = useSetBudget();
  const remove = useDeleteBudget();
  const form = useRef<HTMLFormElement>(null);
  const errors = fieldErrors(save.error);
  return (
    <Card>
      <CardHeader
        title="Budget"
        description={
          manage
            ? "A monthly amount and the share of it at which Weir raises a notice here and records an audit event."
            : "Only owners and admins can set the budget."
        }
      />
      <form
        ref={form}
        key={current ? `${current.monthlyAmount}:${current.thresholdPercent}` : "none"}
        className="flex flex-col gap-4 px-5 py-4 sm:flex-row sm:items-start"
        data-testid="budget-form"
        onSubmit={(e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          save.mutate(
            { monthlyAmount: String(f.get("monthlyAmount")), thresholdPercent: Number(f.get("thresholdPercent")) },
            { onSuccess: () => toast.success("Budget saved") },
          );
        }}
      >
        <TextField
          label={`Monthly budget (${currency})`}
          name="monthlyAmount"
          inputMode="decimal"
          required
          defaultValue={current?.monthlyAmount ?? ""}
          placeholder="500.00"
          disabled={!manage}
          error={errors.monthlyAmount}
          wrapperClassName="sm:w-56"
        />
        <TextField
          label="Notice at (% of budget)"
          name="thresholdPercent"
          type="number"
          min={1}
          max={100}
          required
          defaultValue={current?.thresholdPercent ?? 80}
          disabled={!manage}
          error={errors.thresholdPercent}
          wrapperClassName="sm:w-48"
        />
        <div className="flex gap-2 sm:mt-6">
          <Button type="submit" pending={save.isPending} disabled={!manage}>
            Save budget
          </Button>
          {current && (
            <Button
              variant="ghost"
              pending={remove.isPending}
              disabled={!manage}
              onClick={() => remove.mutate(undefined)}
            >
              Remove
            </Button>
          )}
        </div>
      </form>
    </Card>
  );
}
