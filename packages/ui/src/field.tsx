import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes } from "react";
import { cn } from "./cn.ts";

const control =
  "block w-full rounded-md border bg-white px-3 text-sm text-slate-900 shadow-sm placeholder:text-slate-400 " +
  "focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-500/30 disabled:bg-slate-50 disabled:text-slate-500";

interface FieldChrome {
  label: string;
  /** Shown under the control in red; also marks the control invalid for assistive tech. */
  error?: string | undefined;
  hint?: ReactNode;
  /** Hides the label visually (it stays readable by screen readers). */
  hideLabel?: boolean;
}

function Chrome({
  id,
  label,
  error,
  hint,
  hideLabel,
  className,
  children,
}: FieldChrome & { id: string; className?: string | undefined; children: ReactNode }) {
  return (
    <div className={cn("flex flex-col gap-1", className)}>
      <label htmlFor={id} className={cn("text-sm font-medium text-slate-700", hideLabel && "sr-only")}>
        {label}
      </label>
      {children}
      {error ? (
        <p id={`${id}-error`} className="text-xs text-red-600" data-testid="field-error">
          {error}
        </p>
      ) : hint ? (
        <p id={`${id}-hint`} className="text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

export type TextFieldProps = FieldChrome & InputHTMLAttributes<HTMLInputElement> & { wrapperClassName?: string };

export function TextField({ label, error, hint, hideLabel, wrapperClassName, className, id, ...rest }: TextFieldProps) {
  const auto = useId();
  const fid = id ?? auto;
  return (
    <Chrome id={fid} label={label} error={error} hint={hint} hideLabel={hideLabel} className={wrapperClassName}>
      <input
        id={fid}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${fid}-error` : hint ? `${fid}-hint` : undefined}
        className={cn(control, "h-9", error ? "border-red-400" : "border-slate-300", className)}
        {...rest}
      />
    </Chrome>
  );
}

export type SelectFieldProps = FieldChrome &
  SelectHTMLAttributes<HTMLSelectElement> & {
    options: ReadonlyArray<{ value: string; label: string }>;
    wrapperClassName?: string;
  };

export function SelectField({
  label,
  error,
  hint,
  hideLabel,
  options,
  wrapperClassName,
  className,
  id,
  ...rest
}: SelectFieldProps) {
  const auto = useId();
  const fid = id ?? auto;
  return (
    <Chrome id={fid} label={label} error={error} hint={hint} hideLabel={hideLabel} className={wrapperClassName}>
      <select
        id={fid}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${fid}-error` : hint ? `${fid}-hint` : undefined}
        className={cn(control, "h-9 pr-8", error ? "border-red-400" : "border-slate-300", className)}
        {...rest}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </Chrome>
  );
}
