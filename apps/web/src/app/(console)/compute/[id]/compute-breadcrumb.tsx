"use client";
import Link from "next/link";
import { Fragment } from "react";
import { useComputeCluster } from "../hooks";

/** Compute / <cluster> / … : the way back from a job or the SQL workspace to its compute cluster. */
export function ComputeBreadcrumb({
  id,
  trail,
}: {
  id: string;
  /** The pages after the cluster: a label, or a label with a link. */
  trail: Array<string | { label: string; href: string }>;
}) {
  const cluster = useComputeCluster(id);
  const sep = (
    <span aria-hidden className="px-1.5">
      /
    </span>
  );
  return (
    <nav aria-label="Breadcrumb" className="text-sm text-slate-500">
      <Link href="/compute" className="hover:text-slate-900 hover:underline">
        Compute
      </Link>
      {sep}
      <Link href={`/compute/${id}`} className="hover:text-slate-900 hover:underline">
        {cluster.data?.name ?? "…"}
      </Link>
      {trail.map((t, i) => (
        <Fragment key={i}>
          {sep}
          {typeof t === "string" ? (
            <span className="text-slate-700">{t}</span>
          ) : (
            <Link href={t.href} className="hover:text-slate-900 hover:underline">
              {t.label}
            </Link>
          )}
        </Fragment>
      ))}
    </nav>
  );
}
