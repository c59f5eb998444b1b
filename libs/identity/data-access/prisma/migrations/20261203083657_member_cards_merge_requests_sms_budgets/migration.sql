-- CreateTable
CREATE TABLE "sms_sends" (
    "id" UUID NOT NULL,
    "phone" TEXT NOT NULL,
    "phone_prefix" TEXT NOT NULL,
    "client_key" TEXT,
    "purpose" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sms_sends_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "member_card_codes" (
    "id" UUID NOT NULL,
    "card_number" TEXT NOT NULL,
    "code_hash" TEXT NOT NULL,
    "issued_via" TEXT NOT NULL,
    "issued_by" UUID NOT NULL,
    "holder_user_id" UUID,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "used_at" TIMESTAMPTZ(3),
    "used_by" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "member_card_codes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "merge_requests" (
    "id" UUID NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "requested_by" UUID NOT NULL,
    "source_user_id" UUID NOT NULL,
    "channel" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "reasons" TEXT[],
    "decided_by" UUID,
    "decision_reason" TEXT,
    "merge_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decided_at" TIMESTAMPTZ(3),

    CONSTRAINT "merge_requests_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "sms_sends_client_key_created_at_idx" ON "sms_sends"("client_key", "created_at");

-- CreateIndex
CREATE INDEX "sms_sends_phone_prefix_created_at_idx" ON "sms_sends"("phone_prefix", "created_at");

-- CreateIndex
CREATE INDEX "sms_sends_created_at_idx" ON "sms_sends"("created_at");

-- CreateIndex
CREATE INDEX "member_card_codes_card_number_created_at_idx" ON "member_card_codes"("card_number", "created_at");

-- CreateIndex
CREATE INDEX "merge_requests_status_created_at_idx" ON "merge_requests"("status", "created_at");

-- Constraints Prisma cannot express
ALTER TABLE "member_card_codes" ADD CONSTRAINT "member_card_codes_issued_via_check" CHECK ("issued_via" IN ('sms', 'leader'));
ALTER TABLE "merge_requests" ADD CONSTRAINT "merge_requests_status_check" CHECK ("status" IN ('pending', 'approved', 'rejected'));
ALTER TABLE "merge_requests" ADD CONSTRAINT "merge_requests_decided_check" CHECK (("status" = 'pending') = ("decided_at" IS NULL));
ALTER TABLE "sms_sends" ADD CONSTRAINT "sms_sends_purpose_check" CHECK ("purpose" IN ('sign-in', 'member-card'));
-- One open request per caller and identity: asking again returns the queued one.
CREATE UNIQUE INDEX "merge_requests_one_pending_idx" ON "merge_requests"("requested_by", "channel", "value") WHERE "status" = 'pending';
