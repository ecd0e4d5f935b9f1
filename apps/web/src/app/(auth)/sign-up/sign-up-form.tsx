"use client";
import { useMutation } from "@tanstack/react-query";
import { PASSWORD_MIN } from "@weir/domain/rules";
import { Button, TextField } from "@weir/ui";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { fieldErrors } from "@/lib/errors";
import { useTRPC } from "@/lib/trpc";
import { AuthCard } from "../auth-card";

export function SignUpForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const signUp = useMutation(
    trpc.auth.signUp.mutationOptions({
      onSuccess: () => {
        router.replace("/clusters");
        router.refresh();
      },
    }),
  );
  const errors = fieldErrors(signUp.error);

  return (
    <AuthCard
      title="Create your Weir account"
      subtitle="Run Apache Kafka and Apache Spark clusters, with an API for everything."
      footer={
        <>
          Already have an account?{" "}
          <Link href="/sign-in" className="font-medium text-brand-700 hover:underline">
            Sign in
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
          const organizationName = String(f.get("organizationName") ?? "").trim();
          signUp.mutate({
            name: String(f.get("name")),
            email: String(f.get("email")),
            password: String(f.get("password")),
            ...(organizationName ? { organizationName } : {}),
          });
        }}
      >
        <TextField label="Your name" name="name" autoComplete="name" required autoFocus error={errors.name} />
        <TextField label="Work email" name="email" type="email" autoComplete="email" required error={errors.email} />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          hint={`At least ${PASSWORD_MIN} characters.`}
          error={errors.password}
        />
        <TextField
          label="Organisation name (optional)"
          name="organizationName"
          autoComplete="organization"
          placeholder="Acme Streaming"
          hint="Defaults to “Your name’s organisation”. You can create more later."
          error={errors.organizationName}
        />
        <Button type="submit" pending={signUp.isPending || signUp.isSuccess} className="mt-2 w-full">
          Create account
        </Button>
      </form>
    </AuthCard>
  );
}
