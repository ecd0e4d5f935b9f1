-- AlterTable
ALTER TABLE "kafka_clusters" ADD COLUMN     "ca_cert_pem" TEXT,
ADD COLUMN     "ca_key_encrypted" TEXT,
ADD COLUMN     "cert_expires_at" TIMESTAMPTZ(3),
ADD COLUMN     "cert_rotation_requested_at" TIMESTAMPTZ(3),
ADD COLUMN     "plaintext_loopback" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "security_protocol" TEXT NOT NULL DEFAULT 'SASL_PLAINTEXT';

-- Clusters that exist keep their listeners: local brokers SASL_PLAINTEXT, Strimzi's TLS listener
-- SASL_SSL. New clusters default to SASL_SSL.
UPDATE "kafka_clusters" SET "security_protocol" = 'SASL_SSL' WHERE "runtime" = 'kubernetes';
ALTER TABLE "kafka_clusters" ALTER COLUMN "security_protocol" SET DEFAULT 'SASL_SSL';

-- AlterTable
ALTER TABLE "brokers" ADD COLUMN     "cert_expires_at" TIMESTAMPTZ(3),
ADD COLUMN     "cert_issued_at" TIMESTAMPTZ(3),
ADD COLUMN     "cert_key_encrypted" TEXT,
ADD COLUMN     "cert_pem" TEXT,
ADD COLUMN     "plaintext_port" INTEGER;
