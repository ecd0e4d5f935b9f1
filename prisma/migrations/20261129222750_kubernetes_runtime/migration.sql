-- AlterTable
ALTER TABLE "kafka_clusters" ADD COLUMN     "runtime" TEXT NOT NULL DEFAULT 'local';

-- AlterTable
ALTER TABLE "compute_clusters" ADD COLUMN     "runtime" TEXT NOT NULL DEFAULT 'local';
