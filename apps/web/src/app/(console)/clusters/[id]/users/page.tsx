import type { Metadata } from "next";
import { KafkaUsersView } from "./users-view";

export const metadata: Metadata = { title: "Kafka users" };

export default async function KafkaUsersPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <KafkaUsersView clusterId={id} />;
}
