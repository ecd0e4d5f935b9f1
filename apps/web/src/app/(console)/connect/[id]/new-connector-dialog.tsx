"use client";
import { Button, Dialog, SelectField, TextField } from "@weir/ui";
import { useState } from "react";
import { toast } from "sonner";
import { errorMessage, fieldErrors } from "@/lib/errors";
import { useCreateConnector, type ConnectCluster } from "../hooks";
import { jdbcSinkConnector } from "@weir/domain/rules";
import { cdcConnector, cdcTopics, parseKeyValues, SNAPSHOT_MODES } from "./connector-forms";
import { EMPTY_JDBC_SINK, JDBC_SINK_FIELDS, JdbcSinkFields } from "./jdbc-sink-fields";
import {
  EMPTY_REPLICATION,
  REPLICATION_FIELDS,
  ReplicationFields,
  replicationBody,
  useCreateReplication,
} from "./replication-fields";

type Mode = "postgres-cdc" | "jdbc-sink" | "replicate" | "custom";

/**
 * A new connector: the guided Postgres CDC form (a database URL, tables, snapshot mode, and the
 * topics it will write), the guided JDBC sink (topics into PostgreSQL tables), or any plugin with
 * its config as key=value lines. Connect checks the
 * config before anything is saved; its objections show under the fields they name.
 */
export function NewConnectorDialog({ cluster: c, onClose }: { cluster: ConnectCluster; onClose: () => void }) {
  const create = useCreateConnector();
  const [mode, setMode] = useState<Mode>("postgres-cdc");
  const [name, setName] = useState("");
  const [url, setUrl] = useState("");
  const [password, setPassword] = useState("");
  const [tables, setTables] = useState("public.orders");
  const [snapshot, setSnapshot] = useState<string>("initial");
  const [prefix, setPrefix] = useState("");
  const [plugin, setPlugin] = useState("debezium-jdbc");
  const [config, setConfig] = useState("");
  const [secrets, setSecrets] = useState("");
  const [sink, setSink] = useState(EMPTY_JDBC_SINK);
  const [mirror, setMirror] = useState(EMPTY_REPLICATION);
  const replicate = useCreateReplication();
  const [local, setLocal] = useState<Record<string, string>>({});

  const failed = mode === "replicate" ? replicate.error : create.error;
  const server = fieldErrors(failed);
  const errors = { ...server, ...local };
  const unplaced = Object.entries(server).filter(
    ([k]) =>
      ![
        "name",
        "plugin",
        "config.database.hostname",
        "config.database.user",
        "config.database.dbname",
        "config.topic.prefix",
        "config.table.include.list",
        ...(mode === "jdbc-sink" ? JDBC_SINK_FIELDS : []),
        ...(mode === "replicate" ? REPLICATION_FIELDS : []),
      ].includes(k),
  );
  const formError =
    failed &&
    (Object.keys(server).length === 0 ? errorMessage(failed) : unplaced.map(([k, v]) => `${k}: ${v}`).join("\n"));
  const topicPrefix = prefix.trim() || name.trim();
  const preview = cdcTopics(topicPrefix, tables);

  function submit() {
    setLocal({});
    let body;
    if (mode === "replicate") {
      const built = replicationBody(c.id, name.trim(), mirror);
      if ("error" in built) return setLocal({ [built.field]: built.error });
      replicate.mutate(built.body, {
        onSuccess: (k) => {
          toast.success(`Creating the replication ${k.name}`);
          onClose();
        },
      });
      return;
    }
    if (mode === "postgres-cdc") {
      const built = cdcConnector({
        name: name.trim(),
        url,
        password,
        tables,
        snapshotMode: snapshot,
        topicPrefix,
      });
      if ("error" in built) {
        setLocal({ [built.field]: built.error });
        return;
      }
      body = { id: c.id, ...built };
    } else if (mode === "jdbc-sink") {
      const built = jdbcSinkConnector({ name: name.trim(), ...sink });
      if ("error" in built) {
        setLocal({ [built.field]: built.error });
        return;
      }
      body = { id: c.id, ...built };
    } else {
      const cfg = parseKeyValues(config);
      const sec = parseKeyValues(secrets);
      if ("error" in cfg) return setLocal({ config: cfg.error });
      if ("error" in sec) return setLocal({ secrets: sec.error });
      body = {
        id: c.id,
        name: name.trim(),
        plugin: plugin as "debezium-postgres" | "debezium-jdbc" | "mirror",
        config: cfg.values,
        secrets: sec.values,
      };
    }
    create.mutate(body, {
      onSuccess: (k) => {
        toast.success(`Creating the connector ${k.name}`);
        onClose();
      },
    });
  }

  return (
    <Dialog
      open
      onClose={onClose}
      size="lg"
      title="New connector"
      description="Kafka Connect checks the config before anything is saved; secrets are kept encrypted and never shown again."
      data-testid="new-connector-dialog"
      footer={
        <>
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button
            onClick={submit}
            pending={create.isPending || replicate.isPending}
            data-testid="create-connector-submit"
          >
            Create connector
          </Button>
        </>
      }
    >
      <div className="flex flex-col gap-4">
        {formError && (
          <p
            role="alert"
            className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm whitespace-pre-wrap text-red-800"
          >
            {formError}
          </p>
        )}
        <div className="grid gap-4 sm:grid-cols-2">
          <SelectField
            label="Kind"
            name="mode"
            value={mode}
            onChange={(e) => setMode(e.target.value as Mode)}
            options={[
              { value: "postgres-cdc", label: "Postgres CDC (Debezium)" },
              { value: "jdbc-sink", label: "JDBC sink: topics into PostgreSQL tables (Debezium)" },
              { value: "replicate", label: "Replicate from another Weir cluster (MirrorMaker 2)" },
              { value: "custom", label: "Any plugin (key=value config)" },
            ]}
          />
          <TextField
            label="Name"
            name="name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="orders-cdc"
            error={errors.name}
          />
        </div>
        {mode === "postgres-cdc" ? (
          <>
            <TextField
              label="Database URL"
              name="url"
              value={url}
              onChange={(e) => setUrl(e.target.value)}
              placeholder="postgresql://cdc@127.0.0.1:5432/shop"
              error={
                errors.url ??
                errors["config.database.hostname"] ??
                errors["config.database.user"] ??
                errors["config.database.dbname"]
              }
              hint="The user needs the REPLICATION attribute and the database wal_level=logical; both are checked before the connector is created."
            />
            <TextField
              label="Database password"
              name="password"
              type="password"
              autoComplete="off"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              error={errors["secrets.database.password"]}
              hint="Kept encrypted; never shown again, not even to Connect's own REST API."
            />
            <div className="grid gap-4 sm:grid-cols-2">
              <TextField
                label="Tables"
                name="tables"
                value={tables}
                onChange={(e) => setTables(e.target.value)}
                placeholder="public.orders, public.customers"
                error={errors.tables ?? errors["config.table.include.list"]}
                hint="Comma-separated schema.table names."
              />
              <SelectField
                label="Snapshot mode"
                name="snapshotMode"
                value={snapshot}
                onChange={(e) => setSnapshot(e.target.value)}
                options={SNAPSHOT_MODES.map((m) => ({ value: m.value, label: m.label }))}
                error={errors["config.snapshot.mode"]}
              />
            </div>
            <TextField
              label="Topic prefix"
              name="topicPrefix"
              value={prefix}
              onChange={(e) => setPrefix(e.target.value)}
              placeholder={name || "the connector's name"}
              error={errors["config.topic.prefix"]}
            />
            <div className="rounded-md bg-slate-50 px-3 py-2 text-sm" data-testid="cdc-topic-preview">
              <p className="font-medium text-slate-700">Topics it will write</p>
              {preview.length === 0 ? (
                <p className="text-slate-500">Name the tables to see the topics.</p>
              ) : (
                <ul className="mt-1 font-mono text-xs text-slate-700">
                  {preview.map((t) => (
                    <li key={t}>{t}</li>
                  ))}
                </ul>
              )}
            </div>
          </>
        ) : mode === "jdbc-sink" ? (
          <JdbcSinkFields name={name.trim()} value={sink} onChange={setSink} errors={errors} />
        ) : mode === "replicate" ? (
          <ReplicationFields cluster={c} value={mirror} onChange={setMirror} errors={errors} />
        ) : (
          <>
            <SelectField
              label="Plugin"
              name="plugin"
              value={plugin}
              onChange={(e) => setPlugin(e.target.value)}
              options={[
                { value: "debezium-jdbc", label: "JDBC sink (Debezium): topics into a table" },
                { value: "debezium-postgres", label: "Postgres CDC source (Debezium)" },
                { value: "mirror", label: "MirrorMaker 2" },
              ]}
              error={errors.plugin}
            />
            <label className="flex flex-col gap-1 text-sm font-medium text-slate-700">
              Config (key=value per line)
              <textarea
                name="config"
                rows={6}
                value={config}
                onChange={(e) => setConfig(e.target.value)}
                className="rounded-md border border-slate-300 px-3 py-2 font-mono text-xs"
                placeholder={
                  "topics=orders\nconnection.url=jdbc:postgresql://127.0.0.1:5432/shop\nconnection.username=writer"
                }
              />
              {errors.config && <span className="text-xs text-red-600">{errors.config}</span>}
            </label>
            <label className="flex flex-col gap-1 text-sm font-medium text-slate-700">
              Secrets (key=value per line, kept encrypted)
              <textarea
                name="secrets"
                rows={2}
                value={secrets}
                onChange={(e) => setSecrets(e.target.value)}
                className="rounded-md border border-slate-300 px-3 py-2 font-mono text-xs"
                placeholder="connection.password=…"
              />
              {errors.secrets && <span className="text-xs text-red-600">{errors.secrets}</span>}
            </label>
          </>
        )}
      </div>
    </Dialog>
  );
}
