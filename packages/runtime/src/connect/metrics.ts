// A connector's throughput from the workers' own task metrics: each worker runs the Prometheus JMX
// exporter agent (as brokers do) limited to Connect's source and sink task MBeans, and these pure
// functions read its text. Records in and out, per task, then summed per connector:
//   source: in = source-record-poll (rows taken from the database), out = source-record-write (to Kafka)
//   sink:   in = sink-record-read (records taken from Kafka),       out = sink-record-send (to the database)
// The *-rate values are Connect's own windowed averages (records per second), the *-total values
// counters since the task started.

/** JMX exporter rules: only Connect's task throughput MBeans. */
export const connectJmxExporterYaml = `lowercaseOutputName: true
includeObjectNames:
  - "kafka.connect:type=source-task-metrics,*"
  - "kafka.connect:type=sink-task-metrics,*"
`;

export interface TaskThroughput {
  connector: string;
  task: number;
  kind: "source" | "sink";
  inPerSec: number;
  outPerSec: number;
  inTotal: number;
  outTotal: number;
}

const ATTRIBUTES = {
  source: { in: "source_record_poll", out: "source_record_write" },
  sink: { in: "sink_record_read", out: "sink_record_send" },
} as const;

const LINE = /^kafka_connect_(source|sink)_task_metrics_([a-z_]+)\{([^}]*)\}\s+(\S+)/;

/** Every task's figures in one worker's exposition (tasks without all four are left out). */
export function parseConnectTaskMetrics(text: string): TaskThroughput[] {
  const tasks = new Map<string, TaskThroughput & { seen: number }>();
  for (const line of text.split("\n")) {
    const m = LINE.exec(line);
    if (!m) continue;
    const kind = m[1] as "source" | "sink";
    const attribute = m[2]!;
    const labels = Object.fromEntries([...m[3]!.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    const value = Number(m[4]);
    if (!labels.connector || labels.task === undefined || !Number.isFinite(value)) continue;
    const key = `${kind}\u0000${labels.connector}\u0000${labels.task}`;
    const t = tasks.get(key) ?? {
      connector: labels.connector,
      task: Number(labels.task),
      kind,
      inPerSec: 0,
      outPerSec: 0,
      inTotal: 0,
      outTotal: 0,
      seen: 0,
    };
    const a = ATTRIBUTES[kind];
    const field =
      attribute === `${a.in}_rate`
        ? "inPerSec"
        : attribute === `${a.out}_rate`
          ? "outPerSec"
          : // The exporter's Prometheus client drops a gauge's reserved _total suffix.
            attribute === `${a.in}_total` || attribute === a.in
            ? "inTotal"
            : attribute === `${a.out}_total` || attribute === a.out
              ? "outTotal"
              : null;
    if (!field) continue;
    t[field] = value;
    t.seen |= { inPerSec: 1, outPerSec: 2, inTotal: 4, outTotal: 8 }[field];
    tasks.set(key, t);
  }
  return [...tasks.values()].filter((t) => t.seen === 15).map(({ seen: _seen, ...t }) => t);
}

export interface ConnectorThroughput {
  recordsInPerSec: number;
  recordsOutPerSec: number;
  recordsInTotal: number;
  recordsOutTotal: number;
  /** How many of its tasks reported. */
  tasks: number;
}

/** One connector's figures summed over its tasks (from every worker), or null when none reported. */
export function connectorThroughput(tasks: TaskThroughput[], connector: string): ConnectorThroughput | null {
  const mine = tasks.filter((t) => t.connector === connector);
  if (mine.length === 0) return null;
  const sum = (f: (t: TaskThroughput) => number) => mine.reduce((n, t) => n + f(t), 0);
  return {
    recordsInPerSec: sum((t) => t.inPerSec),
    recordsOutPerSec: sum((t) => t.outPerSec),
    recordsInTotal: sum((t) => t.inTotal),
    recordsOutTotal: sum((t) => t.outTotal),
    tasks: mine.length,
  };
}
