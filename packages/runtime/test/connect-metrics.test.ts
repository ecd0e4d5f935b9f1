import { describe, expect, test } from "vitest";
import { connectorThroughput, parseConnectTaskMetrics } from "../src/connect/metrics.ts";

// As the JMX exporter agent renders Connect's task MBeans (type → name, other keys → labels).
const TEXT = `# HELP kafka_connect_sink_task_metrics_sink_record_read_rate The average per-second number of records read
# TYPE kafka_connect_sink_task_metrics_sink_record_read_rate untyped
kafka_connect_sink_task_metrics_sink_record_read_rate{connector="orders-to-pg",task="0",} 2.5
kafka_connect_sink_task_metrics_sink_record_read_total{connector="orders-to-pg",task="0",} 40.0
kafka_connect_sink_task_metrics_sink_record_send_rate{connector="orders-to-pg",task="0",} 2.0
kafka_connect_sink_task_metrics_sink_record_send_total{connector="orders-to-pg",task="0",} 38.0
kafka_connect_sink_task_metrics_sink_record_read_rate{connector="orders-to-pg",task="1",} 1.5
kafka_connect_sink_task_metrics_sink_record_read_total{connector="orders-to-pg",task="1",} 10.0
kafka_connect_sink_task_metrics_sink_record_send_rate{connector="orders-to-pg",task="1",} 1.5
kafka_connect_sink_task_metrics_sink_record_send_total{connector="orders-to-pg",task="1",} 10.0
kafka_connect_sink_task_metrics_offset_commit_seq_no{connector="orders-to-pg",task="0",} 3.0
kafka_connect_source_task_metrics_source_record_poll_rate{connector="shop-cdc",task="0",} 0.5
kafka_connect_source_task_metrics_source_record_poll_total{connector="shop-cdc",task="0",} 7.0
kafka_connect_source_task_metrics_source_record_write_rate{connector="shop-cdc",task="0",} 0.5
kafka_connect_source_task_metrics_source_record_write_total{connector="shop-cdc",task="0",} 7.0
kafka_connect_source_task_metrics_source_record_poll_rate{connector="half",task="0",} 1.0
kafka_connect_source_task_metrics_source_record_poll_rate{connector="hb",task="0"} 2.0
kafka_connect_source_task_metrics_source_record_poll{connector="hb",task="0"} 12.0
kafka_connect_source_task_metrics_source_record_write_rate{connector="hb",task="0"} 2.0
kafka_connect_source_task_metrics_source_record_write{connector="hb",task="0"} 11.0
jvm_threads_current 42.0
`;

describe("a connector's throughput from the workers' task metrics", () => {
  test("each task's records in and out", () => {
    const tasks = parseConnectTaskMetrics(TEXT);
    expect(tasks).toHaveLength(4);
    expect(tasks).toContainEqual({
      connector: "shop-cdc",
      task: 0,
      kind: "source",
      inPerSec: 0.5,
      outPerSec: 0.5,
      inTotal: 7,
      outTotal: 7,
    });
  });

  test("summed per connector over its tasks; none reported is null", () => {
    const tasks = parseConnectTaskMetrics(TEXT);
    expect(connectorThroughput(tasks, "orders-to-pg")).toEqual({
      recordsInPerSec: 4,
      recordsOutPerSec: 3.5,
      recordsInTotal: 50,
      recordsOutTotal: 48,
      tasks: 2,
    });
    expect(connectorThroughput(tasks, "half")).toBeNull();
    // Totals as the exporter's Prometheus client names them (no _total suffix on a gauge).
    expect(connectorThroughput(tasks, "hb")).toMatchObject({ recordsInTotal: 12, recordsOutTotal: 11 });
    expect(connectorThroughput(parseConnectTaskMetrics("garbage"), "x")).toBeNull();
  });
});
