"use client";
import { Button, Card, CardHeader, ConfirmDialog, cn } from "@weir/ui";
import { useId, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { toast } from "sonner";
import { CopyButton } from "@/components/copy-button";
import { useRevealAdminCredential, useRotateCertificates, type AdminCredential, type Cluster } from "../hooks";
import { clientRequirements, connectionSnippets } from "./connection-snippets";

/** Bootstrap servers, the admin credential (owners and admins) and client snippets. */
/**
 * canReveal: owners and admins see the admin credential; canRotate: developers and above may
 * rotate the brokers' certificates (as the API allows).
 */
export function ConnectCard({
  cluster,
  canReveal,
  canRotate,
}: {
  cluster: Cluster;
  canReveal: boolean;
  canRotate: boolean;
}) {
  const reveal = useRevealAdminCredential();
  const rotate = useRotateCertificates();
  const [rotating, setRotating] = useState(false);
  const [asking, setAsking] = useState(false);
  const [credential, setCredential] = useState<AdminCredential | null>(null);
  const [tab, setTab] = useState(0);
  const tabsId = useId();
  const tabRefs = useRef<Array<HTMLButtonElement | null>>([]);

  const bootstrap = cluster.bootstrapServers;
  const tls = cluster.securityProtocol === "SASL_SSL";
  // The name the API gives the download (domain kafka/tls.ts), so the snippets name that file.
  const caFile = `${cluster.name.replace(/[^A-Za-z0-9._-]/g, "-")}-ca.pem`;
  const snippets = useMemo(
    () =>
      bootstrap
        ? connectionSnippets({
            bootstrapServers: bootstrap,
            securityProtocol: cluster.securityProtocol,
            mechanism: cluster.saslMechanism,
            username: credential?.username ?? null,
            password: credential?.password ?? null,
            clientRack: cluster.zoneCount > 1 ? (cluster.brokers[0]?.zone ?? null) : null,
            kafkaVersion: cluster.kafkaVersion,
            caFile,
          })
        : [],
    [
      bootstrap,
      cluster.securityProtocol,
      cluster.saslMechanism,
      credential,
      cluster.zoneCount,
      cluster.brokers,
      cluster.kafkaVersion,
      caFile,
    ],
  );
  const current = snippets[tab] ?? snippets[0];
  const needs = clientRequirements(cluster.kafkaVersion);

  function onTabKey(e: KeyboardEvent<HTMLDivElement>) {
    const delta = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
    const to =
      e.key === "Home" ? 0 : e.key === "End" ? snippets.length - 1 : (tab + delta + snippets.length) % snippets.length;
    if (delta === 0 && e.key !== "Home" && e.key !== "End") return;
    e.preventDefault();
    setTab(to);
    tabRefs.current[to]?.focus();
  }

  return (
    <Card data-testid="connect-card">
      <CardHeader
        title="Connect"
        description={
          <>
            {cluster.securityProtocol} with {cluster.saslMechanism}. Applications should use a Kafka user with ACLs
            (Users tab); the admin credential is the cluster&rsquo;s super user.
          </>
        }
      />
      <div className="flex flex-col gap-5 px-5 py-4">
        {needs && (
          <p
            className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900"
            data-testid="client-requirements"
          >
            {needs}
          </p>
        )}
        <div className="flex flex-col gap-1.5">
          <span className="text-sm font-medium text-slate-700" id={`${tabsId}-bootstrap`}>
            Bootstrap servers
          </span>
          {bootstrap ? (
            <div className="flex items-start gap-2">
              <code
                aria-labelledby={`${tabsId}-bootstrap`}
                className="min-w-0 flex-1 rounded-md border border-slate-200 bg-slate-50 px-3 py-2 font-mono text-sm break-all text-slate-900 select-all"
                data-testid="bootstrap-servers"
              >
                {bootstrap}
              </code>
              <CopyButton text={bootstrap} label="Copy bootstrap servers" testId="copy-bootstrap" />
            </div>
          ) : (
            <p className="text-sm text-slate-500">Assigned when the brokers start.</p>
          )}
        </div>

        {tls && (
          <div
            className="flex flex-wrap items-center justify-between gap-3 rounded-md border border-slate-200 px-4 py-3"
            data-testid="ca-certificate"
          >
            <div>
              <p className="text-sm font-medium text-slate-700">CA certificate</p>
              <p className="text-xs text-slate-500">
                The brokers&rsquo; TLS certificates are signed by this cluster&rsquo;s own CA: clients trust it (the
                snippets read it from {caFile}).
                {cluster.tls.certificatesExpireAt &&
                  ` Broker certificates renew by themselves before ${new Date(cluster.tls.certificatesExpireAt).toISOString().slice(0, 10)}.`}
              </p>
            </div>
            {cluster.tls.caCertificateAvailable ? (
              <div className="flex flex-wrap gap-2">
                {canRotate && (
                  <Button
                    variant="secondary"
                    size="sm"
                    onClick={() => setRotating(true)}
                    disabled={cluster.status !== "RUNNING"}
                    data-testid="rotate-certificates"
                  >
                    Rotate certificates
                  </Button>
                )}
                <a
                  href={`/api/v1/clusters/${cluster.id}/ca-certificate`}
                  download={caFile}
                  className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-brand-500"
                  data-testid="download-ca"
                >
                  Download CA certificate
                </a>
              </div>
            ) : (
              <span className="text-sm text-slate-500">Created when the brokers start.</span>
            )}
          </div>
        )}

        {cluster.loopbackBootstrapServers && (
          <div className="flex flex-col gap-1.5">
            <span className="text-sm font-medium text-slate-700">
              Loopback listener (SASL_PLAINTEXT, this host only)
            </span>
            <code
              className="rounded-md border border-slate-200 bg-slate-50 px-3 py-2 font-mono text-sm break-all text-slate-900"
              data-testid="loopback-bootstrap-servers"
            >
              {cluster.loopbackBootstrapServers}
            </code>
          </div>
        )}

        <div className="flex flex-col gap-2 rounded-md border border-slate-200 px-4 py-3">
          <div className="flex flex-wrap items-center justify-between gap-3">
            <div>
              <p className="text-sm font-medium text-slate-700">Admin credential</p>
              <p className="text-xs text-slate-500">
                {credential
                  ? "Filled into the snippets below. Revealing it was recorded in the audit log."
                  : canReveal
                    ? "Snippets show <username> and <password> until you reveal it."
                    : "Only owners and admins can reveal it; ask one for a Kafka user instead."}
              </p>
            </div>
            {credential ? (
              <Button variant="secondary" size="sm" onClick={() => setCredential(null)}>
                Hide
              </Button>
            ) : (
              canReveal && (
                <Button
                  variant="secondary"
                  size="sm"
                  onClick={() => setAsking(true)}
                  disabled={!bootstrap}
                  data-testid="reveal-admin-credential"
                >
                  Reveal admin credential
                </Button>
              )
            )}
          </div>
          {credential && (
            <dl
              className="grid gap-2 text-sm sm:grid-cols-[auto_minmax(0,1fr)] sm:items-center"
              data-testid="admin-credential"
            >
              <dt className="text-slate-500">Username</dt>
              <dd className="flex items-center gap-2">
                <code className="font-mono text-slate-900" data-testid="admin-username">
                  {credential.username}
                </code>
                <CopyButton text={credential.username} label="Copy admin username" />
              </dd>
              <dt className="text-slate-500">Password</dt>
              <dd className="flex min-w-0 items-center gap-2">
                <code className="min-w-0 font-mono break-all text-slate-900" data-testid="admin-password">
                  {credential.password}
                </code>
                <CopyButton text={credential.password} label="Copy admin password" />
              </dd>
            </dl>
          )}
        </div>

        {current && (
          <div className="flex flex-col gap-2">
            <div className="flex flex-wrap items-end justify-between gap-2 border-b border-slate-200">
              <div role="tablist" aria-label="Client snippets" className="flex flex-wrap" onKeyDown={onTabKey}>
                {snippets.map((s, i) => (
                  <button
                    key={s.id}
                    ref={(el) => {
                      tabRefs.current[i] = el;
                    }}
                    type="button"
                    role="tab"
                    id={`${tabsId}-tab-${s.id}`}
                    aria-selected={i === tab}
                    aria-controls={`${tabsId}-panel`}
                    tabIndex={i === tab ? 0 : -1}
                    onClick={() => setTab(i)}
                    data-testid={`snippet-tab-${s.id}`}
                    className={cn(
                      "-mb-px border-b-2 px-3 py-2 text-sm font-medium whitespace-nowrap",
                      "focus-visible:outline-2 focus-visible:outline-brand-500",
                      i === tab
                        ? "border-brand-600 text-brand-700"
                        : "border-transparent text-slate-600 hover:text-slate-900",
                    )}
                  >
                    {s.label}
                  </button>
                ))}
              </div>
              <div className="pb-1.5">
                <CopyButton text={current.code} label={`Copy the ${current.label} snippet`} testId="copy-snippet" />
              </div>
            </div>
            <pre
              id={`${tabsId}-panel`}
              role="tabpanel"
              aria-labelledby={`${tabsId}-tab-${current.id}`}
              tabIndex={0}
              className="max-h-96 overflow-auto rounded-md bg-slate-900 px-4 py-3 font-mono text-xs leading-5 text-slate-100"
              data-testid="snippet-code"
              data-snippet={current.id}
            >
              {current.code}
            </pre>
          </div>
        )}
      </div>
      <ConfirmDialog
        open={rotating}
        onCancel={() => setRotating(false)}
        title="Rotate the broker certificates?"
        description={
          <>
            Every broker of <strong>{cluster.name}</strong> gets a new certificate from the same CA and restarts, one at
            a time, waiting until it is back in every ISR. Clients that trust the CA keep working.
          </>
        }
        confirmLabel="Rotate"
        pending={rotate.isPending}
        onConfirm={() =>
          rotate.mutate(
            { id: cluster.id, generation: cluster.generation },
            {
              onSuccess: () => {
                setRotating(false);
                toast.success("Rotating the broker certificates, one broker at a time");
              },
              onError: (e) => {
                setRotating(false);
                toast.error(e.message);
              },
            },
          )
        }
      />
      <ConfirmDialog
        open={asking}
        onCancel={() => setAsking(false)}
        title="Reveal the admin credential?"
        description={
          <>
            This shows the password of <strong>{cluster.name}</strong>&rsquo;s super user, which bypasses every ACL, and
            records that you saw it in the audit log. Keep it out of applications.
          </>
        }
        confirmLabel="Reveal"
        pending={reveal.isPending}
        onConfirm={() =>
          reveal.mutate(
            { id: cluster.id },
            {
              onSuccess: (c) => {
                setCredential(c);
                setAsking(false);
                toast.success("Admin credential filled into the snippets");
              },
            },
          )
        }
      />
    </Card>
  );
}
