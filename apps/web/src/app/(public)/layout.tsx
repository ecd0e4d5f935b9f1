import Link from "next/link";
import type { ReactNode } from "react";
import { Logo } from "@/components/logo";

export default function PublicLayout({ children }: { children: ReactNode }) {
  return (
    <div className="flex min-h-dvh flex-col">
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex h-14 w-full max-w-6xl items-center justify-between px-4 sm:px-8">
          <Link href="/" className="rounded focus-visible:outline-2 focus-visible:outline-brand-500">
            <Logo />
          </Link>
          <nav aria-label="Account" className="flex items-center gap-2 text-sm font-medium">
            <Link
              href="/sign-in"
              className="rounded-md px-3 py-1.5 text-slate-600 hover:bg-slate-100 hover:text-slate-900"
            >
              Sign in
            </Link>
            <Link href="/sign-up" className="rounded-md bg-brand-600 px-3 py-1.5 text-white hover:bg-brand-700">
              Create account
            </Link>
          </nav>
        </div>
      </header>
      <main className="mx-auto w-full max-w-6xl flex-1 px-4 py-8 sm:px-8">{children}</main>
    </div>
  );
}
