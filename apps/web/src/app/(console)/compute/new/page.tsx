import type { Metadata } from "next";
import { CreateComputeView } from "./create-compute-form";

export const metadata: Metadata = { title: "Create compute cluster" };

export default function NewComputeClusterPage() {
  return <CreateComputeView />;
}
