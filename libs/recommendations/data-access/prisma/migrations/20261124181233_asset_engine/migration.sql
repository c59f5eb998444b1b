-- CreateTable
CREATE TABLE "customers" (
    "user_id" TEXT NOT NULL,
    "source" TEXT NOT NULL DEFAULT 'live',
    "dataset" TEXT NOT NULL DEFAULT '',
    "compound_id" TEXT,
    "pickup_point_id" TEXT,
    "building" TEXT,
    "profiling_consent" BOOLEAN,
    "profiling_consent_at" TIMESTAMPTZ(3),
    "marketing_consent" BOOLEAN,
    "marketing_consent_at" TIMESTAMPTZ(3),
    "household" JSONB,
    "dietary" JSONB,
    "declared" JSONB NOT NULL DEFAULT '{}',
    "attributes" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "customers_pkey" PRIMARY KEY ("user_id")
);

-- CreateTable
CREATE TABLE "purchases" (
    "id" BIGSERIAL NOT NULL,
    "user_id" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "dataset" TEXT NOT NULL DEFAULT '',
    "order_id" TEXT NOT NULL,
    "line_key" TEXT NOT NULL,
    "ordered_at" TIMESTAMPTZ(3) NOT NULL,
    "item_id" TEXT NOT NULL,
    "sku_id" TEXT,
    "bundle_id" TEXT,
    "product_id" TEXT,
    "category" TEXT NOT NULL DEFAULT '',
    "quantity" INTEGER NOT NULL,
    "amount_cents" INTEGER NOT NULL,
    "refunded_cents" INTEGER NOT NULL DEFAULT 0,
    "status" TEXT NOT NULL,
    "compound_id" TEXT,
    "pickup_point_id" TEXT,
    "campaign_id" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "purchases_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "behaviour_events" (
    "event_id" UUID NOT NULL,
    "user_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "product_id" TEXT,
    "sku_id" TEXT,
    "campaign_id" TEXT,
    "query" TEXT,
    "position" INTEGER,
    "reason" TEXT,

    CONSTRAINT "behaviour_events_pkey" PRIMARY KEY ("event_id")
);

-- CreateTable
CREATE TABLE "parked_events" (
    "id" BIGSERIAL NOT NULL,
    "user_id" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "event_id" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "parked_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "parked_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "erased_users" (
    "user_id" TEXT NOT NULL,
    "erased_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "erased_users_pkey" PRIMARY KEY ("user_id")
);

-- CreateTable
CREATE TABLE "user_merges" (
    "source_user_id" TEXT NOT NULL,
    "target_user_id" TEXT NOT NULL,
    "merged_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "user_merges_pkey" PRIMARY KEY ("source_user_id")
);

-- CreateTable
CREATE TABLE "pickup_points" (
    "pickup_point_id" TEXT NOT NULL,
    "leader_user_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "compound_ids" TEXT[],
    "status" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "pickup_points_pkey" PRIMARY KEY ("pickup_point_id")
);

-- CreateTable
CREATE TABLE "products" (
    "product_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "category" TEXT NOT NULL DEFAULT '',
    "health_flags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "active" BOOLEAN NOT NULL DEFAULT true,
    "source" TEXT NOT NULL DEFAULT 'live',
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "products_pkey" PRIMARY KEY ("product_id")
);

-- CreateTable
CREATE TABLE "skus" (
    "sku_id" TEXT NOT NULL,
    "product_id" TEXT NOT NULL,
    "spec" TEXT NOT NULL DEFAULT '',
    "price_cents" INTEGER NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,

    CONSTRAINT "skus_pkey" PRIMARY KEY ("sku_id")
);

-- CreateTable
CREATE TABLE "campaigns" (
    "campaign_id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "cutoff_at" TIMESTAMPTZ(3) NOT NULL,
    "compound_ids" TEXT[],
    "pickup_point_ids" TEXT[],
    "status" TEXT NOT NULL,
    "published_at" TIMESTAMPTZ(3) NOT NULL,
    "closed_at" TIMESTAMPTZ(3),

    CONSTRAINT "campaigns_pkey" PRIMARY KEY ("campaign_id")
);

-- CreateTable
CREATE TABLE "campaign_offers" (
    "campaign_id" TEXT NOT NULL,
    "offer_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "item_id" TEXT NOT NULL,
    "sku_id" TEXT,
    "bundle_id" TEXT,
    "product_id" TEXT,
    "category" TEXT,
    "price_cents" INTEGER NOT NULL,
    "component_product_ids" TEXT[] DEFAULT ARRAY[]::TEXT[],

    CONSTRAINT "campaign_offers_pkey" PRIMARY KEY ("campaign_id","offer_id")
);

-- CreateTable
CREATE TABLE "customer_assets" (
    "user_id" TEXT NOT NULL,
    "as_of" DATE NOT NULL,
    "recency_days" INTEGER NOT NULL,
    "frequency" INTEGER NOT NULL,
    "monetary_cents" BIGINT NOT NULL,
    "r" INTEGER NOT NULL,
    "f" INTEGER NOT NULL,
    "m" INTEGER NOT NULL,
    "stage" TEXT NOT NULL,
    "expected_gap_days" DOUBLE PRECISION NOT NULL,
    "gap_ratio" DOUBLE PRECISION NOT NULL,
    "p_alive" DOUBLE PRECISION,
    "expected_purchases_90d" DOUBLE PRECISION,
    "clv_cents" INTEGER,
    "churn_risk" DOUBLE PRECISION NOT NULL,
    "tags" JSONB NOT NULL DEFAULT '[]',
    "completeness" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "computed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "customer_assets_pkey" PRIMARY KEY ("user_id")
);

-- CreateTable
CREATE TABLE "model_fits" (
    "id" UUID NOT NULL,
    "model" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "params" JSONB,
    "log_likelihood" DOUBLE PRECISION,
    "customers" INTEGER NOT NULL,
    "reason" TEXT,
    "as_of" DATE NOT NULL,
    "fitted_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "model_fits_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "backtests" (
    "id" UUID NOT NULL,
    "status" TEXT NOT NULL,
    "calibration_end" DATE NOT NULL,
    "holdout_end" DATE NOT NULL,
    "result" JSONB NOT NULL,
    "reason" TEXT,
    "ran_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "backtests_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "segments" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "rule" JSONB NOT NULL,
    "scope_key" TEXT NOT NULL,
    "pickup_point_id" TEXT,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "segments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "import_checkpoints" (
    "dataset" TEXT NOT NULL,
    "file" TEXT NOT NULL,
    "byte_offset" BIGINT NOT NULL,
    "line" INTEGER NOT NULL,
    "rows_imported" INTEGER NOT NULL,
    "rows_rejected" INTEGER NOT NULL,
    "done" BOOLEAN NOT NULL DEFAULT false,
    "file_size" BIGINT NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "import_checkpoints_pkey" PRIMARY KEY ("dataset","file")
);

-- CreateTable
CREATE TABLE "import_rejects" (
    "dataset" TEXT NOT NULL,
    "file" TEXT NOT NULL,
    "line" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,

    CONSTRAINT "import_rejects_pkey" PRIMARY KEY ("dataset","file","line")
);

-- CreateIndex
CREATE INDEX "customers_compound_id_idx" ON "customers"("compound_id");

-- CreateIndex
CREATE INDEX "customers_pickup_point_id_idx" ON "customers"("pickup_point_id");

-- CreateIndex
CREATE INDEX "purchases_user_id_ordered_at_idx" ON "purchases"("user_id", "ordered_at");

-- CreateIndex
CREATE INDEX "purchases_compound_id_ordered_at_idx" ON "purchases"("compound_id", "ordered_at");

-- CreateIndex
CREATE INDEX "purchases_pickup_point_id_ordered_at_idx" ON "purchases"("pickup_point_id", "ordered_at");

-- CreateIndex
CREATE INDEX "purchases_ordered_at_idx" ON "purchases"("ordered_at");

-- CreateIndex
CREATE UNIQUE INDEX "purchases_source_dataset_order_id_line_key_key" ON "purchases"("source", "dataset", "order_id", "line_key");

-- CreateIndex
CREATE INDEX "behaviour_events_user_id_occurred_at_idx" ON "behaviour_events"("user_id", "occurred_at");

-- CreateIndex
CREATE INDEX "parked_events_user_id_idx" ON "parked_events"("user_id");

-- CreateIndex
CREATE INDEX "parked_events_parked_at_idx" ON "parked_events"("parked_at");

-- CreateIndex
CREATE UNIQUE INDEX "parked_events_subject_event_id_key" ON "parked_events"("subject", "event_id");

-- CreateIndex
CREATE INDEX "user_merges_target_user_id_idx" ON "user_merges"("target_user_id");

-- CreateIndex
CREATE INDEX "pickup_points_leader_user_id_idx" ON "pickup_points"("leader_user_id");

-- CreateIndex
CREATE INDEX "skus_product_id_idx" ON "skus"("product_id");

-- CreateIndex
CREATE INDEX "model_fits_model_status_fitted_at_idx" ON "model_fits"("model", "status", "fitted_at");

-- CreateIndex
CREATE INDEX "backtests_ran_at_idx" ON "backtests"("ran_at");

-- CreateIndex
CREATE UNIQUE INDEX "segments_scope_key_name_key" ON "segments"("scope_key", "name");

-- Constraints Prisma cannot express.
ALTER TABLE "purchases" ADD CONSTRAINT "purchases_status_check" CHECK ("status" IN ('placed', 'paid', 'completed', 'cancelled'));
ALTER TABLE "purchases" ADD CONSTRAINT "purchases_source_check" CHECK ("source" IN ('live', 'import'));
ALTER TABLE "purchases" ADD CONSTRAINT "purchases_refund_check" CHECK ("refunded_cents" >= 0);
ALTER TABLE "customers" ADD CONSTRAINT "customers_source_check" CHECK ("source" IN ('live', 'import'));
ALTER TABLE "behaviour_events" ADD CONSTRAINT "behaviour_events_kind_check" CHECK ("kind" IN ('view', 'search', 'recommendation_impression', 'recommendation_click'));
ALTER TABLE "model_fits" ADD CONSTRAINT "model_fits_status_check" CHECK ("status" IN ('converged', 'failed'));
-- Counted purchases (paid or completed) by time, for model fits and metrics.
CREATE INDEX "purchases_counted_idx" ON "purchases" ("ordered_at", "user_id") WHERE "status" IN ('paid', 'completed');
