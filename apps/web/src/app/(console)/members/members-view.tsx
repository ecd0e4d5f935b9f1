"use client";
import { useQuery } from "@tanstack/react-query";
import { roleAtLeast, type Role } from "@weir/domain/rules";
import {
  Badge,
  Button,
  Card,
  CardHeader,
  ConfirmDialog,
  PageHeader,
  SelectField,
  Spinner,
  Table,
  Td,
  TextField,
  Th,
} from "@weir/ui";
import { useRef, useState } from "react";
import { toast } from "sonner";
import { useCurrentOrg } from "@/components/console/use-org";
import { fieldErrors } from "@/lib/errors";
import { formatDateTime, formatRelative, roleLabel } from "@/lib/format";
import { roleOptions } from "@/lib/roles";
import { useTRPC } from "@/lib/trpc";
import { useAddMember, useMembers, useRemoveMember, useUpdateMemberRole } from "./hooks";

type MemberRow = { userId: string; email: string; name: string };

export function MembersView() {
  const org = useCurrentOrg();
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions());
  const manage = roleAtLeast(org.data?.role, "ADMIN");
  const [removing, setRemoving] = useState<MemberRow | null>(null);

  return (
    <div className="flex flex-col gap-6">
      <PageHeader
        title="Members"
        description="People with access to this organisation. Owners manage everything including billing, admins manage members and keys, developers manage clusters, viewers can only look."
      />
      <AddMemberCard disabled={org.isSuccess && !manage} />
      <MembersTable canManage={manage} myUserId={me.data?.user?.id} onRemove={setRemoving} />
      <RemoveDialog member={removing} self={removing?.userId === me.data?.user?.id} onClose={() => setRemoving(null)} />
    </div>
  );
}

function AddMemberCard({ disabled }: { disabled: boolean }) {
  const add = useAddMember();
  const form = useRef<HTMLFormElement>(null);
  const errors = fieldErrors(add.error);
  return (
    <Card>
      <CardHeader
        title="Add a member"
        description={
          disabled
            ? "Only owners and admins can add members."
            : "They need a Weir account first; they can sign up with their email."
        }
      />
      <form
        ref={form}
        data-testid="add-member-form"
        className="flex flex-col gap-4 px-5 py-4 sm:flex-row sm:items-start"
        onSubmit={(e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          const email = String(f.get("email"));
          add.mutate(
            { email, role: String(f.get("role")) as Role },
            {
              onSuccess: (m) => {
                form.current?.reset();
                toast.success(`Added ${m.email} as ${roleLabel(m.role).toLowerCase()}`);
              },
            },
          );
        }}
      >
        <TextField
          label="Email"
          name="email"
          type="email"
          required
          placeholder="colleague@example.com"
          disabled={disabled}
          error={errors.email}
          wrapperClassName="sm:w-80"
        />
        <SelectField
          label="Role"
          name="role"
          options={roleOptions}
          defaultValue="VIEWER"
          disabled={disabled}
          error={errors.role}
          wrapperClassName="sm:w-48"
        />
        <Button type="submit" pending={add.isPending} disabled={disabled} className="sm:mt-6">
          Add member
        </Button>
      </form>
    </Card>
  );
}

function MembersTable({
  canManage: manage,
  myUserId,
  onRemove,
}: {
  canManage: boolean;
  myUserId: string | undefined;
  onRemove: (m: MemberRow) => void;
}) {
  const members = useMembers();
  const update = useUpdateMemberRole();
  const items = members.data?.items ?? [];
  return (
    <Card>
      <CardHeader
        title="People"
        description={members.data ? `${items.length} ${items.length === 1 ? "member" : "members"}` : undefined}
      />
      {members.isPending ? (
        <div className="flex justify-center py-10 text-slate-400">
          <Spinner label="Loading members" />
        </div>
      ) : (
        <Table data-testid="members-table">
          <thead>
            <tr>
              <Th>Name</Th>
              <Th>Email</Th>
              <Th>Role</Th>
              <Th>Joined</Th>
              <Th className="text-right">
                <span className="sr-only">Actions</span>
              </Th>
            </tr>
          </thead>
          <tbody>
            {items.map((m) => {
              const self = m.userId === myUserId;
              const pending = update.isPending && update.variables?.userId === m.userId;
              return (
                <tr key={m.userId} data-testid="member-row" data-email={m.email}>
                  <Td className="font-medium text-slate-900">
                    {m.name} {self && <Badge tone="brand">You</Badge>}
                  </Td>
                  <Td>{m.email}</Td>
                  <Td>
                    {manage ? (
                      <div className="flex items-center gap-2">
                        <SelectField
                          label={`Role of ${m.email}`}
                          hideLabel
                          options={roleOptions}
                          value={(pending && update.variables?.role) || m.role}
                          disabled={pending}
                          onChange={(e) =>
                            update.mutate(
                              { userId: m.userId, role: e.target.value as Role },
                              {
                                onSuccess: (u) => toast.success(`${u.email} is now ${roleLabel(u.role).toLowerCase()}`),
                              },
                            )
                          }
                          wrapperClassName="w-36"
                          data-testid="member-role"
                        />
                        {pending && <Spinner className="size-4 text-slate-400" />}
                      </div>
                    ) : (
                      roleLabel(m.role)
                    )}
                  </Td>
                  <Td title={formatDateTime(m.joinedAt)}>{formatRelative(m.joinedAt)}</Td>
                  <Td className="text-right">
                    {(manage || self) && (
                      <Button
                        variant="ghost"
                        size="sm"
                        className="text-red-600 hover:bg-red-50"
                        onClick={() => onRemove(m)}
                        aria-label={self ? "Leave organisation" : `Remove ${m.email}`}
                      >
                        {self ? "Leave" : "Remove"}
                      </Button>
                    )}
                  </Td>
                </tr>
              );
            })}
          </tbody>
        </Table>
      )}
    </Card>
  );
}

function RemoveDialog({ member, self, onClose }: { member: MemberRow | null; self: boolean; onClose: () => void }) {
  const remove = useRemoveMember();
  return (
    <ConfirmDialog
      open={member !== null}
      onCancel={onClose}
      title={self ? "Leave this organisation?" : `Remove ${member?.email ?? ""}?`}
      description={
        self
          ? "You will lose access to its clusters, keys and bills until someone adds you again."
          : "They lose access to this organisation at once. Their Weir account and other organisations are not affected."
      }
      confirmLabel={self ? "Leave" : "Remove member"}
      pending={remove.isPending}
      onConfirm={() =>
        member &&
        remove.mutate(
          { userId: member.userId },
          {
            onSuccess: () => {
              toast.success(self ? "You left the organisation" : `Removed ${member.email}`);
              onClose();
              if (self) window.location.assign("/clusters");
            },
          },
        )
      }
    />
  );
}
