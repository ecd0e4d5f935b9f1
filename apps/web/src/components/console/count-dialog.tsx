"use client";

// Changing how many of something a cluster runs (brokers, workers): one number field bounded by
// the project's limit, the API's field error under it, and a submit button that says what
// will happen. Each page supplies its wording and its mutation.
import { Button, Dialog, TextField } from "@weir/ui";
import { useState, type ReactNode } from "react";
import { errorMessage, fieldErrors } from "@/lib/errors";

export function CountDialog({
  title,
  description,
  label,
  field,
  current,
  max,
  pending,
  error,
  submitLabel,
  onSubmit,
  onClose,
}: {
  title: string;
  description: ReactNode;
  /** The field's label, e.g. "Workers". */
  label: string;
  /** The API's name of the field, whose error shows under it (e.g. "workerCount"). */
  field: string;
  current: number;
  max: number | undefined;
  pending: boolean;
  error: unknown;
  /** The submit button's text for a valid new count. */
  submitLabel: (target: number) => string;
  onSubmit: (target: number) => void;
  onClose: () => void;
}) {
  const [value, setValue] = useState(String(current));
  const errors = fieldErrors(error);
  const formError = error && !errors[field] ? (errors.generation ?? errorMessage(error)) : null;
  const target = Number(value);
  const changed = Number.isInteger(target) && target !== current;
  return (
    <Dialog
      open
      onClose={onClose}
      title={title}
      description={description}
      data-testid="scale-dialog"
      footer={
        <>
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" form="scale-form" pending={pending} disabled={!changed}>
            {changed ? submitLabel(target) : "Change"}
          </Button>
        </>
      }
    >
      <form
        id="scale-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          onSubmit(target);
        }}
      >
        <TextField
          label={label}
          type="number"
          inputMode="numeric"
          min={1}
          max={max}
          autoFocus
          value={value}
          onChange={(e) => setValue(e.target.value)}
          error={errors[field]}
          hint={max ? `1–${max} in this project.` : undefined}
          wrapperClassName="w-48"
        />
        {formError && (
          <p role="alert" className="mt-3 text-sm text-red-700">
            {formError}
          </p>
        )}
      </form>
    </Dialog>
  );
}
