import type { Metadata } from "next";
import { ConsumerGroupsView } from "./consumer-groups-view";

export const metadata: Metadata = { title: "Consumer groups" };

export default async function ConsumerGroupsPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <ConsumerGroupsView clusterId={id} />;
}
