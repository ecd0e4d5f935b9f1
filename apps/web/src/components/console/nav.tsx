"use client";
import { cn } from "@weir/ui";
import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ComponentType, SVGProps } from "react";
import {
  AuditIcon,
  BillingIcon,
  ClustersIcon,
  ComputeIcon,
  ConnectIcon,
  EstimatorIcon,
  KeyIcon,
  MembersIcon,
} from "../icons";

interface NavItem {
  href: string;
  label: string;
  icon: ComponentType<SVGProps<SVGSVGElement>>;
}

const sections: Array<{ title: string; items: NavItem[] }> = [
  {
    title: "Streaming",
    items: [
      { href: "/clusters", label: "Clusters", icon: ClustersIcon },
      { href: "/compute", label: "Compute", icon: ComputeIcon },
      { href: "/connect", label: "Connect", icon: ConnectIcon },
    ],
  },
  {
    title: "Cost",
    items: [
      { href: "/billing", label: "Billing", icon: BillingIcon },
      { href: "/cost-estimator", label: "Cost estimator", icon: EstimatorIcon },
    ],
  },
  {
    title: "Organisation",
    items: [
      { href: "/audit-log", label: "Audit log", icon: AuditIcon },
      { href: "/api-keys", label: "API keys", icon: KeyIcon },
      { href: "/members", label: "Members", icon: MembersIcon },
    ],
  },
];

export function Nav({ onNavigate }: { onNavigate?: () => void }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Console" className="flex flex-col gap-6">
      {sections.map((section) => (
        <div key={section.title}>
          <h2 className="px-3 pb-1.5 text-[11px] font-semibold tracking-wider text-slate-400 uppercase">
            {section.title}
          </h2>
          <ul className="flex flex-col gap-0.5">
            {section.items.map(({ href, label, icon: Icon }) => {
              const active = pathname === href || pathname.startsWith(`${href}/`);
              return (
                <li key={href}>
                  <Link
                    href={href}
                    onClick={onNavigate}
                    aria-current={active ? "page" : undefined}
                    className={cn(
                      "flex items-center gap-3 rounded-md px-3 py-2 text-sm font-medium transition-colors",
                      "focus-visible:outline-2 focus-visible:outline-brand-500",
                      active ? "bg-brand-50 text-brand-800" : "text-slate-600 hover:bg-slate-100 hover:text-slate-900",
                    )}
                  >
                    <Icon className={cn("size-5 shrink-0", active ? "text-brand-600" : "text-slate-400")} />
                    {label}
                  </Link>
                </li>
              );
            })}
          </ul>
        </div>
      ))}
    </nav>
  );
}
