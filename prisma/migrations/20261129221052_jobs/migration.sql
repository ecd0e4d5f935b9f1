-- AlterEnum
BEGIN;
CREATE TYPE "JobStatus_new" AS ENUM ('QUEUED', 'STARTING', 'RUNNING', 'STOPPING', 'STOPPED', 'FINISHED', 'FAILED', 'DELETING');
ALTER TABLE "jobs" ALTER COLUMN "status" DROP DEFAULT;
ALTER TABLE "jobs" ALTER COLUMN "status" TYPE "JobStatus_new" USING ("status"::text::"JobStatus_new");
ALTER TYPE "JobStatus" RENAME TO "JobStatus_old";
ALTER TYPE "JobStatus_new" RENAME TO "JobStatus";
DROP TYPE "JobStatus_old";
ALTER TABLE "jobs" ALTER COLUMN "status" SET DEFAULT 'QUEUED';
COMMIT;

-- AlterTable
ALTER TABLE "jobs" DROP COLUMN "exit_code",
DROP COLUMN "spark_driver_id",
DROP COLUMN "submitted_at",
ADD COLUMN     "application_id" TEXT,
ADD COLUMN     "attempt" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN     "cores" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN     "desired_state" TEXT NOT NULL DEFAULT 'running',
ADD COLUMN     "driver_memory_mb" INTEGER NOT NULL DEFAULT 1024,
ADD COLUMN     "error_class" TEXT,
ADD COLUMN     "executor_memory_mb" INTEGER NOT NULL DEFAULT 1024,
ADD COLUMN     "kafka_cluster_id" UUID,
ADD COLUMN     "kafka_password_encrypted" TEXT,
ADD COLUMN     "kafka_username" TEXT,
ADD COLUMN     "kind" TEXT NOT NULL,
ADD COLUMN     "last_restart_at" TIMESTAMPTZ(3),
ADD COLUMN     "org_id" UUID NOT NULL,
ADD COLUMN     "pid" INTEGER,
ADD COLUMN     "progress_read_bytes" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "restart_count" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "restart_policy" TEXT NOT NULL DEFAULT 'on-failure',
ADD COLUMN     "sink_secret_encrypted" TEXT,
ADD COLUMN     "ui_port" INTEGER,
ALTER COLUMN "status" SET DEFAULT 'QUEUED';

-- CreateTable
CREATE TABLE "job_progress_samples" (
    "id" BIGSERIAL NOT NULL,
    "job_id" UUID NOT NULL,
    "batch_id" INTEGER NOT NULL,
    "sampled_at" TIMESTAMPTZ(3) NOT NULL,
    "num_input_rows" BIGINT NOT NULL,
    "input_rows_per_sec" DOUBLE PRECISION NOT NULL,
    "processed_rows_per_sec" DOUBLE PRECISION NOT NULL,
    "batch_duration_ms" INTEGER NOT NULL,
    "offsets_behind" BIGINT NOT NULL,
    "watermark" TIMESTAMPTZ(3),
    "state_rows" BIGINT NOT NULL,

    CONSTRAINT "job_progress_samples_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "job_progress_samples_job_id_sampled_at_idx" ON "job_progress_samples"("job_id", "sampled_at");

-- CreateIndex
CREATE INDEX "jobs_org_id_idx" ON "jobs"("org_id");

-- CreateIndex
CREATE UNIQUE INDEX "jobs_compute_cluster_id_name_key" ON "jobs"("compute_cluster_id", "name");

-- AddForeignKey
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "job_progress_samples" ADD CONSTRAINT "job_progress_samples_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
