-- CreateEnum
CREATE TYPE "ConnectorStatus" AS ENUM ('PROVISIONING', 'RUNNING', 'PAUSED', 'UPDATING', 'DEGRADED', 'FAILED', 'DELETING');

-- AlterEnum
ALTER TYPE "UsageDimension" ADD VALUE 'CONNECT_WORKER_HOURS';

-- CreateTable
CREATE TABLE "connect_clusters" (
    "id" UUID NOT NULL,
    "org_id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "connect_version" TEXT NOT NULL,
    "kafka_cluster_id" UUID,
    "worker_count" INTEGER NOT NULL,
    "worker_instance_type" TEXT NOT NULL,
    "runtime" TEXT NOT NULL DEFAULT 'local',
    "kafka_username" TEXT NOT NULL,
    "kafka_password_encrypted" TEXT NOT NULL,
    "group_id" TEXT NOT NULL,
    "config_topic" TEXT NOT NULL,
    "offset_topic" TEXT NOT NULL,
    "status_topic" TEXT NOT NULL,
    "status" "ResourceStatus" NOT NULL DEFAULT 'PROVISIONING',
    "status_reason" TEXT NOT NULL DEFAULT 'Waiting for the controller',
    "generation" INTEGER NOT NULL DEFAULT 1,
    "observed_generation" INTEGER NOT NULL DEFAULT 0,
    "conditions" JSONB NOT NULL DEFAULT '[]',
    "progress_done" INTEGER NOT NULL DEFAULT 0,
    "progress_total" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "connect_clusters_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "connect_workers" (
    "id" UUID NOT NULL,
    "connect_cluster_id" UUID NOT NULL,
    "index" INTEGER NOT NULL,
    "host" TEXT NOT NULL DEFAULT '127.0.0.1',
    "rest_port" INTEGER NOT NULL,
    "pid" INTEGER,
    "status" "ResourceStatus" NOT NULL DEFAULT 'PROVISIONING',
    "status_reason" TEXT NOT NULL DEFAULT '',
    "started_at" TIMESTAMPTZ(3),
    "last_restart_at" TIMESTAMPTZ(3),
    "restart_count" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "connect_workers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "connectors" (
    "id" UUID NOT NULL,
    "org_id" UUID NOT NULL,
    "connect_cluster_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "plugin" TEXT NOT NULL,
    "connector_class" TEXT NOT NULL,
    "config" JSONB NOT NULL DEFAULT '{}',
    "secrets_encrypted" TEXT,
    "desired_state" TEXT NOT NULL DEFAULT 'RUNNING',
    "restart_requested_at" TIMESTAMPTZ(3),
    "kafka_username" TEXT,
    "kafka_password_encrypted" TEXT,
    "status" "ConnectorStatus" NOT NULL DEFAULT 'PROVISIONING',
    "status_reason" TEXT NOT NULL DEFAULT 'Waiting for the controller',
    "connector_state" TEXT,
    "trace" TEXT,
    "tasks" JSONB NOT NULL DEFAULT '[]',
    "generation" INTEGER NOT NULL DEFAULT 1,
    "observed_generation" INTEGER NOT NULL DEFAULT 0,
    "conditions" JSONB NOT NULL DEFAULT '[]',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "connectors_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "connect_clusters_org_id_idx" ON "connect_clusters"("org_id");

-- CreateIndex
CREATE UNIQUE INDEX "connect_clusters_project_id_name_key" ON "connect_clusters"("project_id", "name");

-- CreateIndex
CREATE UNIQUE INDEX "connect_workers_connect_cluster_id_index_key" ON "connect_workers"("connect_cluster_id", "index");

-- CreateIndex
CREATE INDEX "connectors_org_id_idx" ON "connectors"("org_id");

-- CreateIndex
CREATE UNIQUE INDEX "connectors_connect_cluster_id_name_key" ON "connectors"("connect_cluster_id", "name");

-- AddForeignKey
ALTER TABLE "connect_clusters" ADD CONSTRAINT "connect_clusters_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "connect_clusters" ADD CONSTRAINT "connect_clusters_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "connect_clusters" ADD CONSTRAINT "connect_clusters_kafka_cluster_id_fkey" FOREIGN KEY ("kafka_cluster_id") REFERENCES "kafka_clusters"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "connect_workers" ADD CONSTRAINT "connect_workers_connect_cluster_id_fkey" FOREIGN KEY ("connect_cluster_id") REFERENCES "connect_clusters"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "connectors" ADD CONSTRAINT "connectors_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "connectors" ADD CONSTRAINT "connectors_connect_cluster_id_fkey" FOREIGN KEY ("connect_cluster_id") REFERENCES "connect_clusters"("id") ON DELETE CASCADE ON UPDATE CASCADE;
