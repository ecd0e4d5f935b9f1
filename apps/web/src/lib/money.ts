// Amounts arrive from the API as decimal strings ("453.60"); they are only turned into numbers
// to be drawn or formatted, never to be added up for a bill.
const formatters = new Map<string, Intl.NumberFormat>();

export function formatMoney(amount: string | number, currency = "USD"): string {
  let f = formatters.get(currency);
  if (!f) {
    f = new Intl.NumberFormat("en-US", { style: "currency", currency, minimumFractionDigits: 2 });
    formatters.set(currency, f);
  }
  return f.format(Number(amount));
}

const unitPrice = new Intl.NumberFormat("en-US", {
  style: "currency",
  currency: "USD",
  minimumFractionDigits: 2,
  maximumFractionDigits: 4,
});

/** A price per unit as the price book has it, to a tenth of a cent ("$0.073", "$0.0456"), never rounded to cents. */
export function formatUnitPrice(amount: string | number): string {
  return unitPrice.format(Number(amount));
}

export function formatQuantity(q: string | number): string {
  return Number(q).toLocaleString("en-US", { maximumFractionDigits: 6 });
}

export const dimensionLabel: Record<string, string> = {
  BROKER_HOURS: "Broker hours",
  STORAGE_GB_HOURS: "Storage",
  DATA_IN_GB: "Data in",
  DATA_OUT_GB: "Data out",
  COMPUTE_NODE_HOURS: "Spark node hours",
  JOB_HOURS: "Spark job hours",
  CONNECT_WORKER_HOURS: "Connect worker hours",
};

/** Saves text as a file in the browser. */
export function download(filename: string, text: string, type = "text/csv") {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}
