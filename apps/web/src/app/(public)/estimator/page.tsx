import { SESSION_COOKIE } from "@weir/domain";
import { PageHeader } from "@weir/ui";
import type { Metadata } from "next";
import { cookies } from "next/headers";
import { Suspense } from "react";
import { Estimator } from "@/components/estimator/estimator";

export const metadata: Metadata = { title: "Cost estimator" };

export default async function PublicEstimatorPage() {
  const signedIn = Boolean((await cookies()).get(SESSION_COOKIE));
  return (
    <div className="flex flex-col gap-6">
      <PageHeader
        title="Cost estimator"
        description="What managed Apache Kafka and Apache Spark on Weir would cost you, sized for your workload and priced line by line with the same engine and price book as your invoices."
      />
      <Suspense>
        <Estimator signedIn={signedIn} />
      </Suspense>
    </div>
  );
}
