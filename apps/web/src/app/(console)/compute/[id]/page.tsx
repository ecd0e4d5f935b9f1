import type { Metadata } from "next";
import { ComputeDetailView } from "./compute-detail-view";

export const metadata: Metadata = { title: "Compute cluster" };

export default async function ComputeClusterPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <ComputeDetailView id={id} />;
}
