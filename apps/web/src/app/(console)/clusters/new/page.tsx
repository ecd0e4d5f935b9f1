import type { Metadata } from "next";
import { CreateClusterView } from "./create-cluster-form";

export const metadata: Metadata = { title: "Create cluster" };

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** `?brokers=3&instanceType=kafka.m5.large&storageGb=500` pre-fills the form (the cost estimator links here). */
export default async function NewClusterPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const q = await searchParams;
  return (
    <CreateClusterView
      prefill={{ brokers: one(q.brokers), instanceType: one(q.instanceType), storageGb: one(q.storageGb) }}
    />
  );
}
