import type { ReactNode } from "react";
import { ClusterShell } from "./cluster-shell";

export default async function ClusterLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<{ id: string }>;
}) {
  const { id } = await params;
  return <ClusterShell id={id}>{children}</ClusterShell>;
}
