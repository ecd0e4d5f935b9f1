import type { Metadata } from "next";
import { CreateConnectView } from "./create-connect-form";

export const metadata: Metadata = { title: "Create a Connect cluster" };

export default function NewConnectClusterPage() {
  return <CreateConnectView />;
}
