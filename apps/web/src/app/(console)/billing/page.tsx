import { EmptyState, PageHeader } from "@weir/ui";
import type { Metadata } from "next";
import { BillingIcon } from "@/components/icons";

export const metadata: Metadata = { title: "Billing" };

export default function BillingPage() {
  return (
    <div className="flex flex-col gap-6">
      <PageHeader title="Billing" description="Metered usage and invoices for this organisation." />
      <EmptyState icon={<BillingIcon />} title="No usage or invoices yet" data-testid="billing-empty">
        <p>
          Weir meters what actually runs — broker hours by instance type, provisioned storage, Spark node hours and
          bytes in and out — and prices it with the versioned price book into monthly invoices.
        </p>
        <p className="mt-2 text-slate-500">
          Usage and invoices appear here once clusters run and the billing feature lands.
        </p>
      </EmptyState>
    </div>
  );
}
