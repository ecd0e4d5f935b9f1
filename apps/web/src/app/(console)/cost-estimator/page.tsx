import { PageHeader } from "@weir/ui";
import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { Estimator } from "@/components/estimator/estimator";

export const metadata: Metadata = { title: "Cost estimator" };

export default function CostEstimatorPage() {
  return (
    <div className="flex flex-col gap-6">
      <PageHeader
        title="Cost estimator"
        description={
          <>
            Size and price a planned deployment before you create it. Also public at{" "}
            <Link href="/estimator" className="font-medium text-brand-700 hover:underline">
              /estimator
            </Link>
            .
          </>
        }
      />
      <Suspense>
        <Estimator signedIn />
      </Suspense>
    </div>
  );
}
