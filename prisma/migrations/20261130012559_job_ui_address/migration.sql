-- AlterTable
ALTER TABLE "jobs" ADD COLUMN     "ui_address" TEXT;
