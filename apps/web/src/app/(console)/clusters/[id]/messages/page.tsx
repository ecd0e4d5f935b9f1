import type { Metadata } from "next";
import { MessagesView } from "./messages-view";

export const metadata: Metadata = { title: "Messages" };

export default async function MessagesPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ topic?: string }>;
}) {
  const { id } = await params;
  const { topic } = await searchParams;
  return <MessagesView clusterId={id} initialTopic={topic ?? ""} />;
}
