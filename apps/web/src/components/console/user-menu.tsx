"use client";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/lib/trpc";
import { ChevronIcon } from "../icons";
import { Menu, MenuItem } from "./menu";

export function UserMenu() {
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions());
  // A full load drops every cached query of the signed-out user.
  const toSignIn = () => window.location.assign("/sign-in");
  const signOut = useMutation(trpc.auth.signOut.mutationOptions({ onSuccess: toSignIn }));
  const signOutEverywhere = useMutation(trpc.auth.signOutEverywhere.mutationOptions({ onSuccess: toSignIn }));
  const user = me.data?.user;
  const initials = (user?.name ?? "?")
    .split(/\s+/)
    .map((w) => w.charAt(0))
    .slice(0, 2)
    .join("")
    .toUpperCase();

  return (
    <Menu
      label="Account"
      align="right"
      testId="user-menu"
      buttonClassName="flex items-center gap-2 rounded-full py-1 pr-2 pl-1 hover:bg-slate-100"
      button={
        <>
          <span className="flex size-8 items-center justify-center rounded-full bg-brand-100 text-xs font-semibold text-brand-800">
            {initials}
          </span>
          <span className="hidden max-w-40 truncate text-sm font-medium text-slate-700 sm:block">
            {user?.name ?? ""}
          </span>
          <ChevronIcon className="size-4 text-slate-400" />
        </>
      }
    >
      {() => (
        <>
          <div className="border-b border-slate-100 px-3 pt-1.5 pb-2.5">
            <p className="truncate text-sm font-medium text-slate-900">{user?.name}</p>
            <p className="truncate text-xs text-slate-500" data-testid="user-email">
              {user?.email}
            </p>
          </div>
          <MenuItem onSelect={() => signOut.mutate()} data-testid="sign-out">
            Sign out
          </MenuItem>
          <MenuItem onSelect={() => signOutEverywhere.mutate()} data-testid="sign-out-everywhere">
            Sign out everywhere
          </MenuItem>
        </>
      )}
    </Menu>
  );
}
