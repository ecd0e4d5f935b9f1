"use client";
import { cn, EmptyState, Spinner } from "@weir/ui";
import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ReactNode } from "react";
import { LinkButton } from "@/components/console/link-button";
import { ResourceStatus } from "@/components/console/resource-status";
import { ClustersIcon } from "@/components/icons";
import { errorBody, errorMessage } from "@/lib/errors";
import { useCluster } from "../hooks";

const tabs = [
  { path: "", label: "Overview" },
  { path: "/topics", label: "Topics" },
  { path: "/users", label: "Users" },
  { path: "/acls", label: "ACLs" },
  { path: "/consumer-groups", label: "Consumer groups" },
  { path: "/messages", label: "Messages" },
] as const;

/** The cluster's header and tabs around every page of one cluster; status is polled live. */
export function ClusterShell({ id, children }: { id: string; children: ReactNode }) {
  const cluster = useCluster(id);
  const pathname = usePathname();
  const base = `/clusters/${id}`;
  const code = errorBody(cluster.error)?.code;
  const c = cluster.data;

  if (code === "NOT_FOUND" || (!c && code === "VALIDATION_FAILED")) {
    return (
      <EmptyState icon={<ClustersIcon />} title="Cluster not found" data-testid="cluster-not-found">
        <p>It may have been deleted, or it belongs to another organisation.</p>
        <div className="mt-6">
          <LinkButton href="/clusters" variant="secondary">
            Back to clusters
          </LinkButton>
        </div>
      </EmptyState>
    );
  }

  return (
    <div className="flex flex-col gap-6">
      <header className="flex flex-col gap-4">
        <nav aria-label="Breadcrumb" className="text-sm text-slate-500">
          <Link href="/clusters" className="hover:text-slate-900 hover:underline">
            Clusters
          </Link>
          <span aria-hidden className="px-1.5">
            /
          </span>
          <span className="text-slate-700">{c?.name ?? "…"}</span>
        </nav>
        {c ? (
          <div className="flex flex-col gap-2">
            <div className="flex flex-wrap items-center gap-x-3 gap-y-2">
              <h1 className="text-xl font-semibold tracking-tight text-slate-900" data-testid="cluster-name">
                {c.name}
              </h1>
              <ResourceStatus resource={c} layout="inline" />
            </div>
            <p className="text-sm text-slate-600">
              {c.brokerCount} × <span className="font-mono text-xs">{c.brokerInstanceType}</span> ·{" "}
              {c.storageGbPerBroker.toLocaleString("en-US")} GB per broker · Kafka {c.kafkaVersion}
              {c.projectName && <> · project {c.projectName}</>}
            </p>
          </div>
        ) : cluster.isError ? (
          <p role="alert" className="text-sm text-amber-800">
            {errorMessage(cluster.error)}
          </p>
        ) : (
          <div className="flex h-14 items-center text-slate-400">
            <Spinner label="Loading cluster" />
          </div>
        )}
        <nav aria-label="Cluster sections" className="overflow-x-auto shadow-[inset_0_-1px_0_0_var(--color-slate-200)]">
          <ul className="flex min-w-max gap-1">
            {tabs.map((t) => {
              const href = base + t.path;
              const active = t.path === "" ? pathname === base : pathname === href || pathname.startsWith(`${href}/`);
              return (
                <li key={t.label}>
                  <Link
                    href={href}
                    aria-current={active ? "page" : undefined}
                    className={cn(
                      "inline-flex h-10 items-center border-b-2 px-3 text-sm font-medium transition-colors",
                      "focus-visible:rounded-t focus-visible:outline-2 focus-visible:outline-brand-500",
                      active
                        ? "border-brand-600 text-brand-700"
                        : "border-transparent text-slate-600 hover:border-slate-300 hover:text-slate-900",
                    )}
                  >
                    {t.label}
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>
      </header>
      {c?.status === "DELETING" && (
        <p
          role="status"
          className="rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900"
          data-testid="cluster-deleting"
        >
          This cluster is being deleted: its brokers are stopping and its data will be removed.
        </p>
      )}
      {children}
    </div>
  );
}
