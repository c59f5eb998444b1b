-- CreateTable
CREATE TABLE "referral_facts" (
    "event_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "inviter_user_id" UUID NOT NULL,
    "invitee_user_id" UUID,
    "compound_id" TEXT,
    "pickup_point_id" TEXT,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "referral_facts_pkey" PRIMARY KEY ("event_id")
);

-- CreateIndex
CREATE INDEX "referral_facts_compound_id_occurred_at_idx" ON "referral_facts"("compound_id", "occurred_at");
