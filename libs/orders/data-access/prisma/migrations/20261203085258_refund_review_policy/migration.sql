-- AlterTable
ALTER TABLE "refunds" ADD COLUMN     "auto_approved" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "decided_at" TIMESTAMPTZ(3),
ADD COLUMN     "decided_by" UUID,
ADD COLUMN     "decision_reason" TEXT,
ADD COLUMN     "review_reason" TEXT;

-- CreateIndex
CREATE INDEX "refunds_requested_by_created_at_idx" ON "refunds"("requested_by", "created_at");

-- CreateIndex
CREATE INDEX "refunds_status_created_at_idx" ON "refunds"("status", "created_at");

-- Constraints Prisma cannot express
ALTER TABLE "refunds" DROP CONSTRAINT "refunds_check";
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_check" CHECK ("amount_cents" > 0 AND "status" IN ('succeeded', 'failed', 'pending_review', 'rejected') AND "reason" IN ('shortage', 'quality', 'cancellation', 'min-group-unmet', 'late-payment', 'duplicate-payment'));
-- A decided review names who decided it; a pending one is undecided.
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_review_decided_check"
  CHECK (("status" = 'pending_review' AND "decided_at" IS NULL) OR "status" <> 'pending_review');
-- One complaint under review per order at a time.
CREATE UNIQUE INDEX "refunds_one_review_per_order_idx" ON "refunds"("order_id") WHERE "status" = 'pending_review';
