// GET /api/v1/clusters/{id}/metrics/prometheus: a Kafka cluster's metrics in Prometheus' text
// format, for a user's own Prometheus to scrape with an API key (a text route: text-routes.ts).
import type { ClusterTextRoute } from "./text-routes.ts";

export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

export const prometheusTextRoute: ClusterTextRoute = {
  suffix: "metrics/prometheus",
  contentType: PROMETHEUS_CONTENT_TYPE,
  load: async (domain, scope, id) => ({ body: await domain.clusters.prometheus(scope, { id }) }),
  openApi: {
    operationId: "clusters-prometheus",
    summary:
      "The cluster's and each broker's metrics in Prometheus' text format (weir_kafka_cluster_*, weir_kafka_broker_* with cluster, cluster_id and broker labels), for a scrape with an API key",
    ok: {
      description: "Prometheus text exposition format 0.0.4",
      content: {
        "text/plain": {
          schema: { type: "string" },
          example:
            '# HELP weir_kafka_broker_bytes_in_total Bytes produced to the broker by clients (replication excluded), since the broker started.\n# TYPE weir_kafka_broker_bytes_in_total counter\nweir_kafka_broker_bytes_in_total{cluster="orders",cluster_id="3f0c…",broker="1"} 1048576\n',
        },
      },
    },
  },
};
