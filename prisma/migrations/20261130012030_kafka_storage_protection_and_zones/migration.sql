-- AlterTable
ALTER TABLE "kafka_clusters" ADD COLUMN     "storage_protection" TEXT NOT NULL DEFAULT 'retention-bytes',
ADD COLUMN     "zone_count" INTEGER NOT NULL DEFAULT 1;
