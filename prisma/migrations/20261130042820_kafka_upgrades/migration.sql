-- AlterTable
ALTER TABLE "kafka_clusters" ADD COLUMN     "metadata_version" TEXT;

-- AlterTable
ALTER TABLE "brokers" ADD COLUMN     "kafka_version" TEXT;
