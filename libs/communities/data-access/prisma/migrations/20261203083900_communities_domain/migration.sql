-- CreateTable
CREATE TABLE "cm_compounds" (
    "compound_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "city" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "cm_compounds_pkey" PRIMARY KEY ("compound_id")
);

-- CreateTable
CREATE TABLE "cm_pickup_points" (
    "pickup_point_id" UUID NOT NULL,
    "leader_user_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "compound_ids" TEXT[],
    "status" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "cm_pickup_points_pkey" PRIMARY KEY ("pickup_point_id")
);

-- CreateTable
CREATE TABLE "cm_residents" (
    "user_id" UUID NOT NULL,
    "display_name" TEXT,
    "compound_id" TEXT,
    "pickup_point_id" UUID,
    "household" JSONB NOT NULL DEFAULT '{}',
    "dietary" JSONB NOT NULL DEFAULT '{}',
    "profiling_consent" BOOLEAN NOT NULL DEFAULT false,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "cm_residents_pkey" PRIMARY KEY ("user_id")
);

-- CreateTable
CREATE TABLE "cm_purchase_categories" (
    "user_id" UUID NOT NULL,
    "category_id" TEXT NOT NULL,
    "orders" INTEGER NOT NULL DEFAULT 0,
    "last_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "cm_purchase_categories_pkey" PRIMARY KEY ("user_id","category_id")
);

-- CreateTable
CREATE TABLE "cm_counted_orders" (
    "order_id" UUID NOT NULL,
    "counted_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "cm_counted_orders_pkey" PRIMARY KEY ("order_id")
);

-- CreateTable
CREATE TABLE "communities" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "scope" TEXT NOT NULL,
    "compound_id" TEXT,
    "pickup_point_id" UUID,
    "tags" TEXT[],
    "member_count" INTEGER NOT NULL DEFAULT 0,
    "created_by" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "communities_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "community_members" (
    "community_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "role" TEXT NOT NULL,
    "joined_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "post_window_start" TIMESTAMPTZ(3),
    "post_window_count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "community_members_pkey" PRIMARY KEY ("community_id","user_id")
);

-- CreateTable
CREATE TABLE "community_invitations" (
    "community_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "invited_by" UUID NOT NULL,
    "invited_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "community_invitations_pkey" PRIMARY KEY ("community_id","user_id")
);

-- CreateTable
CREATE TABLE "community_bans" (
    "community_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "until" TIMESTAMPTZ(3) NOT NULL,
    "reason" TEXT NOT NULL,
    "banned_by" UUID NOT NULL,
    "banned_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "community_bans_pkey" PRIMARY KEY ("community_id","user_id")
);

-- CreateTable
CREATE TABLE "community_posts" (
    "id" UUID NOT NULL,
    "community_id" UUID NOT NULL,
    "author_user_id" UUID NOT NULL,
    "body" TEXT NOT NULL,
    "image_refs" TEXT[],
    "linked_sku_id" UUID,
    "linked_campaign_id" UUID,
    "status" TEXT NOT NULL DEFAULT 'visible',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "community_posts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "community_comments" (
    "id" UUID NOT NULL,
    "post_id" UUID NOT NULL,
    "author_user_id" UUID NOT NULL,
    "body" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "community_comments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "community_reactions" (
    "post_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "community_reactions_pkey" PRIMARY KEY ("post_id","user_id","kind")
);

-- CreateTable
CREATE TABLE "community_reports" (
    "id" UUID NOT NULL,
    "post_id" UUID NOT NULL,
    "reporter_id" UUID NOT NULL,
    "reason" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolved_at" TIMESTAMPTZ(3),

    CONSTRAINT "community_reports_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "moderation_audit" (
    "id" UUID NOT NULL,
    "community_id" UUID NOT NULL,
    "actor_user_id" UUID NOT NULL,
    "action" TEXT NOT NULL,
    "target_kind" TEXT NOT NULL,
    "target_id" TEXT NOT NULL,
    "reason" TEXT,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "moderation_audit_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "community_events" (
    "id" UUID NOT NULL,
    "community_id" UUID,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "ends_at" TIMESTAMPTZ(3) NOT NULL,
    "pickup_point_id" UUID,
    "address" TEXT,
    "compound_id" TEXT,
    "capacity" INTEGER NOT NULL,
    "waitlist_capacity" INTEGER NOT NULL,
    "confirmed" INTEGER NOT NULL DEFAULT 0,
    "waitlisted" INTEGER NOT NULL DEFAULT 0,
    "organiser_user_id" UUID NOT NULL,
    "check_in_code" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "community_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "event_rsvps" (
    "event_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "status" TEXT NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "confirmed_at" TIMESTAMPTZ(3),
    "cancelled_at" TIMESTAMPTZ(3),
    "checked_in_at" TIMESTAMPTZ(3),

    CONSTRAINT "event_rsvps_pkey" PRIMARY KEY ("event_id","user_id")
);

-- CreateTable
CREATE TABLE "proposals" (
    "id" UUID NOT NULL,
    "community_id" UUID,
    "proposer_user_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "product_id" UUID,
    "status" TEXT NOT NULL DEFAULT 'open',
    "votes" INTEGER NOT NULL DEFAULT 0,
    "feedback_round" INTEGER NOT NULL DEFAULT 1,
    "sku_ids" TEXT[],
    "campaign_id" UUID,
    "launched_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "proposals_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "proposal_votes" (
    "proposal_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "voted_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "proposal_votes_pkey" PRIMARY KEY ("proposal_id","user_id")
);

-- CreateTable
CREATE TABLE "proposal_feedback" (
    "proposal_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "taste" INTEGER NOT NULL,
    "price_cents" INTEGER NOT NULL,
    "round" INTEGER NOT NULL DEFAULT 1,
    "pack_size" TEXT NOT NULL,
    "comment" TEXT,
    "given_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "proposal_feedback_pkey" PRIMARY KEY ("proposal_id","user_id","round")
);

-- CreateTable
CREATE TABLE "proposal_purchases" (
    "proposal_id" UUID NOT NULL,
    "order_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "bought_at" TIMESTAMPTZ(3) NOT NULL,
    "cancelled_at" TIMESTAMPTZ(3),

    CONSTRAINT "proposal_purchases_pkey" PRIMARY KEY ("proposal_id","order_id")
);

-- CreateTable
CREATE TABLE "surveys" (
    "id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "question" TEXT NOT NULL,
    "scored" BOOLEAN NOT NULL DEFAULT true,
    "compound_id" TEXT,
    "created_by" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "surveys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "survey_offers" (
    "id" UUID NOT NULL,
    "survey_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "trigger" TEXT NOT NULL,
    "compound_id" TEXT,
    "pickup_point_id" UUID,
    "leader_user_id" UUID,
    "offered_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "answered_at" TIMESTAMPTZ(3),

    CONSTRAINT "survey_offers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "nps_offer_clock" (
    "user_id" UUID NOT NULL,
    "last_offered_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "nps_offer_clock_pkey" PRIMARY KEY ("user_id")
);

-- CreateTable
CREATE TABLE "survey_responses" (
    "id" UUID NOT NULL,
    "survey_id" UUID NOT NULL,
    "user_id" UUID,
    "offer_id" UUID,
    "score" INTEGER,
    "reason" TEXT,
    "trigger" TEXT NOT NULL,
    "answered_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "survey_responses_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "cm_pickup_points_leader_user_id_idx" ON "cm_pickup_points"("leader_user_id");

-- CreateIndex
CREATE INDEX "cm_residents_pickup_point_id_idx" ON "cm_residents"("pickup_point_id");

-- CreateIndex
CREATE INDEX "communities_compound_id_idx" ON "communities"("compound_id");

-- CreateIndex
CREATE INDEX "communities_pickup_point_id_idx" ON "communities"("pickup_point_id");

-- CreateIndex
CREATE INDEX "community_members_user_id_idx" ON "community_members"("user_id");

-- CreateIndex
CREATE INDEX "community_invitations_user_id_idx" ON "community_invitations"("user_id");

-- CreateIndex
CREATE INDEX "community_posts_community_id_created_at_idx" ON "community_posts"("community_id", "created_at");

-- CreateIndex
CREATE INDEX "community_posts_author_user_id_idx" ON "community_posts"("author_user_id");

-- CreateIndex
CREATE INDEX "community_comments_post_id_created_at_idx" ON "community_comments"("post_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "community_reports_post_id_reporter_id_key" ON "community_reports"("post_id", "reporter_id");

-- CreateIndex
CREATE INDEX "moderation_audit_community_id_at_idx" ON "moderation_audit"("community_id", "at");

-- CreateIndex
CREATE INDEX "community_events_community_id_starts_at_idx" ON "community_events"("community_id", "starts_at");

-- CreateIndex
CREATE INDEX "event_rsvps_event_id_status_seq_idx" ON "event_rsvps"("event_id", "status", "seq");

-- CreateIndex
CREATE INDEX "event_rsvps_user_id_idx" ON "event_rsvps"("user_id");

-- CreateIndex
CREATE INDEX "proposals_community_id_idx" ON "proposals"("community_id");

-- CreateIndex
CREATE INDEX "proposals_campaign_id_idx" ON "proposals"("campaign_id");

-- CreateIndex
CREATE INDEX "proposal_purchases_order_id_idx" ON "proposal_purchases"("order_id");

-- CreateIndex
CREATE INDEX "survey_offers_user_id_offered_at_idx" ON "survey_offers"("user_id", "offered_at");

-- CreateIndex
CREATE UNIQUE INDEX "survey_responses_offer_id_key" ON "survey_responses"("offer_id");

-- CreateIndex
CREATE INDEX "survey_responses_survey_id_idx" ON "survey_responses"("survey_id");

-- AddForeignKey
ALTER TABLE "community_members" ADD CONSTRAINT "community_members_community_id_fkey" FOREIGN KEY ("community_id") REFERENCES "communities"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Constraints Prisma cannot express. RSVP capacity is the database's to guarantee: seats and
-- waiting-list places are taken by conditional UPDATEs of these counters, and the checks make an
-- overbooking impossible whatever the service does.
ALTER TABLE "community_events"
  ADD CONSTRAINT "community_events_seats_check" CHECK ("confirmed" >= 0 AND "confirmed" <= "capacity"),
  ADD CONSTRAINT "community_events_waitlist_check" CHECK ("waitlisted" >= 0 AND "waitlisted" <= "waitlist_capacity"),
  ADD CONSTRAINT "community_events_capacity_check" CHECK ("capacity" > 0 AND "waitlist_capacity" >= 0),
  ADD CONSTRAINT "community_events_place_check" CHECK (("pickup_point_id" IS NULL) <> ("address" IS NULL)),
  ADD CONSTRAINT "community_events_time_check" CHECK ("ends_at" > "starts_at");
ALTER TABLE "event_rsvps" ADD CONSTRAINT "event_rsvps_status_check" CHECK ("status" IN ('confirmed', 'waitlisted', 'cancelled'));
ALTER TABLE "communities"
  ADD CONSTRAINT "communities_scope_check" CHECK ("scope" IN ('pickup-point', 'compound', 'city')),
  ADD CONSTRAINT "communities_member_count_check" CHECK ("member_count" >= 0);
ALTER TABLE "community_members" ADD CONSTRAINT "community_members_role_check" CHECK ("role" IN ('owner', 'moderator', 'member'));
ALTER TABLE "community_posts" ADD CONSTRAINT "community_posts_status_check" CHECK ("status" IN ('visible', 'hidden'));
ALTER TABLE "proposal_feedback" ADD CONSTRAINT "proposal_feedback_taste_check" CHECK ("taste" BETWEEN 1 AND 5 AND "price_cents" > 0);
ALTER TABLE "survey_responses" ADD CONSTRAINT "survey_responses_score_check" CHECK ("score" IS NULL OR "score" BETWEEN 0 AND 10);
-- A generic survey is answered once per resident; NPS answers are one per offer (offer_id is unique).
CREATE UNIQUE INDEX "survey_responses_generic_once" ON "survey_responses" ("survey_id", "user_id") WHERE "offer_id" IS NULL;

-- The one NPS survey (NPS_SURVEY_ID in the contracts).
INSERT INTO "surveys" ("id", "kind", "title", "question", "scored")
VALUES ('00000000-0000-4000-8000-00000000a905', 'nps', '推荐意愿', '您有多大可能把邻里推荐给邻居？(0–10)', true);
