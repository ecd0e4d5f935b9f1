-- DropForeignKey
ALTER TABLE "compute_workers" DROP CONSTRAINT "compute_workers_compute_cluster_id_fkey";

-- AlterTable
ALTER TABLE "compute_clusters" DROP COLUMN "master_pid",
DROP COLUMN "ui_url",
ADD COLUMN     "kafka_cluster_id" UUID;

-- DropTable
DROP TABLE "compute_workers";

-- CreateTable
CREATE TABLE "compute_nodes" (
    "id" UUID NOT NULL,
    "compute_cluster_id" UUID NOT NULL,
    "role" TEXT NOT NULL,
    "index" INTEGER NOT NULL,
    "host" TEXT NOT NULL DEFAULT '127.0.0.1',
    "port" INTEGER NOT NULL,
    "ui_port" INTEGER NOT NULL,
    "pid" INTEGER,
    "cores" INTEGER NOT NULL DEFAULT 0,
    "memory_mb" INTEGER NOT NULL DEFAULT 0,
    "status" "ResourceStatus" NOT NULL DEFAULT 'PROVISIONING',
    "status_reason" TEXT NOT NULL DEFAULT '',
    "started_at" TIMESTAMPTZ(3),
    "last_restart_at" TIMESTAMPTZ(3),
    "restart_count" INTEGER NOT NULL DEFAULT 0,
    "spark_id" TEXT,
    "decommission_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "compute_nodes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "compute_metric_samples" (
    "id" BIGSERIAL NOT NULL,
    "compute_cluster_id" UUID NOT NULL,
    "sampled_at" TIMESTAMPTZ(3) NOT NULL,
    "workers_alive" INTEGER NOT NULL,
    "cores_used" INTEGER NOT NULL,
    "cores_total" INTEGER NOT NULL,
    "memory_used_mb" INTEGER NOT NULL,
    "memory_total_mb" INTEGER NOT NULL,
    "running_apps" INTEGER NOT NULL,

    CONSTRAINT "compute_metric_samples_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "compute_nodes_compute_cluster_id_role_index_key" ON "compute_nodes"("compute_cluster_id", "role", "index");

-- CreateIndex
CREATE INDEX "compute_metric_samples_compute_cluster_id_sampled_at_idx" ON "compute_metric_samples"("compute_cluster_id", "sampled_at");

-- AddForeignKey
ALTER TABLE "compute_clusters" ADD CONSTRAINT "compute_clusters_kafka_cluster_id_fkey" FOREIGN KEY ("kafka_cluster_id") REFERENCES "kafka_clusters"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "compute_nodes" ADD CONSTRAINT "compute_nodes_compute_cluster_id_fkey" FOREIGN KEY ("compute_cluster_id") REFERENCES "compute_clusters"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "compute_metric_samples" ADD CONSTRAINT "compute_metric_samples_compute_cluster_id_fkey" FOREIGN KEY ("compute_cluster_id") REFERENCES "compute_clusters"("id") ON DELETE CASCADE ON UPDATE CASCADE;
