-- CreateTable
CREATE TABLE "customer_copies" (
    "user_id" UUID NOT NULL,
    "nickname" TEXT,
    "birthday" TEXT,
    "building" TEXT,
    "household" JSONB,
    "dietary" JSONB,
    "profiling_consent" BOOLEAN,
    "marketing_consent" BOOLEAN,
    "stage" TEXT,
    "churn_risk" DOUBLE PRECISION,
    "clv_cents" INTEGER,
    "completeness" DOUBLE PRECISION,
    "tags" JSONB NOT NULL DEFAULT '[]',
    "assets_as_of" TEXT,
    "tier" TEXT,
    "journey_step" TEXT,
    "journey_step_since" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "customer_copies_pkey" PRIMARY KEY ("user_id")
);

-- CreateTable
CREATE TABLE "customer_orders" (
    "order_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "pickup_point_id" UUID NOT NULL,
    "compound_id" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "total_cents" INTEGER NOT NULL,
    "refunded_cents" INTEGER NOT NULL DEFAULT 0,
    "lines" JSONB NOT NULL,
    "placed_at" TIMESTAMPTZ(3) NOT NULL,
    "received_at" TIMESTAMPTZ(3),
    "completed_at" TIMESTAMPTZ(3),
    "event_at" TIMESTAMPTZ(3) NOT NULL,
    "complaints" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "customer_orders_pkey" PRIMARY KEY ("order_id")
);

-- CreateTable
CREATE TABLE "nps_responses" (
    "response_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "leader_user_id" UUID,
    "pickup_point_id" UUID,
    "score" INTEGER NOT NULL,
    "trigger" TEXT NOT NULL,
    "answered_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "nps_responses_pkey" PRIMARY KEY ("response_id")
);

-- CreateTable
CREATE TABLE "service_fees" (
    "booking_id" TEXT NOT NULL,
    "leader_user_id" UUID NOT NULL,
    "fee_cents" INTEGER NOT NULL,
    "completed_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "service_fees_pkey" PRIMARY KEY ("booking_id")
);

-- CreateTable
CREATE TABLE "customer_notes" (
    "leader_user_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "notes" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "customer_notes_pkey" PRIMARY KEY ("leader_user_id","user_id")
);

-- CreateTable
CREATE TABLE "interactions" (
    "id" UUID NOT NULL,
    "leader_user_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "interactions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "reminders" (
    "id" UUID NOT NULL,
    "leader_user_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "due_at" TIMESTAMPTZ(3) NOT NULL,
    "source" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'open',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "closed_at" TIMESTAMPTZ(3),

    CONSTRAINT "reminders_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "drafts" (
    "id" UUID NOT NULL,
    "leader_user_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "locale" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "inputs" JSONB NOT NULL,
    "generator" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'draft',
    "edited" BOOLEAN NOT NULL DEFAULT false,
    "approved_at" TIMESTAMPTZ(3),
    "message_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "drafts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "messages" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "sender_user_id" UUID,
    "channel" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "delivery_status" TEXT NOT NULL DEFAULT 'pending',
    "delivery_error" TEXT,
    "read_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "delivered_at" TIMESTAMPTZ(3),
    "source_event_id" UUID,

    CONSTRAINT "messages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "settlements" (
    "id" UUID NOT NULL,
    "leader_user_id" UUID NOT NULL,
    "month" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'issued',
    "rules_version" TEXT NOT NULL,
    "score" DOUBLE PRECISION NOT NULL,
    "level" JSONB NOT NULL,
    "issued_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "approved_at" TIMESTAMPTZ(3),
    "approved_by" UUID,
    "paid_at" TIMESTAMPTZ(3),

    CONSTRAINT "settlements_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "settlement_lines" (
    "id" UUID NOT NULL,
    "settlement_id" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "amount_cents" INTEGER NOT NULL,
    "explanation" TEXT NOT NULL,
    "basis" JSONB NOT NULL,
    "created_by" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "settlement_lines_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "catalog_products" (
    "product_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "category_id" TEXT NOT NULL,
    "health_flags" TEXT[],
    "active" BOOLEAN NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "catalog_products_pkey" PRIMARY KEY ("product_id")
);

-- CreateTable
CREATE TABLE "campaign_offers" (
    "campaign_id" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "cutoff_at" TIMESTAMPTZ(3) NOT NULL,
    "pickup_point_ids" TEXT[],
    "product_ids" TEXT[],
    "category_ids" TEXT[],

    CONSTRAINT "campaign_offers_pkey" PRIMARY KEY ("campaign_id")
);

-- CreateIndex
CREATE INDEX "customer_orders_user_id_placed_at_idx" ON "customer_orders"("user_id", "placed_at");

-- CreateIndex
CREATE INDEX "customer_orders_pickup_point_id_completed_at_idx" ON "customer_orders"("pickup_point_id", "completed_at");

-- CreateIndex
CREATE INDEX "nps_responses_leader_user_id_answered_at_idx" ON "nps_responses"("leader_user_id", "answered_at");

-- CreateIndex
CREATE INDEX "service_fees_leader_user_id_completed_at_idx" ON "service_fees"("leader_user_id", "completed_at");

-- CreateIndex
CREATE INDEX "interactions_leader_user_id_user_id_at_idx" ON "interactions"("leader_user_id", "user_id", "at");

-- CreateIndex
CREATE INDEX "reminders_leader_user_id_status_due_at_idx" ON "reminders"("leader_user_id", "status", "due_at");

-- CreateIndex
CREATE INDEX "drafts_leader_user_id_status_created_at_idx" ON "drafts"("leader_user_id", "status", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "messages_source_event_id_key" ON "messages"("source_event_id");

-- CreateIndex
CREATE INDEX "messages_user_id_created_at_idx" ON "messages"("user_id", "created_at");

-- CreateIndex
CREATE INDEX "messages_sender_user_id_created_at_idx" ON "messages"("sender_user_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "settlements_leader_user_id_month_key" ON "settlements"("leader_user_id", "month");

-- CreateIndex
CREATE UNIQUE INDEX "settlement_lines_settlement_id_seq_key" ON "settlement_lines"("settlement_id", "seq");

-- CreateIndex
CREATE INDEX "campaign_offers_cutoff_at_idx" ON "campaign_offers"("cutoff_at");

-- AddForeignKey
ALTER TABLE "settlement_lines" ADD CONSTRAINT "settlement_lines_settlement_id_fkey" FOREIGN KEY ("settlement_id") REFERENCES "settlements"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Invariants Prisma cannot express (added by hand).
ALTER TABLE "reminders" ADD CONSTRAINT "reminders_kind_check" CHECK (kind IN ('pickup-waiting', 'replenishment-due', 'campaign-opening', 'birthday', 'custom'));
ALTER TABLE "reminders" ADD CONSTRAINT "reminders_status_check" CHECK (status IN ('open', 'done', 'dismissed') AND (status = 'open') = (closed_at IS NULL));
ALTER TABLE "drafts" ADD CONSTRAINT "drafts_status_check" CHECK (status IN ('draft', 'approved', 'sent', 'discarded'));
ALTER TABLE "drafts" ADD CONSTRAINT "drafts_approved_check" CHECK ((status IN ('approved', 'sent')) = (approved_at IS NOT NULL) OR status = 'discarded');
ALTER TABLE "drafts" ADD CONSTRAINT "drafts_sent_check" CHECK ((status = 'sent') = (message_id IS NOT NULL));
ALTER TABLE "messages" ADD CONSTRAINT "messages_delivery_check" CHECK (delivery_status IN ('pending', 'delivered', 'failed') AND (delivery_status = 'delivered') = (delivered_at IS NOT NULL));
ALTER TABLE "messages" ADD CONSTRAINT "messages_channel_check" CHECK (channel IN ('in-app', 'wechat') AND category IN ('care', 'marketing', 'service'));
ALTER TABLE "settlements" ADD CONSTRAINT "settlements_month_check" CHECK (month ~ '^\d{4}-(0[1-9]|1[0-2])$');
ALTER TABLE "settlements" ADD CONSTRAINT "settlements_status_check" CHECK (
  (status = 'issued' AND approved_at IS NULL AND paid_at IS NULL)
  OR (status = 'approved' AND approved_at IS NOT NULL AND paid_at IS NULL)
  OR (status = 'paid' AND approved_at IS NOT NULL AND paid_at IS NOT NULL));
ALTER TABLE "settlement_lines" ADD CONSTRAINT "settlement_lines_kind_check" CHECK (
  kind IN ('commission', 'activity-bonus', 'satisfaction-bonus', 'service-fee', 'platform-dividend', 'adjustment')
  AND (amount_cents >= 0 OR kind = 'adjustment'));

-- An issued statement is immutable: its lines are never changed or removed (corrections are new
-- adjustment lines), lines are added only before approval, the statement's figures never change, and
-- its status only moves issued → approved → paid.
CREATE FUNCTION settlement_lines_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    RAISE EXCEPTION 'settlement lines are immutable' USING ERRCODE = 'check_violation';
  END IF;
  IF (SELECT status FROM settlements WHERE id = NEW.settlement_id) <> 'issued' THEN
    RAISE EXCEPTION 'lines are added only before approval' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER settlement_lines_append_only BEFORE INSERT OR UPDATE OR DELETE ON settlement_lines
  FOR EACH ROW EXECUTE FUNCTION settlement_lines_append_only();

CREATE FUNCTION settlements_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'settlements are never deleted' USING ERRCODE = 'check_violation';
  END IF;
  IF NEW.leader_user_id <> OLD.leader_user_id OR NEW.month <> OLD.month OR NEW.rules_version <> OLD.rules_version
     OR NEW.score <> OLD.score OR NEW.level <> OLD.level OR NEW.issued_at <> OLD.issued_at
     OR NOT ((OLD.status = NEW.status) OR (OLD.status = 'issued' AND NEW.status = 'approved') OR (OLD.status = 'approved' AND NEW.status = 'paid')) THEN
    RAISE EXCEPTION 'an issued statement only moves issued → approved → paid' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER settlements_forward_only BEFORE UPDATE OR DELETE ON settlements
  FOR EACH ROW EXECUTE FUNCTION settlements_forward_only();
