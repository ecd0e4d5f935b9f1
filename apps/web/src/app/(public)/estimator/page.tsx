import { PageHeader } from "@weir/ui";
import type { Metadata } from "next";
import { EstimatorEmpty } from "@/components/estimator-empty";

export const metadata: Metadata = { title: "Cost estimator" };

export default function PublicEstimatorPage() {
  return (
    <div className="flex flex-col gap-6">
      <PageHeader
        title="Cost estimator"
        description="What managed Apache Kafka and Apache Spark on Weir would cost you, from public list prices."
      />
      <EstimatorEmpty />
    </div>
  );
}
