import { SESSION_COOKIE } from "@weir/domain";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { Shell } from "@/components/console/shell";

// Only the cookie's presence is checked here; every API call still authenticates it, and a
// stale session is sent back to sign-in by the client.
export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  if (!(await cookies()).get(SESSION_COOKIE)) redirect("/sign-in");
  return <Shell>{children}</Shell>;
}
