import type { Metadata } from "next";
import { ConnectorView } from "./connector-view";

export const metadata: Metadata = { title: "Connector" };

export default async function ConnectorPage({ params }: { params: Promise<{ id: string; name: string }> }) {
  const { id, name } = await params;
  return <ConnectorView id={id} name={decodeURIComponent(name)} />;
}
