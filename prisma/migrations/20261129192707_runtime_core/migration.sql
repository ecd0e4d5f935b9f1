-- AlterTable
ALTER TABLE "sessions" DROP COLUMN "last_seen_at";

-- AlterTable
ALTER TABLE "kafka_clusters" DROP COLUMN "ca_cert_pem";

-- AlterTable
ALTER TABLE "brokers" DROP COLUMN "data_dir",
DROP COLUMN "last_exit_code";

-- CreateTable
CREATE TABLE "port_leases" (
    "port" INTEGER NOT NULL,
    "owner_kind" TEXT NOT NULL,
    "owner_id" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "leased_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "port_leases_pkey" PRIMARY KEY ("port")
);

-- CreateTable
CREATE TABLE "task_leases" (
    "name" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "task_leases_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE INDEX "port_leases_owner_id_idx" ON "port_leases"("owner_id");

-- Ports the brokers of existing clusters hold become leases.
INSERT INTO "port_leases" ("port", "owner_kind", "owner_id", "purpose")
SELECT p.port, 'KafkaCluster', b.id::text, p.purpose
FROM "brokers" b
CROSS JOIN LATERAL (VALUES (b.port, 'listener'), (b.controller_port, 'controller'), (b.metrics_port, 'metrics')) AS p(port, purpose)
WHERE p.port IS NOT NULL
ON CONFLICT DO NOTHING;
