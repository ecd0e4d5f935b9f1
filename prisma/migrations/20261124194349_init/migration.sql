-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('OWNER', 'ADMIN', 'DEVELOPER', 'VIEWER');

-- CreateEnum
CREATE TYPE "ResourceStatus" AS ENUM ('PROVISIONING', 'READY', 'RUNNING', 'UPDATING', 'DEGRADED', 'DELETING', 'FAILED');

-- CreateEnum
CREATE TYPE "ActorType" AS ENUM ('USER', 'API_KEY', 'SYSTEM');

-- CreateEnum
CREATE TYPE "EventType" AS ENUM ('NORMAL', 'WARNING');

-- CreateEnum
CREATE TYPE "AclResourceType" AS ENUM ('TOPIC', 'GROUP', 'CLUSTER', 'TRANSACTIONAL_ID');

-- CreateEnum
CREATE TYPE "AclPatternType" AS ENUM ('LITERAL', 'PREFIXED');

-- CreateEnum
CREATE TYPE "AclPermission" AS ENUM ('ALLOW', 'DENY');

-- CreateEnum
CREATE TYPE "JobStatus" AS ENUM ('PENDING', 'SUBMITTED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLING', 'CANCELLED');

-- CreateEnum
CREATE TYPE "UsageDimension" AS ENUM ('BROKER_HOURS', 'STORAGE_GB_HOURS', 'DATA_IN_GB', 'DATA_OUT_GB', 'COMPUTE_NODE_HOURS');

-- CreateEnum
CREATE TYPE "InvoiceStatus" AS ENUM ('OPEN', 'FINAL');

-- CreateTable
CREATE TABLE "users" (
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "password_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sessions" (
    "id" UUID NOT NULL,
    "token_hash" TEXT NOT NULL,
    "user_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ip" TEXT,
    "user_agent" TEXT,

    CONSTRAINT "sessions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "organizations" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "status" "ResourceStatus" NOT NULL DEFAULT 'PROVISIONING',
    "status_reason" TEXT NOT NULL DEFAULT 'Waiting for the controller',
    "generation" INTEGER NOT NULL DEFAULT 1,
    "observed_generation" INTEGER NOT NULL DEFAULT 0,
    "conditions" JSONB NOT NULL DEFAULT '[]',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "organizations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "memberships" (
    "org_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "role" "Role" NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "memberships_pkey" PRIMARY KEY ("org_id","user_id")
);

-- CreateTable
CREATE TABLE "projects" (
    "id" UUID NOT NULL,
    "org_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "is_default" BOOLEAN NOT NULL DEFAULT false,
    "max_kafka_clusters" INTEGER NOT NULL,
    "max_brokers_per_cluster" INTEGER NOT NULL,
    "max_storage_gb_per_broker" INTEGER NOT NULL,
    "max_compute_clusters" INTEGER NOT NULL,
    "max_workers_per_cluster" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "projects_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_keys" (
    "id" UUID NOT NULL,
    "org_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "prefix" TEXT NOT NULL,
    "key_hash" TEXT NOT NULL,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_events" (
    "id" BIGSERIAL NOT NULL,
    "org_id" UUID,
    "actor_type" "ActorType" NOT NULL,
    "actor_id" TEXT,
    "actor_label" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "resource_type" TEXT NOT NULL,
    "resource_id" TEXT,
    "resource_name" TEXT,
    "details" JSONB NOT NULL DEFAULT '{}',
    "ip" TEXT,
    "user_agent" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "resource_events" (
    "id" BIGSERIAL NOT NULL,
    "org_id" UUID,
    "kind" TEXT NOT NULL,
    "resource_id" TEXT NOT NULL,
    "type" "EventType" NOT NULL,
    "reason" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "resource_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "kafka_clusters" (
    "id" UUID NOT NULL,
    "org_id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "kafka_version" TEXT NOT NULL,
    "broker_count" INTEGER NOT NULL,
    "broker_instance_type" TEXT NOT NULL,
    "storage_gb_per_broker" INTEGER NOT NULL,
    "sasl_mechanism" TEXT NOT NULL DEFAULT 'SCRAM-SHA-512',
    "bootstrap_servers" TEXT,
    "kafka_cluster_id" TEXT,
    "admin_username" TEXT,
    "admin_password_encrypted" TEXT,
    "ca_cert_pem" TEXT,
    "status" "ResourceStatus" NOT NULL DEFAULT 'PROVISIONING',
    "status_reason" TEXT NOT NULL DEFAULT 'Waiting for the controller',
    "generation" INTEGER NOT NULL DEFAULT 1,
    "observed_generation" INTEGER NOT NULL DEFAULT 0,
    "conditions" JSONB NOT NULL DEFAULT '[]',
    "progress_done" INTEGER NOT NULL DEFAULT 0,
    "progress_total" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "kafka_clusters_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "brokers" (
    "id" UUID NOT NULL,
    "cluster_id" UUID NOT NULL,
    "node_id" INTEGER NOT NULL,
    "roles" TEXT NOT NULL DEFAULT 'broker,controller',
    "host" TEXT NOT NULL DEFAULT '127.0.0.1',
    "port" INTEGER,
    "controller_port" INTEGER,
    "status" "ResourceStatus" NOT NULL DEFAULT 'PROVISIONING',
    "status_reason" TEXT NOT NULL DEFAULT '',
    "pid" INTEGER,
    "started_at" TIMESTAMPTZ(3),
    "restart_count" INTEGER NOT NULL DEFAULT 0,
    "last_exit_code" INTEGER,
    "data_dir" TEXT,
    "disk_used_bytes" BIGINT NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "brokers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "topics" (
    "id" UUID NOT NULL,
    "cluster_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "partitions" INTEGER NOT NULL,
    "replication_factor" INTEGER NOT NULL,
    "configs" JSONB NOT NULL DEFAULT '{}',
    "managed" BOOLEAN NOT NULL DEFAULT true,
    "drift" JSONB,
    "status" "ResourceStatus" NOT NULL DEFAULT 'PROVISIONING',
    "status_reason" TEXT NOT NULL DEFAULT 'Waiting for the controller',
    "generation" INTEGER NOT NULL DEFAULT 1,
    "observed_generation" INTEGER NOT NULL DEFAULT 0,
    "conditions" JSONB NOT NULL DEFAULT '[]',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "topics_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "kafka_users" (
    "id" UUID NOT NULL,
    "cluster_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "mechanism" TEXT NOT NULL DEFAULT 'SCRAM-SHA-512',
    "iterations" INTEGER NOT NULL DEFAULT 8192,
    "pending_password_encrypted" TEXT,
    "password_set_at" TIMESTAMPTZ(3),
    "status" "ResourceStatus" NOT NULL DEFAULT 'PROVISIONING',
    "status_reason" TEXT NOT NULL DEFAULT 'Waiting for the controller',
    "generation" INTEGER NOT NULL DEFAULT 1,
    "observed_generation" INTEGER NOT NULL DEFAULT 0,
    "conditions" JSONB NOT NULL DEFAULT '[]',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "kafka_users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "acls" (
    "id" UUID NOT NULL,
    "cluster_id" UUID NOT NULL,
    "principal" TEXT NOT NULL,
    "resource_type" "AclResourceType" NOT NULL,
    "resource_name" TEXT NOT NULL,
    "pattern_type" "AclPatternType" NOT NULL,
    "operation" TEXT NOT NULL,
    "permission" "AclPermission" NOT NULL,
    "host" TEXT NOT NULL DEFAULT '*',
    "status" "ResourceStatus" NOT NULL DEFAULT 'PROVISIONING',
    "status_reason" TEXT NOT NULL DEFAULT 'Waiting for the controller',
    "generation" INTEGER NOT NULL DEFAULT 1,
    "observed_generation" INTEGER NOT NULL DEFAULT 0,
    "conditions" JSONB NOT NULL DEFAULT '[]',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "acls_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "cluster_metric_samples" (
    "id" BIGSERIAL NOT NULL,
    "cluster_id" UUID NOT NULL,
    "node_id" INTEGER,
    "sampled_at" TIMESTAMPTZ(3) NOT NULL,
    "bytes_in_per_sec" DOUBLE PRECISION NOT NULL,
    "bytes_out_per_sec" DOUBLE PRECISION NOT NULL,
    "messages_in_per_sec" DOUBLE PRECISION NOT NULL,
    "partitions" INTEGER NOT NULL,
    "under_replicated" INTEGER NOT NULL,
    "disk_used_bytes" BIGINT NOT NULL,
    "bytes_in_total" BIGINT NOT NULL DEFAULT 0,
    "bytes_out_total" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "cluster_metric_samples_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "compute_clusters" (
    "id" UUID NOT NULL,
    "org_id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "spark_version" TEXT NOT NULL,
    "worker_count" INTEGER NOT NULL,
    "worker_instance_type" TEXT NOT NULL,
    "master_url" TEXT,
    "master_pid" INTEGER,
    "ui_url" TEXT,
    "status" "ResourceStatus" NOT NULL DEFAULT 'PROVISIONING',
    "status_reason" TEXT NOT NULL DEFAULT 'Waiting for the controller',
    "generation" INTEGER NOT NULL DEFAULT 1,
    "observed_generation" INTEGER NOT NULL DEFAULT 0,
    "conditions" JSONB NOT NULL DEFAULT '[]',
    "progress_done" INTEGER NOT NULL DEFAULT 0,
    "progress_total" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "compute_clusters_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "compute_workers" (
    "id" UUID NOT NULL,
    "compute_cluster_id" UUID NOT NULL,
    "index" INTEGER NOT NULL,
    "host" TEXT NOT NULL DEFAULT '127.0.0.1',
    "port" INTEGER,
    "pid" INTEGER,
    "cores" INTEGER NOT NULL,
    "memory_mb" INTEGER NOT NULL,
    "status" "ResourceStatus" NOT NULL DEFAULT 'PROVISIONING',
    "status_reason" TEXT NOT NULL DEFAULT '',
    "started_at" TIMESTAMPTZ(3),
    "restart_count" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "compute_workers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "jobs" (
    "id" UUID NOT NULL,
    "compute_cluster_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "spec" JSONB NOT NULL,
    "spark_driver_id" TEXT,
    "status" "JobStatus" NOT NULL DEFAULT 'PENDING',
    "status_reason" TEXT NOT NULL DEFAULT 'Waiting for the controller',
    "generation" INTEGER NOT NULL DEFAULT 1,
    "observed_generation" INTEGER NOT NULL DEFAULT 0,
    "conditions" JSONB NOT NULL DEFAULT '[]',
    "submitted_at" TIMESTAMPTZ(3),
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "exit_code" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "jobs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "price_book_versions" (
    "id" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "effective_from" TIMESTAMPTZ(3) NOT NULL,
    "currency" TEXT NOT NULL DEFAULT 'USD',
    "notes" TEXT NOT NULL DEFAULT '',
    "published_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "price_book_versions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "prices" (
    "id" UUID NOT NULL,
    "version_id" UUID NOT NULL,
    "sku" TEXT NOT NULL,
    "dimension" "UsageDimension" NOT NULL,
    "unit" TEXT NOT NULL,
    "unit_price" DECIMAL(18,6) NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "vcpu" INTEGER,
    "memory_gib" DECIMAL(10,2),

    CONSTRAINT "prices_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "run_intervals" (
    "id" UUID NOT NULL,
    "org_id" UUID NOT NULL,
    "resource_kind" TEXT NOT NULL,
    "resource_id" TEXT NOT NULL,
    "resource_name" TEXT NOT NULL,
    "instance_id" TEXT NOT NULL,
    "dimension" "UsageDimension" NOT NULL,
    "sku" TEXT NOT NULL,
    "quantity" DECIMAL(18,6) NOT NULL DEFAULT 1,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "ended_at" TIMESTAMPTZ(3),

    CONSTRAINT "run_intervals_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "usage_records" (
    "id" UUID NOT NULL,
    "org_id" UUID NOT NULL,
    "resource_kind" TEXT NOT NULL,
    "resource_id" TEXT NOT NULL,
    "resource_name" TEXT NOT NULL,
    "dimension" "UsageDimension" NOT NULL,
    "sku" TEXT NOT NULL,
    "hour_start" TIMESTAMPTZ(3) NOT NULL,
    "quantity" DECIMAL(18,6) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "usage_records_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "invoices" (
    "id" UUID NOT NULL,
    "org_id" UUID NOT NULL,
    "period_start" TIMESTAMPTZ(3) NOT NULL,
    "period_end" TIMESTAMPTZ(3) NOT NULL,
    "price_book_version_id" UUID NOT NULL,
    "status" "InvoiceStatus" NOT NULL DEFAULT 'OPEN',
    "currency" TEXT NOT NULL DEFAULT 'USD',
    "subtotal" DECIMAL(18,2) NOT NULL,
    "total" DECIMAL(18,2) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finalized_at" TIMESTAMPTZ(3),

    CONSTRAINT "invoices_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "invoice_lines" (
    "id" UUID NOT NULL,
    "invoice_id" UUID NOT NULL,
    "resource_kind" TEXT NOT NULL,
    "resource_id" TEXT NOT NULL,
    "resource_name" TEXT NOT NULL,
    "dimension" "UsageDimension" NOT NULL,
    "sku" TEXT NOT NULL,
    "quantity" DECIMAL(18,6) NOT NULL,
    "unit" TEXT NOT NULL,
    "unit_price" DECIMAL(18,6) NOT NULL,
    "amount" DECIMAL(18,2) NOT NULL,

    CONSTRAINT "invoice_lines_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "budgets" (
    "org_id" UUID NOT NULL,
    "monthly_amount" DECIMAL(18,2) NOT NULL,
    "threshold_percent" INTEGER NOT NULL DEFAULT 80,
    "notified_period" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "budgets_pkey" PRIMARY KEY ("org_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");

-- CreateIndex
CREATE UNIQUE INDEX "sessions_token_hash_key" ON "sessions"("token_hash");

-- CreateIndex
CREATE INDEX "sessions_user_id_idx" ON "sessions"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "organizations_slug_key" ON "organizations"("slug");

-- CreateIndex
CREATE INDEX "memberships_user_id_idx" ON "memberships"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "projects_org_id_name_key" ON "projects"("org_id", "name");

-- CreateIndex
CREATE UNIQUE INDEX "api_keys_key_hash_key" ON "api_keys"("key_hash");

-- CreateIndex
CREATE INDEX "api_keys_org_id_idx" ON "api_keys"("org_id");

-- CreateIndex
CREATE INDEX "audit_events_org_id_id_idx" ON "audit_events"("org_id", "id" DESC);

-- CreateIndex
CREATE INDEX "audit_events_org_id_action_id_idx" ON "audit_events"("org_id", "action", "id" DESC);

-- CreateIndex
CREATE INDEX "audit_events_org_id_actor_id_id_idx" ON "audit_events"("org_id", "actor_id", "id" DESC);

-- CreateIndex
CREATE INDEX "audit_events_org_id_resource_type_resource_id_id_idx" ON "audit_events"("org_id", "resource_type", "resource_id", "id" DESC);

-- CreateIndex
CREATE INDEX "resource_events_kind_resource_id_id_idx" ON "resource_events"("kind", "resource_id", "id" DESC);

-- CreateIndex
CREATE INDEX "kafka_clusters_org_id_idx" ON "kafka_clusters"("org_id");

-- CreateIndex
CREATE UNIQUE INDEX "kafka_clusters_project_id_name_key" ON "kafka_clusters"("project_id", "name");

-- CreateIndex
CREATE UNIQUE INDEX "brokers_cluster_id_node_id_key" ON "brokers"("cluster_id", "node_id");

-- CreateIndex
CREATE UNIQUE INDEX "topics_cluster_id_name_key" ON "topics"("cluster_id", "name");

-- CreateIndex
CREATE UNIQUE INDEX "kafka_users_cluster_id_name_key" ON "kafka_users"("cluster_id", "name");

-- CreateIndex
CREATE UNIQUE INDEX "acls_cluster_id_principal_resource_type_resource_name_patte_key" ON "acls"("cluster_id", "principal", "resource_type", "resource_name", "pattern_type", "operation", "permission", "host");

-- CreateIndex
CREATE INDEX "cluster_metric_samples_cluster_id_sampled_at_idx" ON "cluster_metric_samples"("cluster_id", "sampled_at");

-- CreateIndex
CREATE INDEX "compute_clusters_org_id_idx" ON "compute_clusters"("org_id");

-- CreateIndex
CREATE UNIQUE INDEX "compute_clusters_project_id_name_key" ON "compute_clusters"("project_id", "name");

-- CreateIndex
CREATE UNIQUE INDEX "compute_workers_compute_cluster_id_index_key" ON "compute_workers"("compute_cluster_id", "index");

-- CreateIndex
CREATE INDEX "jobs_compute_cluster_id_created_at_idx" ON "jobs"("compute_cluster_id", "created_at" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "price_book_versions_version_key" ON "price_book_versions"("version");

-- CreateIndex
CREATE UNIQUE INDEX "prices_version_id_dimension_sku_key" ON "prices"("version_id", "dimension", "sku");

-- CreateIndex
CREATE INDEX "run_intervals_org_id_started_at_idx" ON "run_intervals"("org_id", "started_at");

-- CreateIndex
CREATE INDEX "run_intervals_instance_id_dimension_idx" ON "run_intervals"("instance_id", "dimension");

-- CreateIndex
CREATE INDEX "usage_records_org_id_hour_start_idx" ON "usage_records"("org_id", "hour_start");

-- CreateIndex
CREATE UNIQUE INDEX "usage_records_resource_id_dimension_sku_hour_start_key" ON "usage_records"("resource_id", "dimension", "sku", "hour_start");

-- CreateIndex
CREATE UNIQUE INDEX "invoices_org_id_period_start_key" ON "invoices"("org_id", "period_start");

-- CreateIndex
CREATE INDEX "invoice_lines_invoice_id_idx" ON "invoice_lines"("invoice_id");

-- AddForeignKey
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "projects" ADD CONSTRAINT "projects_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "kafka_clusters" ADD CONSTRAINT "kafka_clusters_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "kafka_clusters" ADD CONSTRAINT "kafka_clusters_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "brokers" ADD CONSTRAINT "brokers_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "kafka_clusters"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "topics" ADD CONSTRAINT "topics_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "kafka_clusters"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "kafka_users" ADD CONSTRAINT "kafka_users_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "kafka_clusters"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "acls" ADD CONSTRAINT "acls_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "kafka_clusters"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "cluster_metric_samples" ADD CONSTRAINT "cluster_metric_samples_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "kafka_clusters"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "compute_clusters" ADD CONSTRAINT "compute_clusters_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "compute_clusters" ADD CONSTRAINT "compute_clusters_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "compute_workers" ADD CONSTRAINT "compute_workers_compute_cluster_id_fkey" FOREIGN KEY ("compute_cluster_id") REFERENCES "compute_clusters"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_compute_cluster_id_fkey" FOREIGN KEY ("compute_cluster_id") REFERENCES "compute_clusters"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "prices" ADD CONSTRAINT "prices_version_id_fkey" FOREIGN KEY ("version_id") REFERENCES "price_book_versions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "run_intervals" ADD CONSTRAINT "run_intervals_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "usage_records" ADD CONSTRAINT "usage_records_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_price_book_version_id_fkey" FOREIGN KEY ("price_book_version_id") REFERENCES "price_book_versions"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "invoice_lines" ADD CONSTRAINT "invoice_lines_invoice_id_fkey" FOREIGN KEY ("invoice_id") REFERENCES "invoices"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "budgets" ADD CONSTRAINT "budgets_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
