import type { Metadata } from "next";
import { ComputeView } from "./compute-view";

export const metadata: Metadata = { title: "Compute" };

export default function ComputePage() {
  return <ComputeView />;
}
