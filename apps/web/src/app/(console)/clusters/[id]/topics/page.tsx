import type { Metadata } from "next";
import { TopicsView } from "./topics-view";

export const metadata: Metadata = { title: "Topics" };

export default async function TopicsPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <TopicsView clusterId={id} />;
}
