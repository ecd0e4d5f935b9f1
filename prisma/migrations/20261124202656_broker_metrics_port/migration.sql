-- AlterTable
ALTER TABLE "brokers" ADD COLUMN     "last_restart_at" TIMESTAMPTZ(3),
ADD COLUMN     "metrics_port" INTEGER;
