"use client";
import {
  DEFAULT_JOB_VIEW,
  DEFAULT_TRIGGER,
  JOB_CORES_MAX,
  JOB_KIND_LABELS,
  JOB_KINDS,
  JOB_MEMORY_MB_MAX,
  JOB_MEMORY_MB_MIN,
  OUTPUT_MODES,
  RESTART_POLICIES,
  SINK_GUARANTEES,
  type JobKind,
  type OutputMode,
  type RestartPolicy,
  type SinkType,
} from "@weir/domain/rules";
import { Button, Card, CardHeader, SelectField, Spinner, TextField, cn } from "@weir/ui";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useState, type FormEvent, type ReactNode } from "react";
import { toast } from "sonner";
import { CodeField } from "@/components/console/code-field";
import { errorMessage, fieldErrors } from "@/lib/errors";
import { useComputeCluster, useComputeOptions } from "../../../hooks";
import { loadDraft } from "../draft";
import { useCreateJob } from "../hooks";
import { SchemaField } from "../schema-field";
import { TopicPicker } from "../topic-picker";

const KIND_HINTS: Record<JobKind, string> = {
  "streaming-sql": "Runs continuously: reads new messages every trigger and writes results to a topic or a table.",
  "batch-sql": "Runs once over a topic's current contents (or a time range); the result is previewed and downloadable.",
  "pyspark-script": "Your own Python with a ready SparkSession and the job's Kafka settings.",
};

const RESTART_LABELS: Record<RestartPolicy, string> = {
  never: "Never — a crashed job stays FAILED",
  "on-failure": "On failure — restart a crashed driver with back-off",
  always: "Always — also restart a job that finished",
};

const OUTPUT_MODE_LABELS: Record<OutputMode, string> = {
  update: "Update — rows that changed in each batch",
  append: "Append — only final rows (windows closed by the watermark)",
  complete: "Complete — the whole result every batch",
};

const SQL_EXAMPLE = `SELECT window.start AS window_start, product, SUM(amount) AS revenue
FROM events
GROUP BY window(ts, '1 minute'), product`;

/** The message under a field: the error at `path`, or at a path under it ("spec.sources.0"). */
function errorAt(errors: Record<string, string>, path: string): string | undefined {
  if (errors[path]) return errors[path];
  const nested = Object.entries(errors).find(([k]) => k.startsWith(`${path}.`));
  return nested?.[1];
}

/** The paths the form shows under a field; any other field error is listed at the top instead. */
const PLACED = [
  "name",
  "kafkaClusterId",
  "restartPolicy",
  "cores",
  "driverMemoryMb",
  "executorMemoryMb",
  "spec.sources",
  "spec.format",
  "spec.view",
  "spec.sql",
  "spec.watermark",
  "spec.sink",
  "spec.trigger",
  "spec.outputMode",
  "spec.startingOffsets",
  "spec.from",
  "spec.to",
  "spec.script",
  "spec.args",
  "spec.sinkTopics",
];

const lines = (s: string) =>
  s
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);

const localIso = (v: string) => (v ? new Date(v).toISOString() : undefined);

export function NewJobForm({ computeClusterId, draftKey }: { computeClusterId: string; draftKey?: string }) {
  const router = useRouter();
  const cluster = useComputeCluster(computeClusterId);
  const options = useComputeOptions();
  const create = useCreateJob();

  const [kind, setKind] = useState<JobKind>("streaming-sql");
  const [name, setName] = useState("");
  const [kafkaClusterId, setKafkaClusterId] = useState<string | null>(null);
  const [sources, setSources] = useState<string[]>([]);
  const [schema, setSchema] = useState("");
  const [view, setView] = useState(DEFAULT_JOB_VIEW);
  const [sql, setSql] = useState("");
  const [watermarkColumn, setWatermarkColumn] = useState("");
  const [watermarkDelay, setWatermarkDelay] = useState("10 seconds");
  const [sinkType, setSinkType] = useState<SinkType>("kafka");
  const [sinkTopic, setSinkTopic] = useState<string[]>([]);
  const [keyColumn, setKeyColumn] = useState("");
  const [pgUrl, setPgUrl] = useState("");
  const [pgTable, setPgTable] = useState("");
  const [pgKeys, setPgKeys] = useState("");
  const [trigger, setTrigger] = useState(DEFAULT_TRIGGER);
  const [outputMode, setOutputMode] = useState<OutputMode>("update");
  const [startingOffsets, setStartingOffsets] = useState<"earliest" | "latest">("earliest");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [script, setScript] = useState("");
  const [scriptFile, setScriptFile] = useState("");
  const [args, setArgs] = useState("");
  const [sinkTopics, setSinkTopics] = useState<string[]>([]);
  const [restartPolicy, setRestartPolicy] = useState<RestartPolicy>("on-failure");
  const [cores, setCores] = useState("1");
  const [driverMemory, setDriverMemory] = useState("1024");
  const [executorMemory, setExecutorMemory] = useState("1024");
  const [local, setLocal] = useState<Record<string, string>>({});
  const [fromDraft, setFromDraft] = useState(false);

  // A query saved from the SQL workspace: read once, after mount (sessionStorage is the browser's).
  useEffect(() => {
    if (!draftKey) return;
    const d = loadDraft(draftKey);
    if (!d) return;
    setKind(d.kind);
    if (d.kafkaClusterId) setKafkaClusterId(d.kafkaClusterId);
    setSources(d.sources);
    if (d.view) setView(d.view);
    setSchema(d.schema);
    setSql(d.sql);
    setFromDraft(true);
  }, [draftKey]);

  // Until the user picks one, the Kafka cluster is the compute cluster's.
  const kafkaId = kafkaClusterId ?? cluster.data?.kafkaCluster?.id ?? "";

  const server = fieldErrors(create.error);
  const errors = { ...server, ...local };
  const unplaced = Object.entries(server).filter(([k]) => !PLACED.some((p) => k === p || k.startsWith(`${p}.`)));
  const formError = create.error && Object.keys(server).length === 0 ? errorMessage(create.error) : null;

  function submit(e: FormEvent) {
    e.preventDefault();
    const problems: Record<string, string> = {};
    const whole = (v: string, field: string) => {
      if (!/^\d+$/.test(v.trim())) problems[field] = "Enter a whole number";
      return Number(v);
    };
    const resources = {
      cores: whole(cores, "cores"),
      driverMemoryMb: whole(driverMemory, "driverMemoryMb"),
      executorMemoryMb: whole(executorMemory, "executorMemoryMb"),
    };
    if (kind === "batch-sql" && from && to && new Date(from) >= new Date(to))
      problems["spec.to"] = "Must be after the start";
    setLocal(problems);
    if (Object.keys(problems).length > 0) return;

    const format = { type: "json" as const, schema };
    const spec =
      kind === "streaming-sql"
        ? {
            kind,
            sources,
            format,
            view: view.trim(),
            sql,
            ...(watermarkColumn.trim()
              ? { watermark: { column: watermarkColumn.trim(), delay: watermarkDelay.trim() } }
              : {}),
            sink:
              sinkType === "kafka"
                ? {
                    type: "kafka" as const,
                    topic: sinkTopic[0] ?? "",
                    ...(keyColumn.trim() ? { keyColumn: keyColumn.trim() } : {}),
                  }
                : {
                    type: "postgres" as const,
                    url: pgUrl,
                    table: pgTable.trim(),
                    keyColumns: pgKeys
                      .split(",")
                      .map((k) => k.trim())
                      .filter(Boolean),
                  },
            trigger: trigger.trim(),
            outputMode,
            startingOffsets,
          }
        : kind === "batch-sql"
          ? {
              kind,
              sources,
              format,
              view: view.trim(),
              sql,
              ...(from ? { from: localIso(from) } : {}),
              ...(to ? { to: localIso(to) } : {}),
            }
          : { kind, script, args: lines(args), sources, sinkTopics };

    create.mutate(
      {
        id: computeClusterId,
        name: name.trim(),
        ...(kafkaId ? { kafkaClusterId: kafkaId } : {}),
        restartPolicy,
        ...resources,
        spec,
      },
      {
        onSuccess: (job) => {
          toast.success(`Submitted ${job.name}`);
          router.push(`/compute/${computeClusterId}/jobs/${job.id}`);
        },
      },
    );
  }

  if (cluster.isPending || options.isPending) {
    return (
      <div className="flex justify-center py-16 text-slate-400">
        <Spinner label="Loading the compute cluster" />
      </div>
    );
  }
  if (cluster.isError || options.isError) {
    return (
      <p role="alert" className="rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900">
        {errorMessage(cluster.error ?? options.error)}
      </p>
    );
  }

  const kafkaClusters = options.data.kafkaClusters;
  const sql_ = kind === "streaming-sql" || kind === "batch-sql";

  return (
    <form noValidate onSubmit={submit} className="flex max-w-4xl flex-col gap-6" data-testid="new-job-form">
      {fromDraft && (
        <p role="status" className="rounded-md border border-brand-200 bg-brand-50 px-3 py-2 text-sm text-brand-900">
          Filled in from the SQL workspace. Check the schema (a streaming job needs one), choose a sink and name the
          job.
        </p>
      )}
      {formError && (
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          {formError}
        </p>
      )}
      {unplaced.length > 0 && (
        <div role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          <p>{errorMessage(create.error)}</p>
          <ul className="mt-1 list-disc pl-5">
            {unplaced.map(([k, v]) => (
              <li key={k}>
                <code className="font-mono text-xs">{k}</code>: {v}
              </li>
            ))}
          </ul>
        </div>
      )}

      <Card>
        <CardHeader title="Job" description="What kind of work, and its name on this compute cluster." />
        <div className="flex flex-col gap-5 px-5 py-5">
          <fieldset>
            <legend className="mb-2 text-sm font-medium text-slate-700">Kind</legend>
            <div className="grid gap-3 sm:grid-cols-3" role="radiogroup">
              {JOB_KINDS.map((k) => (
                <label
                  key={k}
                  className={cn(
                    "flex cursor-pointer flex-col gap-1 rounded-lg border px-3 py-2.5 text-sm",
                    kind === k ? "border-brand-500 bg-brand-50/60 ring-1 ring-brand-500" : "border-slate-300",
                  )}
                >
                  <span className="flex items-center gap-2 font-medium text-slate-900">
                    <input
                      type="radio"
                      name="kind"
                      value={k}
                      checked={kind === k}
                      onChange={() => setKind(k)}
                      className="accent-brand-600"
                    />
                    {JOB_KIND_LABELS[k]}
                  </span>
                  <span className="text-xs text-slate-500">{KIND_HINTS[k]}</span>
                </label>
              ))}
            </div>
          </fieldset>
          <TextField
            label="Name"
            name="name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="revenue-per-minute"
            autoComplete="off"
            error={errors.name}
            hint="Lowercase letters, digits and hyphens; unique on this compute cluster."
            wrapperClassName="max-w-md"
          />
        </div>
      </Card>

      <Card>
        <CardHeader
          title={kind === "pyspark-script" ? "Script" : "Sources"}
          description={
            kind === "pyspark-script"
              ? "The job's Kafka user may read and write only the topics named here."
              : "Topics read as one view of JSON rows, with the columns of the schema."
          }
        />
        <div className="flex flex-col gap-5 px-5 py-5">
          <SelectField
            label="Kafka cluster"
            name="kafkaClusterId"
            value={kafkaId}
            onChange={(e) => {
              setKafkaClusterId(e.target.value);
              setSources([]);
              setSinkTopic([]);
              setSinkTopics([]);
            }}
            options={[
              ...(kafkaId ? [] : [{ value: "", label: "Choose a Kafka cluster" }]),
              ...kafkaClusters.map((k) => ({
                value: k.id,
                label: `${k.name}${k.id === cluster.data.kafkaCluster?.id ? " (this compute cluster's)" : ""}${k.status === "RUNNING" ? "" : ` — ${k.status.toLowerCase()}`}`,
              })),
            ]}
            error={errors.kafkaClusterId}
            hint="The job connects as a Kafka user Weir creates for it, allowed only its own topics."
            wrapperClassName="max-w-md"
          />
          {kind === "pyspark-script" ? (
            <PySparkFields
              kafkaId={kafkaId}
              script={script}
              setScript={setScript}
              scriptFile={scriptFile}
              setScriptFile={setScriptFile}
              args={args}
              setArgs={setArgs}
              sources={sources}
              setSources={setSources}
              sinkTopics={sinkTopics}
              setSinkTopics={setSinkTopics}
              errors={errors}
            />
          ) : (
            <>
              <TopicPicker
                label="Source topics"
                clusterId={kafkaId}
                value={sources}
                onChange={setSources}
                error={errorAt(errors, "spec.sources")}
                hint="Several topics are read together; they must share the schema."
                testId="job-sources"
              />
              <SchemaField
                kafkaClusterId={kafkaId}
                topic={sources[0]}
                value={schema}
                onChange={setSchema}
                error={errorAt(errors, "spec.format")}
              />
              <TextField
                label="View name"
                name="view"
                value={view}
                onChange={(e) => setView(e.target.value)}
                error={errors["spec.view"]}
                hint="The name the SQL reads the sources by."
                className="font-mono"
                wrapperClassName="max-w-xs"
              />
            </>
          )}
        </div>
      </Card>

      {sql_ && (
        <Card>
          <CardHeader
            title="Query"
            description={
              kind === "streaming-sql"
                ? "Spark SQL over the view; windowed aggregations need a watermark to close their windows."
                : "Spark SQL over the view, run once."
            }
          />
          <div className="flex flex-col gap-5 px-5 py-5">
            <CodeField
              label="SQL"
              name="sql"
              rows={8}
              value={sql}
              onChange={(e) => setSql(e.target.value)}
              placeholder={
                kind === "streaming-sql"
                  ? SQL_EXAMPLE
                  : `SELECT product, COUNT(*) AS orders FROM ${view || "events"} GROUP BY product`
              }
              error={errors["spec.sql"]}
              data-testid="job-sql"
            />
            {kind === "streaming-sql" ? (
              <div className="grid gap-5 sm:grid-cols-2">
                <TextField
                  label="Watermark column (optional)"
                  name="watermarkColumn"
                  value={watermarkColumn}
                  onChange={(e) => setWatermarkColumn(e.target.value)}
                  placeholder="ts"
                  error={errors["spec.watermark.column"] ?? errors["spec.watermark"]}
                  hint="A TIMESTAMP column of the schema; events later than the delay are dropped."
                  className="font-mono"
                />
                <TextField
                  label="Watermark delay"
                  name="watermarkDelay"
                  value={watermarkDelay}
                  onChange={(e) => setWatermarkDelay(e.target.value)}
                  disabled={!watermarkColumn.trim()}
                  error={errors["spec.watermark.delay"]}
                  hint='e.g. "10 seconds", "1 minute"'
                />
              </div>
            ) : (
              <div className="grid gap-5 sm:grid-cols-2">
                <TextField
                  label="From (optional)"
                  name="from"
                  type="datetime-local"
                  value={from}
                  onChange={(e) => setFrom(e.target.value)}
                  error={errors["spec.from"]}
                  hint="Messages with a timestamp at or after this time (your time zone)."
                />
                <TextField
                  label="To (optional)"
                  name="to"
                  type="datetime-local"
                  value={to}
                  onChange={(e) => setTo(e.target.value)}
                  error={errors["spec.to"]}
                  hint="Without a range: the topics' whole current contents."
                />
              </div>
            )}
          </div>
        </Card>
      )}

      {kind === "streaming-sql" && (
        <Card>
          <CardHeader title="Sink" description="Where each micro-batch's result rows go." />
          <div className="flex flex-col gap-5 px-5 py-5">
            <fieldset>
              <legend className="mb-2 text-sm font-medium text-slate-700">Write to</legend>
              <div className="flex flex-wrap gap-4 text-sm">
                {(
                  [
                    ["kafka", "A Kafka topic (JSON values)"],
                    ["postgres", "A PostgreSQL table (upsert)"],
                  ] as const
                ).map(([t, label]) => (
                  <label key={t} className="flex items-center gap-2">
                    <input
                      type="radio"
                      name="sinkType"
                      value={t}
                      checked={sinkType === t}
                      onChange={() => setSinkType(t)}
                      className="accent-brand-600"
                    />
                    {label}
                  </label>
                ))}
              </div>
            </fieldset>
            {sinkType === "kafka" ? (
              <>
                <TopicPicker
                  label="Sink topic"
                  single
                  clusterId={kafkaId}
                  value={sinkTopic}
                  onChange={setSinkTopic}
                  error={errors["spec.sink.topic"] ?? errors["spec.sink"]}
                  hint="Each result row is written as one JSON message."
                  testId="job-sink-topic"
                />
                <TextField
                  label="Key column (optional)"
                  name="keyColumn"
                  value={keyColumn}
                  onChange={(e) => setKeyColumn(e.target.value)}
                  placeholder="product"
                  error={errors["spec.sink.keyColumn"]}
                  hint="A result column written as the message key, so consumers can keep the last value per key."
                  className="font-mono"
                  wrapperClassName="max-w-xs"
                />
              </>
            ) : (
              <>
                <TextField
                  label="PostgreSQL URL"
                  name="pgUrl"
                  value={pgUrl}
                  onChange={(e) => setPgUrl(e.target.value)}
                  placeholder="postgresql://user:password@db.example.com:5432/analytics"
                  autoComplete="off"
                  spellCheck={false}
                  error={errors["spec.sink.url"] ?? errors["spec.sink"]}
                  hint="The password is kept encrypted and never shown again."
                  className="font-mono"
                />
                <div className="grid gap-5 sm:grid-cols-2">
                  <TextField
                    label="Table"
                    name="pgTable"
                    value={pgTable}
                    onChange={(e) => setPgTable(e.target.value)}
                    placeholder="revenue_per_minute"
                    error={errors["spec.sink.table"]}
                    className="font-mono"
                  />
                  <TextField
                    label="Key columns"
                    name="pgKeys"
                    value={pgKeys}
                    onChange={(e) => setPgKeys(e.target.value)}
                    placeholder="window_start, product"
                    error={errorAt(errors, "spec.sink.keyColumns")}
                    hint="Comma-separated; a row is upserted on these."
                    className="font-mono"
                  />
                </div>
              </>
            )}
            <p
              className="rounded-md bg-slate-50 px-3 py-2 text-sm text-slate-700"
              data-testid="sink-guarantee-sentence"
            >
              Delivery guarantee: <strong>{SINK_GUARANTEES[sinkType].guarantee}</strong>.{" "}
              {SINK_GUARANTEES[sinkType].detail}
            </p>
          </div>
        </Card>
      )}

      <Card>
        <CardHeader title="Running" description="How the driver runs, and what happens when it crashes." />
        <div className="flex flex-col gap-5 px-5 py-5">
          {kind === "streaming-sql" && (
            <div className="grid gap-5 sm:grid-cols-3">
              <TextField
                label="Trigger interval"
                name="trigger"
                value={trigger}
                onChange={(e) => setTrigger(e.target.value)}
                error={errors["spec.trigger"]}
                hint='How often a micro-batch starts, e.g. "1 second".'
              />
              <SelectField
                label="Output mode"
                name="outputMode"
                value={outputMode}
                onChange={(e) => setOutputMode(e.target.value as OutputMode)}
                options={OUTPUT_MODES.map((m) => ({ value: m, label: OUTPUT_MODE_LABELS[m] }))}
                error={errors["spec.outputMode"]}
              />
              <SelectField
                label="Starting offsets"
                name="startingOffsets"
                value={startingOffsets}
                onChange={(e) => setStartingOffsets(e.target.value as "earliest" | "latest")}
                options={[
                  { value: "earliest", label: "Earliest — the topics' retained messages first" },
                  { value: "latest", label: "Latest — only messages from now on" },
                ]}
                error={errors["spec.startingOffsets"]}
                hint="Used on the first start only; later starts resume from the checkpoint."
              />
            </div>
          )}
          <div className="grid gap-5 sm:grid-cols-3">
            <TextField
              label="Cores"
              name="cores"
              type="number"
              inputMode="numeric"
              min={1}
              max={JOB_CORES_MAX}
              value={cores}
              onChange={(e) => setCores(e.target.value)}
              error={errors.cores}
              hint={`Executor cores taken from the workers, 1–${JOB_CORES_MAX}.`}
            />
            <TextField
              label="Driver memory (MiB)"
              name="driverMemoryMb"
              type="number"
              inputMode="numeric"
              min={JOB_MEMORY_MB_MIN}
              max={JOB_MEMORY_MB_MAX}
              step={256}
              value={driverMemory}
              onChange={(e) => setDriverMemory(e.target.value)}
              error={errors.driverMemoryMb}
              hint={`${JOB_MEMORY_MB_MIN}–${JOB_MEMORY_MB_MAX} MiB.`}
            />
            <TextField
              label="Executor memory (MiB)"
              name="executorMemoryMb"
              type="number"
              inputMode="numeric"
              min={JOB_MEMORY_MB_MIN}
              max={JOB_MEMORY_MB_MAX}
              step={256}
              value={executorMemory}
              onChange={(e) => setExecutorMemory(e.target.value)}
              error={errors.executorMemoryMb}
              hint="Per executor, on the workers."
            />
          </div>
          <SelectField
            label="Restart policy"
            name="restartPolicy"
            value={restartPolicy}
            onChange={(e) => setRestartPolicy(e.target.value as RestartPolicy)}
            options={RESTART_POLICIES.map((p) => ({ value: p, label: RESTART_LABELS[p] }))}
            error={errors.restartPolicy}
            wrapperClassName="max-w-md"
          />
        </div>
      </Card>

      <div className="flex items-center gap-3">
        <Button type="submit" pending={create.isPending} data-testid="submit-job">
          Submit job
        </Button>
        <Link
          href={`/compute/${computeClusterId}`}
          className="text-sm font-medium text-slate-600 hover:text-slate-900 hover:underline"
        >
          Cancel
        </Link>
      </div>
    </form>
  );
}

function PySparkFields({
  kafkaId,
  script,
  setScript,
  scriptFile,
  setScriptFile,
  args,
  setArgs,
  sources,
  setSources,
  sinkTopics,
  setSinkTopics,
  errors,
}: {
  kafkaId: string;
  script: string;
  setScript: (v: string) => void;
  scriptFile: string;
  setScriptFile: (v: string) => void;
  args: string;
  setArgs: (v: string) => void;
  sources: string[];
  setSources: (v: string[]) => void;
  sinkTopics: string[];
  setSinkTopics: (v: string[]) => void;
  errors: Record<string, string>;
}): ReactNode {
  return (
    <>
      <div className="flex flex-col gap-2">
        <label className="flex flex-wrap items-center gap-3 text-sm text-slate-700">
          <span className="font-medium">Upload a .py file</span>
          <input
            type="file"
            accept=".py,text/x-python,text/plain"
            className="text-sm file:mr-3 file:rounded-md file:border file:border-slate-300 file:bg-white file:px-3 file:py-1.5 file:text-sm file:font-medium"
            onChange={async (e) => {
              const file = e.target.files?.[0];
              if (!file) return;
              setScript(await file.text());
              setScriptFile(file.name);
            }}
            data-testid="script-file"
          />
          {scriptFile && <span className="font-mono text-xs text-slate-500">{scriptFile}</span>}
        </label>
        <CodeField
          label="Script"
          name="script"
          rows={14}
          value={script}
          onChange={(e) => setScript(e.target.value)}
          placeholder={`# \`spark\` is a ready SparkSession; \`weir\` holds the job's Kafka settings.\ndf = spark.read.format("kafka").options(**weir["kafka_options"]).option("subscribe", "orders").load()\ndf.selectExpr("CAST(value AS STRING)").show()`}
          error={errors["spec.script"]}
          hint="Or paste it here. At most 1 MB."
        />
      </div>
      <CodeField
        label="Arguments"
        name="args"
        rows={3}
        value={args}
        onChange={(e) => setArgs(e.target.value)}
        placeholder={"--date\n2026-11-29"}
        error={Object.entries(errors).find(([k]) => k.startsWith("spec.args"))?.[1]}
        hint="One per line, passed to the script as sys.argv[1:]."
      />
      <TopicPicker
        label="Topics it reads"
        clusterId={kafkaId}
        value={sources}
        onChange={setSources}
        error={Object.entries(errors).find(([k]) => k.startsWith("spec.sources"))?.[1]}
        testId="script-sources"
      />
      <TopicPicker
        label="Topics it writes"
        clusterId={kafkaId}
        value={sinkTopics}
        onChange={setSinkTopics}
        error={Object.entries(errors).find(([k]) => k.startsWith("spec.sinkTopics"))?.[1]}
        testId="script-sink-topics"
      />
    </>
  );
}
