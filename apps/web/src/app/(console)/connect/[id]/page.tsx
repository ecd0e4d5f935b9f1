import type { Metadata } from "next";
import { ConnectDetailView } from "./connect-detail-view";

export const metadata: Metadata = { title: "Connect cluster" };

export default async function ConnectClusterPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <ConnectDetailView id={id} />;
}
