"use client";
import { Button, Dialog, TextField } from "@weir/ui";
import { useState, type ReactNode } from "react";
import { fieldErrors } from "@/lib/errors";

/**
 * Deleting something that cannot come back: the button stays disabled until the user has typed
 * its name, and the API checks the same name (`confirmName`), whose error shows under the field.
 */
export function TypedNameDeleteDialog({
  name,
  what,
  description,
  pending,
  error,
  onConfirm,
  onClose,
}: {
  name: string;
  /** "cluster", "compute cluster": in the field's label and the button. */
  what: string;
  description: ReactNode;
  pending: boolean;
  error: unknown;
  onConfirm: (confirmName: string) => void;
  onClose: () => void;
}) {
  const [typed, setTyped] = useState("");
  const errors = fieldErrors(error);
  return (
    <Dialog
      open
      onClose={onClose}
      title={`Delete ${name}?`}
      description={description}
      data-testid="delete-dialog"
      footer={
        <>
          <Button variant="secondary" onClick={onClose} autoFocus>
            Cancel
          </Button>
          <Button
            variant="danger"
            type="submit"
            form="delete-form"
            pending={pending}
            disabled={typed !== name}
            data-testid="confirm-delete"
          >
            Delete {what}
          </Button>
        </>
      }
    >
      <form
        id="delete-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (typed === name) onConfirm(typed);
        }}
      >
        <TextField
          label={`Type the ${what}'s name, ${name}, to confirm`}
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
          autoComplete="off"
          spellCheck={false}
          error={errors.confirmName}
          data-testid="confirm-name"
        />
      </form>
    </Dialog>
  );
}
