-- AlterEnum
ALTER TYPE "UsageDimension" ADD VALUE 'JOB_HOURS';
