import { cn } from "@weir/ui";

/** Weir's mark: water flowing over a weir. */
export function Logo({ className, withName = true }: { className?: string; withName?: boolean }) {
  return (
    <span className={cn("inline-flex items-center gap-2 font-semibold tracking-tight text-slate-900", className)}>
      <svg viewBox="0 0 32 32" className="size-7" aria-hidden="true">
        <rect width="32" height="32" rx="8" className="fill-brand-600" />
        <path
          d="M6 12c3.3 0 3.3-3 6.7-3s3.3 3 6.6 3 3.4-3 6.7-3"
          stroke="white"
          strokeWidth="2.2"
          fill="none"
          strokeLinecap="round"
        />
        <path
          d="M6 18c3.3 0 3.3-3 6.7-3s3.3 3 6.6 3 3.4-3 6.7-3"
          stroke="white"
          strokeOpacity=".75"
          strokeWidth="2.2"
          fill="none"
          strokeLinecap="round"
        />
        <rect x="6" y="21.5" width="20" height="3" rx="1.5" fill="white" fillOpacity=".55" />
      </svg>
      {withName && <span className="text-lg">Weir</span>}
    </span>
  );
}
