"use client";
import { KAFKA_PASSWORD_MIN } from "@weir/domain/rules";
import { Badge, Button, Card, CardHeader, ConfirmDialog, Dialog, Spinner, Table, Td, TextField, Th } from "@weir/ui";
import Link from "next/link";
import { useRef, useState } from "react";
import { toast } from "sonner";
import { StatusBadge } from "@/components/console/status-badge";
import { CopyButton } from "@/components/copy-button";
import { fieldErrors } from "@/lib/errors";
import { formatRelative } from "@/lib/format";
import { useCluster } from "../../hooks";
import { useCreateKafkaUser, useDeleteKafkaUser, useKafkaUsers, useRotateKafkaUser } from "./hooks";

type Shown = { name: string; password: string; rotated: boolean };

export function KafkaUsersView({ clusterId }: { clusterId: string }) {
  const users = useKafkaUsers(clusterId);
  const cluster = useCluster(clusterId);
  const protocol = cluster.data?.securityProtocol ?? "SASL_SSL";
  const create = useCreateKafkaUser();
  const rotate = useRotateKafkaUser();
  const del = useDeleteKafkaUser();
  const [shown, setShown] = useState<Shown | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const form = useRef<HTMLFormElement>(null);
  const errors = fieldErrors(create.error);
  const items = users.data?.items ?? [];

  return (
    <div className="flex flex-col gap-6">
      <Card>
        <CardHeader
          title="Create a Kafka user"
          description="SCRAM-SHA-512. Leave the password empty to have a strong one generated; it is shown once."
        />
        <form
          ref={form}
          className="flex flex-col gap-4 px-5 py-4 sm:flex-row sm:items-start"
          data-testid="create-kafka-user-form"
          onSubmit={(e) => {
            e.preventDefault();
            const f = new FormData(e.currentTarget);
            const password = String(f.get("password") ?? "");
            create.mutate(
              { clusterId, name: String(f.get("name")).trim(), ...(password ? { password } : {}) },
              {
                onSuccess: (r) => {
                  form.current?.reset();
                  setShown({ name: r.user.name, password: r.password, rotated: false });
                },
              },
            );
          }}
        >
          <TextField
            label="User name"
            name="name"
            required
            placeholder="orders-service"
            error={errors.name}
            wrapperClassName="sm:w-64"
          />
          <TextField
            label="Password (optional)"
            name="password"
            type="password"
            autoComplete="new-password"
            placeholder={`At least ${KAFKA_PASSWORD_MIN} characters`}
            error={errors.password}
            wrapperClassName="sm:w-64"
          />
          <Button type="submit" pending={create.isPending} className="sm:mt-6">
            Create user
          </Button>
        </form>
      </Card>

      <Card>
        <CardHeader
          title="Users"
          description={
            users.data?.kafkaError ?? "Kafka keeps only each user's salted credential; Weir keeps no password."
          }
          actions={
            <Link href={`/clusters/${clusterId}/acls`} className="text-sm font-medium text-brand-700 hover:underline">
              Grant access with ACLs
            </Link>
          }
        />
        {users.isPending ? (
          <div className="flex justify-center py-10 text-slate-400">
            <Spinner label="Loading users" />
          </div>
        ) : items.length === 0 ? (
          <p className="px-5 py-10 text-center text-sm text-slate-500">No Kafka users yet.</p>
        ) : (
          <Table data-testid="kafka-users-table">
            <thead>
              <tr>
                <Th>Name</Th>
                <Th>Principal</Th>
                <Th>Status</Th>
                <Th>Password set</Th>
                <Th>
                  <span className="sr-only">Actions</span>
                </Th>
              </tr>
            </thead>
            <tbody>
              {items.map((u) => (
                <tr key={u.name} data-testid="kafka-user-row" data-name={u.name}>
                  <Td className="font-medium text-slate-900">{u.name}</Td>
                  <Td className="font-mono text-xs">{u.principal}</Td>
                  <Td>
                    {u.managed ? <StatusBadge status={u.status} /> : <Badge>Unmanaged</Badge>}
                    <span className="ml-2 text-xs text-slate-500">{u.statusReason}</span>
                  </Td>
                  <Td>{formatRelative(u.passwordSetAt)}</Td>
                  <Td className="text-right whitespace-nowrap">
                    {u.managed && (
                      <>
                        <Button
                          size="sm"
                          variant="secondary"
                          pending={rotate.isPending && rotate.variables?.name === u.name}
                          onClick={() =>
                            rotate.mutate(
                              { clusterId, name: u.name },
                              { onSuccess: (r) => setShown({ name: u.name, password: r.password, rotated: true }) },
                            )
                          }
                        >
                          Rotate password
                        </Button>
                        <Button
                          size="sm"
                          variant="ghost"
                          className="ml-1 text-red-600 hover:bg-red-50"
                          onClick={() => setDeleting(u.name)}
                        >
                          Delete
                        </Button>
                      </>
                    )}
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </Card>

      <Dialog
        open={shown !== null}
        onClose={() => setShown(null)}
        title={shown?.rotated ? `New password for ${shown.name}` : `User ${shown?.name ?? ""} created`}
        description="Copy the password now: Weir shows it only this once and keeps no copy."
        data-testid="kafka-password-dialog"
        footer={<Button onClick={() => setShown(null)}>I have copied it</Button>}
      >
        <div className="flex items-center gap-2">
          <code
            className="flex-1 rounded bg-slate-100 px-3 py-2 font-mono text-sm break-all"
            data-testid="kafka-password"
          >
            {shown?.password}
          </code>
          {shown && <CopyButton text={shown.password} label="Copy password" />}
        </div>
        <p className="mt-3 text-xs text-slate-500">
          Clients connect with {protocol}
          {protocol === "SASL_SSL" ? " (trusting the cluster's CA certificate, on the Overview page)" : ""}, mechanism
          SCRAM-SHA-512, user name {shown?.name}.
        </p>
      </Dialog>

      <ConfirmDialog
        open={deleting !== null}
        onCancel={() => setDeleting(null)}
        onConfirm={() =>
          del.mutate(
            { clusterId, name: deleting! },
            {
              onSuccess: () => {
                toast.success(`Deleting ${deleting}.`);
                setDeleting(null);
              },
            },
          )
        }
        title={`Delete ${deleting ?? ""}?`}
        description="Its credential is removed from Kafka, and so are the ACLs Weir holds for it. Clients using it stop working."
        confirmLabel="Delete user"
        pending={del.isPending}
      />
    </div>
  );
}
