import type { Metadata } from "next";
import { ComputeBreadcrumb } from "../compute-breadcrumb";
import { SqlWorkspaceView } from "./sql-workspace-view";

export const metadata: Metadata = { title: "SQL workspace" };

export default async function SqlWorkspacePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <div className="flex flex-col gap-6">
      <header className="flex flex-col gap-2 border-b border-slate-200 pb-5">
        <ComputeBreadcrumb id={id} trail={["SQL workspace"]} />
        <h1 className="text-xl font-semibold tracking-tight text-slate-900">SQL workspace</h1>
        <p className="max-w-3xl text-sm text-slate-600">
          Query Kafka topics with Spark SQL on this compute cluster&rsquo;s long-lived Spark Connect server. A query
          worth keeping can be saved as a streaming job.
        </p>
      </header>
      <SqlWorkspaceView computeClusterId={id} />
    </div>
  );
}
