"use client";
import { BROKER_CONFIG_KEYS, brokerConfigNames, type BrokerConfigName } from "@weir/runtime/broker-config";
import { Badge, Button, Card, CardHeader, SelectField, TextField } from "@weir/ui";
import { useState } from "react";
import { toast } from "sonner";
import { ProgressBar } from "@/components/console/resource-status";
import { errorMessage, fieldErrors } from "@/lib/errors";
import { useUpdateCluster, type Cluster } from "../hooks";

const ROLL = /^Restarting (broker|controller) (\d+) of (\d+)/;

/** What a key is now: the user's value, or empty for Weir's default. */
const current = (c: Cluster, k: BrokerConfigName) => (c.brokerConfig as Record<string, string>)[k] ?? "";

/**
 * The cluster-level broker configs a user may change: live keys apply at once (the cluster-wide
 * dynamic defaults), the others restart the brokers one at a time; the roll's progress while it
 * runs. Only changed keys are sent; an empty field puts the key back to Weir's default.
 */
export function BrokerConfigCard({ cluster: c, canChange }: { cluster: Cluster; canChange: boolean }) {
  const update = useUpdateCluster();
  const [draft, setDraft] = useState<Partial<Record<BrokerConfigName, string>>>({});
  const value = (k: BrokerConfigName) => draft[k] ?? current(c, k);
  const changed = brokerConfigNames.filter((k) => draft[k] !== undefined && draft[k] !== current(c, k));
  const restarts = changed.filter((k) => BROKER_CONFIG_KEYS[k].apply === "restart");
  const errors = fieldErrors(update.error);
  const roll = ROLL.exec(c.statusReason);
  const stopped = c.conditions.find((x) => x.type === "RollingRestart" && x.reason === "RollStopped");

  function save() {
    const brokerConfig = Object.fromEntries(changed.map((k) => [k, draft[k] === "" ? null : draft[k]!]));
    update.mutate(
      { id: c.id, brokerConfig, generation: c.generation },
      {
        onSuccess: () => {
          toast.success(
            restarts.length > 0
              ? `Saved; restarting the brokers one at a time for ${restarts.join(", ")}`
              : "Saved; applied live, no restart",
          );
          setDraft({});
        },
      },
    );
  }

  return (
    <Card data-testid="broker-config-card">
      <CardHeader
        title="Broker configuration"
        description="Cluster-wide defaults for every broker. Live settings apply at once; the others restart the brokers one at a time, never taking a partition below its min.insync.replicas."
        actions={
          canChange && (
            <Button
              onClick={save}
              disabled={changed.length === 0 || update.isPending}
              data-testid="save-broker-config"
              title={restarts.length > 0 ? "Saving restarts the brokers one at a time" : undefined}
            >
              {restarts.length > 0 ? "Save and roll the brokers" : "Save"}
            </Button>
          )
        }
      />
      <div className="flex flex-col gap-4 px-5 py-4 text-sm">
        {roll && (
          <div className="flex flex-col gap-2" data-testid="broker-roll-progress">
            <p className="text-slate-700">{c.statusReason}</p>
            <ProgressBar
              done={Number(roll[2]) - 1}
              total={Number(roll[3])}
              label="Brokers restarted"
              className="max-w-md"
            />
          </div>
        )}
        {stopped && (
          <p role="alert" className="text-red-700" data-testid="broker-roll-stopped">
            Rolling restart stopped: {stopped.message}
          </p>
        )}
        <div className="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-3">
          {brokerConfigNames.map((k) => {
            const key = BROKER_CONFIG_KEYS[k];
            const hint = (
              <span className="flex flex-wrap items-center gap-1">
                <Badge tone={key.apply === "live" ? "success" : "warning"}>
                  {key.apply === "live" ? "applies live" : "rolls the brokers"}
                </Badge>
                {key.description}
              </span>
            );
            const common = {
              label: k,
              hint,
              error: errors[`brokerConfig.${k}`],
              disabled: !canChange,
              "data-testid": `broker-config-${k}`,
            };
            return key.type === "boolean" ? (
              <SelectField
                key={k}
                {...common}
                value={value(k)}
                options={[
                  { value: "", label: `Default (${key.defaultValue})` },
                  { value: "true", label: "true" },
                  { value: "false", label: "false" },
                ]}
                onChange={(e) => setDraft({ ...draft, [k]: e.target.value })}
              />
            ) : (
              <TextField
                key={k}
                {...common}
                inputMode="numeric"
                placeholder={key.defaultValue ? `Default: ${key.defaultValue}` : "Default"}
                value={value(k)}
                onChange={(e) => setDraft({ ...draft, [k]: e.target.value.trim() })}
              />
            );
          })}
        </div>
        {update.isError && (
          <p role="alert" className="text-red-700">
            {errorMessage(update.error)}
          </p>
        )}
      </div>
    </Card>
  );
}
