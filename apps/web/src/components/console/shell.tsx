"use client";
import { Spinner } from "@weir/ui";
import Link from "next/link";
import { useEffect, useState, type ReactNode } from "react";
import { errorBody } from "@/lib/errors";
import { BookIcon, CloseIcon, MenuIcon } from "../icons";
import { Logo } from "../logo";
import { Nav } from "./nav";
import { OrgSwitcher } from "./org-switcher";
import { useCurrentOrg, useSwitchOrg } from "./use-org";
import { UserMenu } from "./user-menu";

function Sidebar({ onNavigate }: { onNavigate?: () => void }) {
  return (
    <div className="flex h-full flex-col gap-5 px-3 py-4">
      <Link
        href="/clusters"
        onClick={onNavigate}
        className="rounded px-2 focus-visible:outline-2 focus-visible:outline-brand-500"
      >
        <Logo />
      </Link>
      <OrgSwitcher />
      <div className="flex-1 overflow-y-auto">
        <Nav {...(onNavigate ? { onNavigate } : {})} />
      </div>
      <Link
        href="/api-reference"
        onClick={onNavigate}
        className="flex items-center gap-3 rounded-md px-3 py-2 text-sm font-medium text-slate-600 hover:bg-slate-100 hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-brand-500"
      >
        <BookIcon className="size-5 text-slate-400" />
        API reference
      </Link>
    </div>
  );
}

function ProvisioningBanner() {
  const current = useCurrentOrg();
  const switchOrg = useSwitchOrg();
  const code = errorBody(current.error)?.code;

  // The remembered organisation is gone (removed, or another user's): fall back to the first one.
  useEffect(() => {
    if (code === "NOT_FOUND" && !switchOrg.isPending && !switchOrg.isSuccess) switchOrg.mutate({ orgId: null });
  }, [code, switchOrg]);

  if (current.data?.status !== "PROVISIONING") return null;
  return (
    <div
      role="status"
      data-testid="org-provisioning-banner"
      className="flex items-center gap-3 border-b border-brand-200 bg-brand-50 px-4 py-2.5 text-sm text-brand-900 sm:px-8"
    >
      <Spinner className="size-4 text-brand-600" />
      <span>
        <strong className="font-semibold">Setting up your organisation…</strong>{" "}
        <span className="text-brand-800">{current.data.statusReason || "Weir is creating its default project."}</span>
      </span>
    </div>
  );
}

export function Shell({ children }: { children: ReactNode }) {
  const [drawer, setDrawer] = useState(false);
  useEffect(() => {
    if (!drawer) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") setDrawer(false);
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [drawer]);
  return (
    <div className="min-h-dvh lg:pl-64">
      <a
        href="#main"
        className="sr-only z-50 rounded-md bg-white px-3 py-2 text-sm font-medium shadow focus:not-sr-only focus:fixed focus:top-2 focus:left-2"
      >
        Skip to content
      </a>
      <aside className="fixed inset-y-0 left-0 z-20 hidden w-64 border-r border-slate-200 bg-slate-50/80 lg:block">
        <Sidebar />
      </aside>

      {drawer && (
        <div className="fixed inset-0 z-40 lg:hidden" role="dialog" aria-modal="true" aria-label="Navigation">
          <div className="absolute inset-0 bg-slate-900/40" onClick={() => setDrawer(false)} />
          <div className="absolute inset-y-0 left-0 w-72 max-w-[85%] bg-slate-50 shadow-xl">
            <button
              type="button"
              onClick={() => setDrawer(false)}
              aria-label="Close navigation"
              autoFocus
              className="absolute top-4 right-3 rounded p-1 text-slate-500 hover:bg-slate-200"
            >
              <CloseIcon />
            </button>
            <Sidebar onNavigate={() => setDrawer(false)} />
          </div>
        </div>
      )}

      <div className="flex min-h-dvh flex-col">
        <header className="sticky top-0 z-10 flex h-14 items-center gap-3 border-b border-slate-200 bg-white/90 px-4 backdrop-blur sm:px-8">
          <button
            type="button"
            onClick={() => setDrawer(true)}
            aria-label="Open navigation"
            className="-ml-1 rounded p-1.5 text-slate-600 hover:bg-slate-100 lg:hidden"
          >
            <MenuIcon />
          </button>
          <span className="lg:hidden">
            <Logo withName={false} />
          </span>
          <div className="ml-auto flex items-center gap-2">
            <Link
              href="/api-reference"
              className="hidden rounded-md px-2.5 py-1.5 text-sm font-medium text-slate-600 hover:bg-slate-100 hover:text-slate-900 sm:block"
            >
              API reference
            </Link>
            <UserMenu />
          </div>
        </header>
        <ProvisioningBanner />
        <main id="main" className="mx-auto w-full max-w-6xl flex-1 px-4 py-8 sm:px-8">
          {children}
        </main>
      </div>
    </div>
  );
}
