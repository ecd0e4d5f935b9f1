import type { Metadata } from "next";
import { TopicDetailView } from "./topic-detail-view";

export const metadata: Metadata = { title: "Topic" };

export default async function TopicPage({ params }: { params: Promise<{ id: string; name: string }> }) {
  const { id, name } = await params;
  return <TopicDetailView clusterId={id} name={decodeURIComponent(name)} />;
}
