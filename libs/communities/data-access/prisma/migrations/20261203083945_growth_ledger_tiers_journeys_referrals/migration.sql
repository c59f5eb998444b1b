-- CreateTable
CREATE TABLE "growth_members" (
    "user_id" UUID NOT NULL,
    "compound_id" TEXT,
    "pickup_point_id" UUID,
    "registered_at" TIMESTAMPTZ(3),
    "tier" TEXT NOT NULL DEFAULT 'newcomer',
    "tier_since" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "granted_tier" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "growth_members_pkey" PRIMARY KEY ("user_id")
);

-- CreateTable
CREATE TABLE "points_balances" (
    "user_id" UUID NOT NULL,
    "available" INTEGER NOT NULL DEFAULT 0,
    "held" INTEGER NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "points_balances_pkey" PRIMARY KEY ("user_id")
);

-- CreateTable
CREATE TABLE "points_entries" (
    "id" UUID NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "user_id" UUID NOT NULL,
    "description" TEXT NOT NULL,
    "reference" TEXT,
    "rules_version" TEXT,
    "expires_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "points_entries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "points_lines" (
    "entry_id" UUID NOT NULL,
    "account" TEXT NOT NULL,
    "user_id" UUID,
    "amount" INTEGER NOT NULL,

    CONSTRAINT "points_lines_pkey" PRIMARY KEY ("entry_id","account")
);

-- CreateTable
CREATE TABLE "points_reservations" (
    "id" UUID NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "user_id" UUID NOT NULL,
    "points" INTEGER NOT NULL,
    "reference_kind" TEXT NOT NULL,
    "reference_id" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'held',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "settled_at" TIMESTAMPTZ(3),

    CONSTRAINT "points_reservations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "points_redemptions" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "reward_id" TEXT NOT NULL,
    "cost" INTEGER NOT NULL,
    "entry_id" UUID NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "redeemed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "points_redemptions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "growth_activities" (
    "source_key" TEXT NOT NULL,
    "user_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "weight" INTEGER NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "growth_activities_pkey" PRIMARY KEY ("source_key")
);

-- CreateTable
CREATE TABLE "growth_tier_changes" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "from_tier" TEXT,
    "to_tier" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "note" TEXT,
    "rules_version" TEXT NOT NULL,
    "changed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "growth_tier_changes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "growth_tier_reviews" (
    "month" TEXT NOT NULL,
    "ran_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "reviewed" INTEGER NOT NULL,
    "downgraded" INTEGER NOT NULL,

    CONSTRAINT "growth_tier_reviews_pkey" PRIMARY KEY ("month")
);

-- CreateTable
CREATE TABLE "growth_badges" (
    "user_id" UUID NOT NULL,
    "badge_id" TEXT NOT NULL,
    "awarded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "growth_badges_pkey" PRIMARY KEY ("user_id","badge_id")
);

-- CreateTable
CREATE TABLE "growth_journey_enrolments" (
    "user_id" UUID NOT NULL,
    "journey_id" TEXT NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "completed_at" TIMESTAMPTZ(3),

    CONSTRAINT "growth_journey_enrolments_pkey" PRIMARY KEY ("user_id","journey_id")
);

-- CreateTable
CREATE TABLE "growth_journey_steps" (
    "user_id" UUID NOT NULL,
    "journey_id" TEXT NOT NULL,
    "step_id" TEXT NOT NULL,
    "day" INTEGER NOT NULL,
    "completed_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "growth_journey_steps_pkey" PRIMARY KEY ("user_id","journey_id","step_id")
);

-- CreateTable
CREATE TABLE "growth_journey_nudges" (
    "user_id" UUID NOT NULL,
    "journey_id" TEXT NOT NULL,
    "step_id" TEXT NOT NULL,
    "nudged_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "growth_journey_nudges_pkey" PRIMARY KEY ("user_id","journey_id","step_id")
);

-- CreateTable
CREATE TABLE "growth_invite_codes" (
    "code" TEXT NOT NULL,
    "user_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "growth_invite_codes_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "growth_invite_shares" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "channel" TEXT NOT NULL,
    "shared_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "growth_invite_shares_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "growth_referrals" (
    "invitee_user_id" UUID NOT NULL,
    "inviter_user_id" UUID NOT NULL,
    "code" TEXT NOT NULL,
    "via" TEXT NOT NULL,
    "attributed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "converted_at" TIMESTAMPTZ(3),
    "conversion_order_id" UUID,

    CONSTRAINT "growth_referrals_pkey" PRIMARY KEY ("invitee_user_id")
);

-- CreateTable
CREATE TABLE "growth_referral_refusals" (
    "id" UUID NOT NULL,
    "invitee_user_id" UUID NOT NULL,
    "code" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "refused_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "growth_referral_refusals_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "growth_proposals" (
    "proposal_id" UUID NOT NULL,
    "community_id" UUID,
    "proposer_user_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "growth_proposals_pkey" PRIMARY KEY ("proposal_id")
);

-- CreateTable
CREATE TABLE "growth_proposal_backings" (
    "id" UUID NOT NULL,
    "proposal_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "points" INTEGER NOT NULL,
    "tier" TEXT NOT NULL,
    "entry_id" UUID NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "backed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "growth_proposal_backings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "growth_votes" (
    "proposal_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "tier" TEXT NOT NULL,
    "weight" INTEGER NOT NULL,
    "voted_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "growth_votes_pkey" PRIMARY KEY ("proposal_id","user_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "points_entries_idempotency_key_key" ON "points_entries"("idempotency_key");

-- CreateIndex
CREATE INDEX "points_entries_user_id_created_at_idx" ON "points_entries"("user_id", "created_at");

-- CreateIndex
CREATE INDEX "points_lines_account_idx" ON "points_lines"("account");

-- CreateIndex
CREATE UNIQUE INDEX "points_reservations_idempotency_key_key" ON "points_reservations"("idempotency_key");

-- CreateIndex
CREATE INDEX "points_reservations_reference_kind_reference_id_idx" ON "points_reservations"("reference_kind", "reference_id");

-- CreateIndex
CREATE INDEX "points_redemptions_user_id_reward_id_idx" ON "points_redemptions"("user_id", "reward_id");

-- CreateIndex
CREATE UNIQUE INDEX "points_redemptions_user_id_idempotency_key_key" ON "points_redemptions"("user_id", "idempotency_key");

-- CreateIndex
CREATE INDEX "growth_activities_user_id_occurred_at_idx" ON "growth_activities"("user_id", "occurred_at");

-- CreateIndex
CREATE INDEX "growth_tier_changes_user_id_changed_at_idx" ON "growth_tier_changes"("user_id", "changed_at");

-- CreateIndex
CREATE INDEX "growth_journey_enrolments_journey_id_started_at_idx" ON "growth_journey_enrolments"("journey_id", "started_at");

-- CreateIndex
CREATE UNIQUE INDEX "growth_invite_codes_user_id_key" ON "growth_invite_codes"("user_id");

-- CreateIndex
CREATE INDEX "growth_invite_shares_user_id_idx" ON "growth_invite_shares"("user_id");

-- CreateIndex
CREATE INDEX "growth_referrals_inviter_user_id_idx" ON "growth_referrals"("inviter_user_id");

-- CreateIndex
CREATE INDEX "growth_referral_refusals_invitee_user_id_idx" ON "growth_referral_refusals"("invitee_user_id");

-- CreateIndex
CREATE INDEX "growth_proposal_backings_proposal_id_idx" ON "growth_proposal_backings"("proposal_id");

-- CreateIndex
CREATE UNIQUE INDEX "growth_proposal_backings_user_id_idempotency_key_key" ON "growth_proposal_backings"("user_id", "idempotency_key");

-- AddForeignKey
ALTER TABLE "points_lines" ADD CONSTRAINT "points_lines_entry_id_fkey" FOREIGN KEY ("entry_id") REFERENCES "points_entries"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- ---------------------------------------------------------------- ledger guarantees Prisma cannot express

-- A member's points are never negative, available or held.
ALTER TABLE "points_balances" ADD CONSTRAINT "points_balances_available_nonnegative" CHECK ("available" >= 0);
ALTER TABLE "points_balances" ADD CONSTRAINT "points_balances_held_nonnegative" CHECK ("held" >= 0);
ALTER TABLE "points_lines" ADD CONSTRAINT "points_lines_amount_nonzero" CHECK ("amount" <> 0);
ALTER TABLE "points_reservations" ADD CONSTRAINT "points_reservations_points_positive" CHECK ("points" > 0);
ALTER TABLE "points_reservations" ADD CONSTRAINT "points_reservations_status" CHECK ("status" IN ('held', 'committed', 'released'));
ALTER TABLE "growth_members" ADD CONSTRAINT "growth_members_tier" CHECK ("tier" IN ('newcomer', 'regular', 'co-builder'));

-- The journal is append-only: entries and lines are never changed or removed.
CREATE FUNCTION points_journal_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the points journal is append-only (% on %)', TG_OP, TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER points_entries_append_only BEFORE UPDATE OR DELETE ON "points_entries" FOR EACH ROW EXECUTE FUNCTION points_journal_append_only();
CREATE TRIGGER points_lines_append_only BEFORE UPDATE OR DELETE ON "points_lines" FOR EACH ROW EXECUTE FUNCTION points_journal_append_only();

-- Every entry balances: the lines of an entry, written in one statement, sum to zero (checked at the
-- end of that statement, so a violation fails the statement rather than the commit).
CREATE FUNCTION points_entry_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE total bigint;
BEGIN
  SELECT coalesce(sum(amount), 0) INTO total FROM points_lines WHERE entry_id = NEW.entry_id;
  IF total <> 0 THEN
    RAISE EXCEPTION 'points entry % does not balance (lines sum to %)', NEW.entry_id, total USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER points_lines_balanced AFTER INSERT ON "points_lines" DEFERRABLE INITIALLY IMMEDIATE FOR EACH ROW EXECUTE FUNCTION points_entry_balanced();
