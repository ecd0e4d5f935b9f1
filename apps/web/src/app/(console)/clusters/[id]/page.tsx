import type { Metadata } from "next";
import { ClusterOverview } from "./overview-view";

export const metadata: Metadata = { title: "Cluster overview" };

export default async function ClusterOverviewPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <ClusterOverview clusterId={id} />;
}
