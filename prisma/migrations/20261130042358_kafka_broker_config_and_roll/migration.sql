-- AlterTable
ALTER TABLE "kafka_clusters" ADD COLUMN     "broker_config" JSONB NOT NULL DEFAULT '{}',
ADD COLUMN     "roll" JSONB;

-- AlterTable
ALTER TABLE "brokers" ADD COLUMN     "applied_revision" TEXT;
