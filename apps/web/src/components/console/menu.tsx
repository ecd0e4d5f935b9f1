"use client";
import { cn } from "@weir/ui";
import { useEffect, useId, useRef, useState, type ReactNode } from "react";

/**
 * A disclosure menu: a button that opens a panel, closed by Escape (focus returns to the
 * button), by a click outside, or by choosing an item.
 */
export function Menu({
  label,
  button,
  children,
  align = "left",
  className,
  buttonClassName,
  testId,
}: {
  label: string;
  button: ReactNode;
  children: (close: () => void) => ReactNode;
  align?: "left" | "right";
  className?: string;
  buttonClassName?: string;
  testId?: string;
}) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  const panelId = useId();

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") {
        setOpen(false);
        trigger.current?.focus();
      }
    };
    document.addEventListener("mousedown", onDown);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("mousedown", onDown);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);

  return (
    <div ref={root} className={cn("relative", className)}>
      <button
        ref={trigger}
        type="button"
        aria-label={label}
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((o) => !o)}
        data-testid={testId}
        className={cn("focus-visible:outline-2 focus-visible:outline-brand-500", buttonClassName)}
      >
        {button}
      </button>
      {open && (
        <div
          id={panelId}
          className={cn(
            "absolute z-30 mt-1 min-w-60 rounded-lg border border-slate-200 bg-white py-1 shadow-lg",
            align === "right" ? "right-0" : "left-0",
          )}
        >
          {children(() => setOpen(false))}
        </div>
      )}
    </div>
  );
}

export function MenuItem({
  onSelect,
  children,
  className,
  ...rest
}: {
  onSelect: () => void;
  children: ReactNode;
  className?: string;
  "data-testid"?: string;
  "aria-current"?: boolean;
}) {
  return (
    <button
      type="button"
      onClick={onSelect}
      className={cn(
        "flex w-full items-center gap-2 px-3 py-2 text-left text-sm text-slate-700 hover:bg-slate-50 focus-visible:bg-slate-100 focus-visible:outline-none",
        className,
      )}
      {...rest}
    >
      {children}
    </button>
  );
}
