import { EmptyState, PageHeader } from "@weir/ui";
import type { Metadata } from "next";
import { ClustersIcon } from "@/components/icons";

export const metadata: Metadata = { title: "Clusters" };

export default function ClustersPage() {
  return (
    <div className="flex flex-col gap-6">
      <PageHeader
        title="Kafka clusters"
        description="Apache Kafka broker clusters, their topics, users, ACLs and consumer groups."
      />
      <EmptyState icon={<ClustersIcon />} title="No Kafka clusters yet" data-testid="clusters-empty">
        <p>
          Clusters are real Apache Kafka brokers (KRaft mode) that Weir starts, watches and heals, with SASL/SCRAM users
          and ACLs managed through the Kafka protocol.
        </p>
        <p className="mt-2 text-slate-500">Creating them arrives with the broker-clusters feature.</p>
      </EmptyState>
    </div>
  );
}
