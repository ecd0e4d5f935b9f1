import { EmptyState, PageHeader } from "@weir/ui";
import type { Metadata } from "next";
import { ComputeIcon } from "@/components/icons";

export const metadata: Metadata = { title: "Compute" };

export default function ComputePage() {
  return (
    <div className="flex flex-col gap-6">
      <PageHeader title="Compute" description="Apache Spark clusters and the streaming jobs that run on them." />
      <EmptyState icon={<ComputeIcon />} title="No Spark compute clusters yet" data-testid="compute-empty">
        <p>
          Compute clusters are Apache Spark standalone masters and workers that Weir runs for you. Submit streaming jobs
          that read from and write to your Kafka topics, and follow their logs here.
        </p>
        <p className="mt-2 text-slate-500">Creating them arrives with the compute-clusters feature.</p>
      </EmptyState>
    </div>
  );
}
