"use client";
import {
  Badge,
  Button,
  Card,
  CardHeader,
  ConfirmDialog,
  Dialog,
  PageHeader,
  SelectField,
  Spinner,
  Table,
  Td,
  TextField,
  Th,
} from "@weir/ui";
import { DISPLAY_NAME_MAX, roleAtLeast, type Role } from "@weir/domain/rules";
import { useEffect, useRef, useState } from "react";
import { toast } from "sonner";
import { useCurrentOrg } from "@/components/console/use-org";
import { CopyButton } from "@/components/copy-button";
import { KeyIcon } from "@/components/icons";
import { fieldErrors } from "@/lib/errors";
import { formatDateTime, formatRelative, roleLabel } from "@/lib/format";
import { roleOptions } from "@/lib/roles";
import { useApiKeys, useCreateApiKey, useRevokeApiKey } from "./hooks";

type CreatedKey = { name: string; key: string };
type KeyRow = { id: string; name: string };

export function ApiKeysView() {
  const org = useCurrentOrg();
  const [created, setCreated] = useState<CreatedKey | null>(null);
  const [revoking, setRevoking] = useState<KeyRow | null>(null);
  const manage = roleAtLeast(org.data?.role, "ADMIN");

  return (
    <div className="flex flex-col gap-6">
      <PageHeader
        title="API keys"
        description="Keys let scripts and CI call the Weir REST API as this organisation, with the role you give them. A key is shown once, when it is created; Weir stores only its hash."
      />
      <CreateKeyCard disabled={org.isSuccess && !manage} onCreated={setCreated} />
      <KeysTable onRevoke={setRevoking} canRevoke={manage} />
      <NewKeyDialog created={created} onClose={() => setCreated(null)} />
      <RevokeDialog keyRow={revoking} onClose={() => setRevoking(null)} />
    </div>
  );
}

function CreateKeyCard({ disabled, onCreated }: { disabled: boolean; onCreated: (k: CreatedKey) => void }) {
  const create = useCreateApiKey();
  const form = useRef<HTMLFormElement>(null);
  const errors = fieldErrors(create.error);
  return (
    <Card>
      <CardHeader
        title="Create an API key"
        description={
          disabled ? "Only owners and admins can create API keys." : "Name it after what will use it, e.g. ci-deploy."
        }
      />
      <form
        className="flex flex-col gap-4 px-5 py-4 sm:flex-row sm:items-start"
        ref={form}
        data-testid="create-api-key-form"
        onSubmit={(e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          create.mutate(
            { name: String(f.get("name")), role: String(f.get("role")) as Role },
            {
              onSuccess: (k) => {
                form.current?.reset();
                onCreated({ name: k.name, key: k.key });
              },
            },
          );
        }}
      >
        <TextField
          label="Name"
          name="name"
          required
          maxLength={DISPLAY_NAME_MAX}
          placeholder="ci-deploy"
          disabled={disabled}
          error={errors.name}
          wrapperClassName="sm:w-72"
        />
        <SelectField
          label="Role"
          name="role"
          options={roleOptions}
          defaultValue="DEVELOPER"
          disabled={disabled}
          error={errors.role}
          wrapperClassName="sm:w-48"
        />
        <Button type="submit" pending={create.isPending} disabled={disabled} className="sm:mt-6">
          Create key
        </Button>
      </form>
    </Card>
  );
}

function KeysTable({ onRevoke, canRevoke }: { onRevoke: (k: KeyRow) => void; canRevoke: boolean }) {
  const keys = useApiKeys();
  const items = keys.data?.items ?? [];
  return (
    <Card>
      <CardHeader
        title="Keys"
        description={keys.data ? `${items.length} ${items.length === 1 ? "key" : "keys"}` : undefined}
      />
      {keys.isPending ? (
        <div className="flex justify-center py-10 text-slate-400">
          <Spinner label="Loading API keys" />
        </div>
      ) : items.length === 0 ? (
        <div className="flex flex-col items-center gap-2 px-6 py-12 text-center" data-testid="api-keys-empty">
          <KeyIcon className="size-6 text-slate-400" />
          <p className="text-sm font-medium text-slate-900">No API keys yet</p>
          <p className="max-w-md text-sm text-slate-500">
            Create one above to call the API from scripts, CI or Terraform.
          </p>
        </div>
      ) : (
        <Table data-testid="api-keys-table">
          <thead>
            <tr>
              <Th>Name</Th>
              <Th>Role</Th>
              <Th>Prefix</Th>
              <Th>Created</Th>
              <Th>Last used</Th>
              <Th>Status</Th>
              <Th className="text-right">
                <span className="sr-only">Actions</span>
              </Th>
            </tr>
          </thead>
          <tbody>
            {items.map((k) => (
              <tr
                key={k.id}
                data-testid="api-key-row"
                data-name={k.name}
                className={k.revokedAt ? "text-slate-400" : undefined}
              >
                <Td className="font-medium text-slate-900">{k.name}</Td>
                <Td>{roleLabel(k.role)}</Td>
                <Td>
                  <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-700">
                    {k.prefix}…
                  </code>
                </Td>
                <Td title={formatDateTime(k.createdAt)}>{formatRelative(k.createdAt)}</Td>
                <Td title={k.lastUsedAt ? formatDateTime(k.lastUsedAt) : undefined}>{formatRelative(k.lastUsedAt)}</Td>
                <Td>
                  {k.revokedAt ? (
                    <Badge tone="neutral" title={formatDateTime(k.revokedAt)}>
                      Revoked {formatRelative(k.revokedAt)}
                    </Badge>
                  ) : (
                    <Badge tone="success">Active</Badge>
                  )}
                </Td>
                <Td className="text-right">
                  {!k.revokedAt && canRevoke && (
                    <Button
                      variant="ghost"
                      size="sm"
                      className="text-red-600 hover:bg-red-50"
                      onClick={() => onRevoke(k)}
                      aria-label={`Revoke ${k.name}`}
                    >
                      Revoke
                    </Button>
                  )}
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </Card>
  );
}

function NewKeyDialog({ created, onClose }: { created: CreatedKey | null; onClose: () => void }) {
  const [origin, setOrigin] = useState("");
  useEffect(() => setOrigin(window.location.origin), []);
  const curl = created ? `curl -H "Authorization: Bearer ${created.key}" ${origin}/api/v1/organizations/current` : "";
  return (
    <Dialog
      open={created !== null}
      onClose={onClose}
      title={`API key “${created?.name ?? ""}” created`}
      description="Copy the key now: this is the only time Weir shows it. If you lose it, revoke it and create another."
      data-testid="new-api-key-dialog"
      size="lg"
      footer={<Button onClick={onClose}>Done</Button>}
    >
      {created && (
        <>
          <div className="flex flex-col gap-1.5">
            <span className="text-sm font-medium text-slate-700" id="new-key-label">
              Your API key
            </span>
            <div className="flex items-center gap-2">
              <code
                aria-labelledby="new-key-label"
                data-testid="new-api-key"
                className="min-w-0 flex-1 rounded-md border border-slate-200 bg-slate-50 px-3 py-2 font-mono text-sm break-all text-slate-900 select-all"
              >
                {created.key}
              </code>
              <CopyButton text={created.key} label="Copy API key" testId="copy-api-key" />
            </div>
          </div>
          <div className="flex flex-col gap-1.5">
            <div className="flex items-center justify-between">
              <span className="text-sm font-medium text-slate-700">Try it</span>
              <CopyButton text={curl} label="Copy curl command" />
            </div>
            <pre
              className="rounded-md bg-slate-900 px-3 py-2.5 font-mono text-xs leading-5 break-all whitespace-pre-wrap text-slate-100"
              data-testid="curl-example"
            >
              {curl}
            </pre>
          </div>
        </>
      )}
    </Dialog>
  );
}

function RevokeDialog({ keyRow, onClose }: { keyRow: KeyRow | null; onClose: () => void }) {
  const revoke = useRevokeApiKey();
  return (
    <ConfirmDialog
      open={keyRow !== null}
      onCancel={onClose}
      title={`Revoke “${keyRow?.name ?? ""}”?`}
      description="Anything using this key will get 401 Unauthorized from its next call. This cannot be undone."
      confirmLabel="Revoke key"
      pending={revoke.isPending}
      onConfirm={() =>
        keyRow &&
        revoke.mutate(
          { id: keyRow.id },
          {
            onSuccess: () => {
              toast.success(`Revoked ${keyRow.name}`);
              onClose();
            },
          },
        )
      }
    />
  );
}
