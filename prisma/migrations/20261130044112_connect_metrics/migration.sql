-- AlterTable
ALTER TABLE "connect_workers" ADD COLUMN     "metrics_port" INTEGER;

-- AlterTable
ALTER TABLE "connectors" ADD COLUMN     "throughput" JSONB;
