"use client";
import { Button, Card, CardHeader, SelectField, Spinner, TextField } from "@weir/ui";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { CodeField } from "@/components/console/code-field";
import { errorBody, errorMessage } from "@/lib/errors";
import { useComputeCluster, useComputeOptions } from "../../hooks";
import { draftFromWorkspace, saveDraft, viewNameFor } from "../jobs/draft";
import { useWorkspaceQuery, type WorkspaceResult } from "../jobs/hooks";
import { ResultTable } from "../jobs/result-table";
import { SchemaField } from "../jobs/schema-field";
import { TopicPicker } from "../jobs/topic-picker";

interface View {
  topic: string;
  view: string;
  schema: string;
}

const LIMITS = [100, 500, 1000].map((n) => ({ value: String(n), label: `Up to ${n} rows` }));

/** Rows in column order (the API sends one object per row, keyed by column name). */
const rowsOf = (r: WorkspaceResult) => r.rows.map((row) => r.columns.map((c) => row[c.name]));

/**
 * Interactive SQL over Kafka topics, answered by the compute cluster's Spark Connect server:
 * each chosen topic is a view (Weir adds the credentials server-side), the rows come back in
 * about a second, and a query worth keeping becomes a streaming job.
 */
export function SqlWorkspaceView({ computeClusterId }: { computeClusterId: string }) {
  const router = useRouter();
  const cluster = useComputeCluster(computeClusterId);
  const options = useComputeOptions();
  const query = useWorkspaceQuery();

  const [kafkaClusterId, setKafkaClusterId] = useState<string | null>(null);
  const [views, setViews] = useState<View[]>([]);
  const [sql, setSql] = useState("");
  const [limit, setLimit] = useState("100");

  const kafkaId = kafkaClusterId ?? cluster.data?.kafkaCluster?.id ?? "";
  const body = errorBody(query.error);
  const fields = body?.fields ?? {};
  const viewError = (i: number, key: "view" | "schema" | "topic") => fields[`views.${i}.${key}`];
  const rawSqlError = query.error
    ? (fields.sql ?? (Object.keys(fields).some((k) => k.startsWith("views.")) ? undefined : errorMessage(query.error)))
    : undefined;
  // Spark's message, then (after its first line) the analysed plan, which only some readers want.
  const nl = rawSqlError?.indexOf("\n") ?? -1;
  const sqlError = nl === -1 ? rawSqlError : rawSqlError!.slice(0, nl);
  const sqlPlan = nl === -1 ? "" : rawSqlError!.slice(nl + 1).trim();

  function setTopics(topics: string[]) {
    const next = topics.map((t) => views.find((v) => v.topic === t) ?? { topic: t, view: viewNameFor(t), schema: "" });
    setViews(next);
    if (!sql.trim() && next[0]) setSql(`SELECT * FROM ${next[0].view} LIMIT 20`);
  }

  const update = (i: number, patch: Partial<View>) => setViews(views.map((v, j) => (j === i ? { ...v, ...patch } : v)));

  function run(e?: FormEvent) {
    e?.preventDefault();
    if (!sql.trim() || query.isPending) return;
    query.mutate({
      id: computeClusterId,
      ...(kafkaId ? { kafkaClusterId: kafkaId } : {}),
      views: views.map((v) => ({
        topic: v.topic,
        view: v.view.trim(),
        ...(v.schema.trim() ? { schema: v.schema.trim() } : {}),
      })),
      sql,
      limit: Number(limit),
    });
  }

  function saveAsJob() {
    const key = saveDraft(draftFromWorkspace(kafkaId, views, sql));
    router.push(`/compute/${computeClusterId}/jobs/new?draft=${key}`);
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

  const result = query.data;
  const notRunning = cluster.data.status !== "RUNNING" && cluster.data.status !== "UPDATING";

  return (
    <div className="grid items-start gap-6 xl:grid-cols-[22rem_minmax(0,1fr)]">
      <Card data-testid="workspace-views">
        <CardHeader
          title="Topics as views"
          description="Each topic is a view in the SQL; credentials stay on the server."
        />
        <div className="flex flex-col gap-5 px-5 py-5">
          <SelectField
            label="Kafka cluster"
            value={kafkaId}
            onChange={(e) => {
              setKafkaClusterId(e.target.value);
              setViews([]);
            }}
            options={[
              ...(kafkaId ? [] : [{ value: "", label: "Choose a Kafka cluster" }]),
              ...options.data.kafkaClusters.map((k) => ({ value: k.id, label: k.name })),
            ]}
            error={fields.kafkaClusterId}
            data-testid="workspace-kafka-cluster"
          />
          <TopicPicker
            label="Topics"
            clusterId={kafkaId}
            value={views.map((v) => v.topic)}
            onChange={setTopics}
            error={fields.views}
            testId="workspace-topics"
          />
          {views.map((v, i) => (
            <fieldset
              key={v.topic}
              className="flex flex-col gap-3 rounded-md border border-slate-200 px-3 py-3"
              data-testid="workspace-view"
              data-topic={v.topic}
            >
              <legend className="px-1 font-mono text-xs text-slate-600">{v.topic}</legend>
              <TextField
                label="View name"
                value={v.view}
                onChange={(e) => update(i, { view: e.target.value })}
                error={viewError(i, "view") ?? viewError(i, "topic")}
                className="font-mono"
                data-testid="workspace-view-name"
              />
              <SchemaField
                kafkaClusterId={kafkaId}
                topic={v.topic}
                value={v.schema}
                onChange={(schema) => update(i, { schema })}
                error={viewError(i, "schema")}
                label="Schema of the JSON values"
                rows={2}
                optional
              />
            </fieldset>
          ))}
        </div>
      </Card>

      <div className="flex min-w-0 flex-col gap-6">
        <Card>
          <form onSubmit={run} className="flex flex-col gap-3 px-5 py-4" data-testid="workspace-form">
            <CodeField
              label="SQL"
              rows={9}
              value={sql}
              onChange={(e) => setSql(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) run(e);
              }}
              placeholder={
                views[0]
                  ? `SELECT * FROM ${views[0].view} LIMIT 20`
                  : "Choose a topic, then query it: SELECT product, SUM(amount) FROM orders GROUP BY product"
              }
              error={sqlError}
              hint="Ctrl+Enter (⌘+Enter) runs the query. Spark SQL; each view reads the topic's current contents."
              data-testid="workspace-sql"
            />
            {sqlPlan && (
              <details className="text-xs text-slate-600" data-testid="workspace-error-plan">
                <summary className="cursor-pointer select-none">Spark&rsquo;s plan of the query</summary>
                <pre className="mt-1 max-h-64 overflow-auto rounded-md bg-slate-50 px-3 py-2 font-mono text-[11px] leading-4">
                  {sqlPlan}
                </pre>
              </details>
            )}
            <div className="flex flex-wrap items-center gap-3">
              <Button type="submit" pending={query.isPending} disabled={!sql.trim()} data-testid="workspace-run">
                Run
              </Button>
              <SelectField
                label="Row limit"
                hideLabel
                value={limit}
                onChange={(e) => setLimit(e.target.value)}
                options={LIMITS}
                wrapperClassName="w-40"
              />
              <Button
                type="button"
                variant="secondary"
                onClick={saveAsJob}
                disabled={!sql.trim() || views.length === 0}
                title={views.length === 0 ? "Choose the topics the job reads first" : undefined}
                data-testid="save-as-job"
              >
                Save as streaming job
              </Button>
              {notRunning && (
                <span className="text-sm text-amber-800">
                  The compute cluster is {cluster.data.status.toLowerCase()}; queries run once it is running.
                </span>
              )}
            </div>
          </form>
        </Card>

        <Card data-testid="workspace-result">
          <CardHeader
            title="Result"
            description={
              result ? (
                <span data-testid="workspace-result-summary">
                  {result.rows.length} {result.rows.length === 1 ? "row" : "rows"}
                  {result.truncated && ` (the first ${limit})`} in {result.elapsedMs} ms
                </span>
              ) : query.isPending ? (
                "Running…"
              ) : (
                "Run a query to see its rows here."
              )
            }
          />
          {query.isPending && !result ? (
            <div className="flex justify-center py-10 text-slate-400">
              <Spinner label="Running the query" />
            </div>
          ) : result ? (
            result.rows.length === 0 ? (
              <p className="px-5 py-8 text-center text-sm text-slate-500">The query returned no rows.</p>
            ) : (
              <div className={query.isPending ? "opacity-60" : undefined}>
                <ResultTable columns={result.columns} rows={rowsOf(result)} />
              </div>
            )
          ) : null}
        </Card>
      </div>
    </div>
  );
}
