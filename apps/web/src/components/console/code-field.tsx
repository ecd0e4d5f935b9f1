import { cn } from "@weir/ui";
import { useId, type ReactNode, type TextareaHTMLAttributes } from "react";

/**
 * A labelled monospace textarea for SQL, schemas and scripts, with the same error and hint
 * lines as the UI kit's fields (the error carries data-testid="field-error").
 */
export function CodeField({
  label,
  error,
  hint,
  hideLabel,
  wrapperClassName,
  className,
  id,
  ...rest
}: TextareaHTMLAttributes<HTMLTextAreaElement> & {
  label: string;
  error?: string | undefined;
  hint?: ReactNode;
  hideLabel?: boolean;
  wrapperClassName?: string;
}) {
  const auto = useId();
  const fid = id ?? auto;
  return (
    <div className={cn("flex flex-col gap-1", wrapperClassName)}>
      <label htmlFor={fid} className={cn("text-sm font-medium text-slate-700", hideLabel && "sr-only")}>
        {label}
      </label>
      <textarea
        id={fid}
        spellCheck={false}
        autoCapitalize="off"
        autoCorrect="off"
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${fid}-error` : hint ? `${fid}-hint` : undefined}
        className={cn(
          "block w-full rounded-md border bg-white px-3 py-2 font-mono text-[13px] leading-5 text-slate-900 shadow-sm",
          "placeholder:text-slate-400 focus:border-brand-500 focus:ring-2 focus:ring-brand-500/30 focus:outline-none",
          error ? "border-red-400" : "border-slate-300",
          className,
        )}
        {...rest}
      />
      {error ? (
        <p id={`${fid}-error`} className="text-xs whitespace-pre-wrap text-red-600" data-testid="field-error">
          {error}
        </p>
      ) : hint ? (
        <p id={`${fid}-hint`} className="text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
    </div>
  );
}
