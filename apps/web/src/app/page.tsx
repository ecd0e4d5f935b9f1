import { SESSION_COOKIE } from "@weir/domain";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";

export default async function Home() {
  redirect((await cookies()).get(SESSION_COOKIE) ? "/clusters" : "/sign-in");
}
