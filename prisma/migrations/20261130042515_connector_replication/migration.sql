-- AlterTable
ALTER TABLE "connectors" ADD COLUMN     "source_kafka_cluster_id" UUID;

-- CreateTable
CREATE TABLE "connector_lag_samples" (
    "id" BIGSERIAL NOT NULL,
    "connector_id" UUID NOT NULL,
    "sampled_at" TIMESTAMPTZ(3) NOT NULL,
    "records" BIGINT NOT NULL,
    "topics" INTEGER NOT NULL,

    CONSTRAINT "connector_lag_samples_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "connector_lag_samples_connector_id_sampled_at_idx" ON "connector_lag_samples"("connector_id", "sampled_at");

-- AddForeignKey
ALTER TABLE "connector_lag_samples" ADD CONSTRAINT "connector_lag_samples_connector_id_fkey" FOREIGN KEY ("connector_id") REFERENCES "connectors"("id") ON DELETE CASCADE ON UPDATE CASCADE;
