"use client";
import {
  ACL_PATTERN_TYPES,
  ACL_PERMISSIONS,
  ACL_PRESETS,
  ACL_RESOURCE_TYPES,
  CLUSTER_RESOURCE_NAME,
  OPERATIONS_BY_RESOURCE,
  type AclPattern,
  type AclPermission,
  type AclPresetName,
  type AclResource,
} from "@weir/domain/rules";
import { Badge, Button, Card, CardHeader, SelectField, Spinner, Table, Td, TextField, Th } from "@weir/ui";
import { useState } from "react";
import { toast } from "sonner";
import { StatusBadge } from "@/components/console/status-badge";
import { fieldErrors } from "@/lib/errors";
import { useKafkaUsers } from "../users/hooks";
import { useAcls, useApplyAclPreset, useCreateAcl, useDeleteAcl } from "./hooks";

type Binding = {
  principal: string;
  resourceType: string;
  resourceName: string;
  patternType: string;
  operation: string;
  permission: string;
};

const presetLabels: Record<AclPresetName, string> = {
  produce: "Produce to a topic",
  consume: "Consume a topic as a group",
  "admin-prefix": "Admin of a name prefix",
};
const patternLabels: Record<AclPattern, string> = { LITERAL: "Literal", PREFIXED: "Prefixed" };
const permissionLabels: Record<AclPermission, string> = { ALLOW: "Allow", DENY: "Deny" };

export function AclsView({ clusterId }: { clusterId: string }) {
  const acls = useAcls(clusterId);
  const del = useDeleteAcl();
  const items = acls.data?.items ?? [];
  return (
    <div className="flex flex-col gap-6">
      <PresetCard clusterId={clusterId} />
      <Card>
        <CardHeader
          title="ACL bindings"
          description={
            acls.data?.kafkaError ?? "What Kafka enforces. Bindings created outside Weir are listed as unmanaged."
          }
        />
        {acls.isPending ? (
          <div className="flex justify-center py-10 text-slate-400">
            <Spinner label="Loading ACLs" />
          </div>
        ) : items.length === 0 ? (
          <p className="px-5 py-10 text-center text-sm text-slate-500">
            No ACLs: only the cluster admin can use this cluster.
          </p>
        ) : (
          <Table data-testid="acls-table">
            <thead>
              <tr>
                <Th>Principal</Th>
                <Th>Resource</Th>
                <Th>Operation</Th>
                <Th>Permission</Th>
                <Th>Host</Th>
                <Th>Status</Th>
                <Th>
                  <span className="sr-only">Actions</span>
                </Th>
              </tr>
            </thead>
            <tbody>
              {items.map((a, i) => (
                <tr
                  key={a.id ?? `k${i}`}
                  data-testid="acl-row"
                  data-principal={a.principal}
                  data-operation={a.operation}
                >
                  <Td className="font-mono text-xs">{a.principal}</Td>
                  <Td>
                    <span className="text-xs text-slate-500">{a.resourceType.toLowerCase().replace("_", " ")}</span>{" "}
                    <span className="font-medium">{a.resourceName}</span>
                    {a.patternType === "PREFIXED" && <Badge className="ml-1">prefix</Badge>}
                  </Td>
                  <Td>{a.operation}</Td>
                  <Td>
                    <Badge tone={a.permission === "ALLOW" ? "success" : "danger"}>{a.permission}</Badge>
                  </Td>
                  <Td>{a.host}</Td>
                  <Td>{a.managed ? <StatusBadge status={a.status} /> : <Badge>Unmanaged</Badge>}</Td>
                  <Td className="text-right">
                    {a.id && a.status !== "DELETING" && (
                      <Button
                        size="sm"
                        variant="ghost"
                        className="text-red-600 hover:bg-red-50"
                        aria-label={`Delete ${a.operation} for ${a.principal}`}
                        onClick={() => del.mutate({ clusterId, aclId: a.id! })}
                      >
                        Delete
                      </Button>
                    )}
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </Card>
      <CustomAclCard clusterId={clusterId} />
    </div>
  );
}

function PrincipalField({ clusterId, error }: { clusterId: string; error?: string }) {
  const users = useKafkaUsers(clusterId);
  const options = (users.data?.items ?? []).map((u) => ({ value: u.principal, label: u.principal }));
  return (
    <SelectField
      label="Principal"
      name="principal"
      options={[...options, { value: "User:*", label: "User:* (everyone)" }]}
      error={error}
      wrapperClassName="sm:w-64"
      data-testid="acl-principal"
    />
  );
}

function PresetCard({ clusterId }: { clusterId: string }) {
  const apply = useApplyAclPreset();
  const [preset, setPreset] = useState<AclPresetName>("produce");
  const [preview, setPreview] = useState<Binding[] | null>(null);
  const errors = fieldErrors(apply.error);
  const submit = (form: HTMLFormElement, dryRun: boolean) => {
    const f = new FormData(form);
    const text = (k: string) => String(f.get(k) ?? "").trim() || undefined;
    apply.mutate(
      {
        clusterId,
        preset,
        principal: String(f.get("principal")),
        topic: text("topic"),
        group: text("group"),
        prefix: text("prefix"),
        patternType: f.get("prefixed") ? "PREFIXED" : "LITERAL",
        dryRun,
      },
      {
        onSuccess: (r) => {
          setPreview(r.bindings);
          if (!dryRun) toast.success(`Granted: ${r.bindings.length} bindings.`);
        },
      },
    );
  };
  return (
    <Card>
      <CardHeader
        title="Grant access"
        description="Presets expand to exactly the bindings a client needs for the job."
      />
      <form
        className="flex flex-col gap-4 px-5 py-4"
        data-testid="acl-preset-form"
        onSubmit={(e) => {
          e.preventDefault();
          submit(e.currentTarget, false);
        }}
      >
        <div className="flex flex-col gap-4 sm:flex-row sm:flex-wrap sm:items-start">
          <SelectField
            label="Preset"
            value={preset}
            onChange={(e) => {
              setPreset(e.target.value as AclPresetName);
              setPreview(null);
            }}
            options={ACL_PRESETS.map((p) => ({ value: p, label: presetLabels[p] }))}
            wrapperClassName="sm:w-64"
            data-testid="acl-preset"
          />
          <PrincipalField clusterId={clusterId} error={errors.principal} />
          {preset !== "admin-prefix" && (
            <TextField
              label="Topic"
              name="topic"
              required
              placeholder="orders"
              error={errors.topic}
              wrapperClassName="sm:w-56"
            />
          )}
          {preset === "consume" && (
            <TextField
              label="Consumer group"
              name="group"
              required
              placeholder="orders-reader"
              error={errors.group}
              wrapperClassName="sm:w-56"
            />
          )}
          {preset === "admin-prefix" && (
            <TextField
              label="Prefix"
              name="prefix"
              required
              placeholder="team-a."
              error={errors.prefix}
              wrapperClassName="sm:w-56"
            />
          )}
          {preset !== "admin-prefix" && (
            <label className="flex items-center gap-2 text-sm text-slate-700 sm:mt-7">
              <input type="checkbox" name="prefixed" /> Topic is a prefix
            </label>
          )}
        </div>
        <div className="flex gap-2">
          <Button
            type="button"
            variant="secondary"
            onClick={(e) => e.currentTarget.form && submit(e.currentTarget.form, true)}
            data-testid="acl-preview"
          >
            Preview
          </Button>
          <Button type="submit" pending={apply.isPending} data-testid="acl-apply">
            Grant
          </Button>
        </div>
        {preview && (
          <ul
            className="rounded-md bg-slate-50 px-4 py-3 font-mono text-xs text-slate-700"
            data-testid="acl-preview-list"
          >
            {preview.map((b, i) => (
              <li key={i}>
                {b.permission} {b.principal} {b.operation} {b.resourceType}:{b.resourceName}
                {b.patternType === "PREFIXED" ? "*" : ""}
              </li>
            ))}
          </ul>
        )}
      </form>
    </Card>
  );
}

function CustomAclCard({ clusterId }: { clusterId: string }) {
  const create = useCreateAcl();
  const errors = fieldErrors(create.error);
  // Kafka checks some operations on some resource types only: offer those.
  const [resourceType, setResourceType] = useState<AclResource>("TOPIC");
  return (
    <Card>
      <CardHeader title="Custom binding" description="Any single binding, in Kafka's own terms." />
      <form
        className="flex flex-col gap-4 px-5 py-4 sm:flex-row sm:flex-wrap sm:items-start"
        onSubmit={(e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          create.mutate(
            {
              clusterId,
              principal: String(f.get("principal")),
              resourceType,
              resourceName: String(f.get("resourceName")).trim(),
              patternType: String(f.get("patternType")) as AclPattern,
              operation: String(f.get("operation")),
              permission: String(f.get("permission")) as AclPermission,
              host: String(f.get("host") || "*"),
            },
            { onSuccess: () => toast.success("Binding saved; the controller is applying it.") },
          );
        }}
      >
        <PrincipalField clusterId={clusterId} error={errors.principal} />
        <SelectField
          label="Resource type"
          name="resourceType"
          value={resourceType}
          onChange={(e) => setResourceType(e.target.value as AclResource)}
          options={ACL_RESOURCE_TYPES.map((v) => ({ value: v, label: v }))}
          wrapperClassName="sm:w-44"
        />
        <TextField
          label="Resource name"
          name="resourceName"
          required
          placeholder={resourceType === "CLUSTER" ? CLUSTER_RESOURCE_NAME : undefined}
          error={errors.resourceName}
          wrapperClassName="sm:w-48"
        />
        <SelectField
          label="Pattern"
          name="patternType"
          options={ACL_PATTERN_TYPES.map((v) => ({ value: v, label: patternLabels[v] }))}
          wrapperClassName="sm:w-32"
        />
        <SelectField
          label="Operation"
          name="operation"
          options={OPERATIONS_BY_RESOURCE[resourceType].map((v) => ({ value: v, label: v }))}
          error={errors.operation}
          wrapperClassName="sm:w-48"
        />
        <SelectField
          label="Permission"
          name="permission"
          options={ACL_PERMISSIONS.map((v) => ({ value: v, label: permissionLabels[v] }))}
          wrapperClassName="sm:w-28"
        />
        <TextField label="Host" name="host" placeholder="*" wrapperClassName="sm:w-32" />
        <Button type="submit" pending={create.isPending} className="sm:mt-6">
          Add binding
        </Button>
      </form>
    </Card>
  );
}
