import type { Metadata } from "next";
import { AclsView } from "./acls-view";

export const metadata: Metadata = { title: "ACLs" };

export default async function AclsPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <AclsView clusterId={id} />;
}
