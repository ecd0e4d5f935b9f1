-- AlterTable
ALTER TABLE "sessions" ADD COLUMN     "must_rotate" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "previous_token_hash" TEXT,
ADD COLUMN     "previous_valid_until" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "organizations" ADD COLUMN     "api_key_requests_per_minute" INTEGER NOT NULL DEFAULT 6000;

-- CreateTable
CREATE TABLE "rate_limit_counters" (
    "key" TEXT NOT NULL,
    "count" INTEGER NOT NULL,
    "window_ends" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "rate_limit_counters_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "rate_limit_counters_window_ends_idx" ON "rate_limit_counters"("window_ends");

-- CreateIndex
CREATE UNIQUE INDEX "sessions_previous_token_hash_key" ON "sessions"("previous_token_hash");
