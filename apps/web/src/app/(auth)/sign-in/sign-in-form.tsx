"use client";
import { useMutation } from "@tanstack/react-query";
import { Button, TextField } from "@weir/ui";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { fieldErrors } from "@/lib/errors";
import { useTRPC } from "@/lib/trpc";
import { AuthCard } from "../auth-card";

export function SignInForm({ next }: { next: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const signIn = useMutation(
    trpc.auth.signIn.mutationOptions({
      // Signing in also clears a previous session's organisation choice (see auth.signIn).
      onSuccess: () => {
        router.replace(next);
        router.refresh();
      },
    }),
  );
  const errors = fieldErrors(signIn.error);

  return (
    <AuthCard
      title="Sign in to Weir"
      footer={
        <>
          New to Weir?{" "}
          <Link href="/sign-up" className="font-medium text-brand-700 hover:underline">
            Create an account
          </Link>
        </>
      }
    >
      <form
        // POST, so a submit before hydration never puts a password in the URL; the API validates.
        method="post"
        noValidate
        className="flex flex-col gap-4"
        onSubmit={(e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          signIn.mutate({ email: String(f.get("email")), password: String(f.get("password")) });
        }}
      >
        <TextField
          label="Email"
          name="email"
          type="email"
          autoComplete="email"
          required
          autoFocus
          error={errors.email}
        />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          error={errors.password}
        />
        <Button type="submit" pending={signIn.isPending || signIn.isSuccess} className="mt-2 w-full">
          Sign in
        </Button>
      </form>
    </AuthCard>
  );
}
