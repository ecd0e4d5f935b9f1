"use client";
import { Button, Card, CardHeader, ConfirmDialog } from "@weir/ui";
import { useState } from "react";
import { toast } from "sonner";
import { ProgressBar } from "@/components/console/resource-status";
import { errorMessage } from "@/lib/errors";
import { useUpdateCluster, type Cluster } from "../hooks";
import { clientRequirements } from "./connection-snippets";

/**
 * The cluster's Kafka release and metadata.version, an in-place upgrade to a newer offered one
 * (the brokers move to the new binaries one at a time, then metadata.version is raised: no way
 * back), and its progress while it runs.
 */
export function KafkaVersionCard({ cluster: c, canChange }: { cluster: Cluster; canChange: boolean }) {
  const update = useUpdateCluster();
  const [target, setTarget] = useState<string | null>(null);
  const up = c.upgrade;
  const needs = target ? clientRequirements(target) : null;

  return (
    <Card data-testid="kafka-version-card">
      <CardHeader
        title="Kafka version"
        description={
          <>
            Kafka <span data-testid="kafka-version">{c.kafkaVersion}</span>
            {c.metadataVersion && (
              <>
                , metadata.version <span className="font-mono text-xs">{c.metadataVersion}</span>
              </>
            )}
          </>
        }
        actions={
          canChange &&
          !up && (
            <div className="flex gap-2">
              {c.upgradableTo.map((v) => (
                <Button key={v} variant="secondary" onClick={() => setTarget(v)} data-testid={`upgrade-to-${v}`}>
                  Upgrade to {v}
                </Button>
              ))}
            </div>
          )
        }
      />
      <div className="flex flex-col gap-3 px-5 py-4 text-sm text-slate-700">
        {up ? (
          <>
            <p data-testid="kafka-upgrade-progress">
              {up.brokersDone < up.brokers
                ? `Upgrading: broker ${up.brokersDone + 1} of ${up.brokers} to Kafka ${up.to}`
                : `Every broker runs Kafka ${up.to}; raising metadata.version`}
            </p>
            <ProgressBar
              done={up.brokersDone}
              total={up.brokers}
              label={`Brokers on Kafka ${up.to}`}
              className="max-w-md"
            />
          </>
        ) : c.upgradableTo.length > 0 ? (
          <p>
            An upgrade restarts the brokers one at a time on the new release, never taking a partition below its
            min.insync.replicas, then raises metadata.version. Clients stay connected throughout.
          </p>
        ) : (
          <p>This is the newest release Weir offers.</p>
        )}
        {update.isError && (
          <p role="alert" className="text-red-700">
            {errorMessage(update.error)}
          </p>
        )}
      </div>
      {target && (
        <ConfirmDialog
          open
          title={`Upgrade ${c.name} to Kafka ${target}?`}
          description={
            <span className="flex flex-col gap-2">
              <span>
                Each broker restarts on Kafka {target}, one at a time, waiting until every partition is back in sync;
                then metadata.version is raised. This cannot be undone: Kafka cannot go back to {c.kafkaVersion}.
              </span>
              {needs && <span className="text-amber-900">{needs}</span>}
            </span>
          }
          confirmLabel={`Upgrade to ${target}`}
          pending={update.isPending}
          onCancel={() => setTarget(null)}
          onConfirm={() =>
            update.mutate(
              { id: c.id, kafkaVersion: target, generation: c.generation },
              {
                onSuccess: (u) => {
                  toast.success(`Upgrading ${u.name} to Kafka ${u.kafkaVersion}`);
                  setTarget(null);
                },
                onError: () => setTarget(null),
              },
            )
          }
        />
      )}
    </Card>
  );
}
