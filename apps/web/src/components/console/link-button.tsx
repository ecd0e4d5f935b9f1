import { cn } from "@weir/ui";
import Link, { type LinkProps } from "next/link";
import type { AnchorHTMLAttributes } from "react";

const variants = {
  primary: "bg-brand-600 text-white shadow-sm hover:bg-brand-700",
  secondary: "border border-slate-300 bg-white text-slate-800 shadow-sm hover:bg-slate-50",
} as const;

/** A navigation that looks like the UI kit's Button (a link, so it opens in a new tab too). */
export function LinkButton({
  variant = "primary",
  className,
  ...rest
}: LinkProps & AnchorHTMLAttributes<HTMLAnchorElement> & { variant?: keyof typeof variants }) {
  return (
    <Link
      className={cn(
        "inline-flex h-9 shrink-0 items-center justify-center gap-1.5 rounded-md px-3.5 text-sm font-medium whitespace-nowrap transition-colors",
        "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-500",
        variants[variant],
        className,
      )}
      {...rest}
    />
  );
}
