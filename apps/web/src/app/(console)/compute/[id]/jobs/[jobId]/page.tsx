import type { Metadata } from "next";
import { JobDetailView } from "./job-detail-view";

export const metadata: Metadata = { title: "Job" };

export default async function JobPage({ params }: { params: Promise<{ id: string; jobId: string }> }) {
  const { id, jobId } = await params;
  return <JobDetailView id={id} jobId={jobId} />;
}
