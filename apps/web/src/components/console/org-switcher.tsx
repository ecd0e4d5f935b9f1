"use client";
import { useMutation } from "@tanstack/react-query";
import { Button, Dialog, Spinner, TextField } from "@weir/ui";
import { useState } from "react";
import { toast } from "sonner";
import { fieldErrors } from "@/lib/errors";
import { roleLabel } from "@/lib/format";
import { useTRPC } from "@/lib/trpc";
import { CheckIcon, ChevronIcon, PlusIcon } from "../icons";
import { Menu, MenuItem } from "./menu";
import { StatusBadge } from "./status-badge";
import { useCurrentOrg, useOrgs, useSwitchOrg } from "./use-org";

export function OrgSwitcher() {
  const current = useCurrentOrg();
  const orgs = useOrgs();
  const switchOrg = useSwitchOrg();
  const [creating, setCreating] = useState(false);
  const org = current.data;

  return (
    <>
      <Menu
        label="Switch organisation"
        testId="org-switcher"
        buttonClassName="flex w-full items-center gap-2 rounded-lg border border-slate-200 bg-white px-3 py-2 text-left shadow-xs hover:bg-slate-50"
        button={
          <>
            <span className="flex size-8 shrink-0 items-center justify-center rounded-md bg-slate-900 text-sm font-semibold text-white">
              {org?.name.charAt(0).toUpperCase() ?? "·"}
            </span>
            <span className="min-w-0 flex-1">
              <span className="block truncate text-sm font-semibold text-slate-900" data-testid="current-org-name">
                {org?.name ?? (current.isError ? "No organisation" : "Loading…")}
              </span>
              <span className="mt-0.5 flex items-center gap-1.5">
                {org ? (
                  <StatusBadge status={org.status} data-testid="org-status" />
                ) : (
                  <Spinner className="size-3 text-slate-400" />
                )}
                {org && <span className="text-xs text-slate-500">{roleLabel(org.role)}</span>}
              </span>
            </span>
            <ChevronIcon className="size-4 text-slate-400" />
          </>
        }
      >
        {(close) => (
          <div role="group" aria-label="Organisations">
            <p className="px-3 pt-1 pb-1.5 text-[11px] font-semibold tracking-wider text-slate-400 uppercase">
              Organisations
            </p>
            {orgs.data?.items.map((o) => (
              <MenuItem
                key={o.id}
                aria-current={o.id === org?.id}
                data-testid="org-option"
                onSelect={() => {
                  close();
                  if (o.id !== org?.id)
                    switchOrg.mutate({ orgId: o.id }, { onSuccess: () => toast.success(`Switched to ${o.name}`) });
                }}
              >
                <span className="min-w-0 flex-1 truncate">{o.name}</span>
                <span className="text-xs text-slate-400">{roleLabel(o.role)}</span>
                <CheckIcon className={o.id === org?.id ? "size-4 text-brand-600" : "invisible size-4"} />
              </MenuItem>
            ))}
            {orgs.isPending && <p className="px-3 py-2 text-sm text-slate-500">Loading…</p>}
            <div className="my-1 border-t border-slate-100" />
            <MenuItem
              onSelect={() => {
                close();
                setCreating(true);
              }}
              data-testid="create-org"
            >
              <PlusIcon className="size-4 text-slate-500" />
              Create organisation
            </MenuItem>
          </div>
        )}
      </Menu>
      <CreateOrgDialog open={creating} onClose={() => setCreating(false)} />
    </>
  );
}

function CreateOrgDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const switchOrg = useSwitchOrg();
  const create = useMutation(
    trpc.organizations.create.mutationOptions({
      onSuccess: (org) => {
        switchOrg.mutate(
          { orgId: org.id },
          {
            onSuccess: () => {
              toast.success(`Created ${org.name}`);
              onClose();
            },
          },
        );
      },
    }),
  );
  const errors = fieldErrors(create.error);
  return (
    <Dialog
      open={open}
      onClose={() => {
        create.reset();
        onClose();
      }}
      title="Create an organisation"
      description="Organisations own projects, clusters, members and bills. You will be its owner."
    >
      <form
        className="flex flex-col gap-4"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({ name: String(new FormData(e.currentTarget).get("name")) });
        }}
      >
        <TextField label="Name" name="name" required autoFocus placeholder="Acme Streaming" error={errors.name} />
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" pending={create.isPending || switchOrg.isPending}>
            Create organisation
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
