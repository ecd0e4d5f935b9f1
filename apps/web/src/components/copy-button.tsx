"use client";
import { Button } from "@weir/ui";
import { useState } from "react";
import { toast } from "sonner";
import { copyText } from "@/lib/clipboard";
import { CheckIcon, CopyIcon } from "./icons";

export function CopyButton({ text, label, testId }: { text: string; label: string; testId?: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <Button
      variant="secondary"
      size="sm"
      aria-label={label}
      data-testid={testId}
      onClick={() =>
        copyText(text).then(
          () => {
            setCopied(true);
            toast.success("Copied to the clipboard");
            setTimeout(() => setCopied(false), 2_000);
          },
          (e: unknown) => toast.error(e instanceof Error ? e.message : "Could not copy."),
        )
      }
    >
      {copied ? <CheckIcon className="size-4 text-emerald-600" /> : <CopyIcon className="size-4" />}
      {copied ? "Copied" : "Copy"}
    </Button>
  );
}
