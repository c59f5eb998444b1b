-- CreateTable
CREATE TABLE "compounds" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "city" TEXT NOT NULL,
    "district" TEXT,
    "time_zone" TEXT NOT NULL DEFAULT 'Asia/Shanghai',
    "event_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "compounds_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "pickup_points" (
    "id" UUID NOT NULL,
    "leader_user_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "compound_ids" TEXT[],
    "capacity" INTEGER NOT NULL,
    "time_zone" TEXT NOT NULL DEFAULT 'Asia/Shanghai',
    "status" TEXT NOT NULL,
    "event_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "pickup_points_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "resident_bindings" (
    "user_id" UUID NOT NULL,
    "pickup_point_id" UUID NOT NULL,
    "compound_id" TEXT NOT NULL,
    "bound_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "resident_bindings_pkey" PRIMARY KEY ("user_id")
);

-- CreateTable
CREATE TABLE "categories" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "parent_id" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "categories_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "products" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "category_id" TEXT NOT NULL,
    "unit" TEXT NOT NULL,
    "image_urls" TEXT[],
    "health_flags" TEXT[],
    "tags" TEXT[],
    "active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "products_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "skus" (
    "id" UUID NOT NULL,
    "product_id" UUID NOT NULL,
    "code" TEXT NOT NULL,
    "spec" TEXT NOT NULL,
    "price_cents" INTEGER NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "skus_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "bundles" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "price_cents" INTEGER NOT NULL,
    "image_urls" TEXT[],
    "tags" TEXT[],
    "active" BOOLEAN NOT NULL DEFAULT true,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "bundles_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "bundle_items" (
    "bundle_id" UUID NOT NULL,
    "sku_id" UUID NOT NULL,
    "quantity" INTEGER NOT NULL,

    CONSTRAINT "bundle_items_pkey" PRIMARY KEY ("bundle_id","sku_id")
);

-- CreateTable
CREATE TABLE "campaigns" (
    "id" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "status" TEXT NOT NULL DEFAULT 'draft',
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "cutoff_at" TIMESTAMPTZ(3) NOT NULL,
    "delivery_date" DATE NOT NULL,
    "time_zone" TEXT NOT NULL DEFAULT 'Asia/Shanghai',
    "min_group_size" INTEGER,
    "created_by" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "published_at" TIMESTAMPTZ(3),
    "closed_at" TIMESTAMPTZ(3),

    CONSTRAINT "campaigns_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "campaign_targets" (
    "campaign_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "target_id" TEXT NOT NULL,

    CONSTRAINT "campaign_targets_pkey" PRIMARY KEY ("campaign_id","kind","target_id")
);

-- CreateTable
CREATE TABLE "campaign_offers" (
    "id" UUID NOT NULL,
    "campaign_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "sku_id" UUID,
    "bundle_id" UUID,
    "price_cents" INTEGER NOT NULL,
    "per_customer_limit" INTEGER,

    CONSTRAINT "campaign_offers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "campaign_stock" (
    "campaign_id" UUID NOT NULL,
    "sku_id" UUID NOT NULL,
    "total" INTEGER NOT NULL,
    "buckets" INTEGER NOT NULL,

    CONSTRAINT "campaign_stock_pkey" PRIMARY KEY ("campaign_id","sku_id")
);

-- CreateTable
CREATE TABLE "stock_buckets" (
    "campaign_id" UUID NOT NULL,
    "sku_id" UUID NOT NULL,
    "bucket" INTEGER NOT NULL,
    "remaining" INTEGER NOT NULL,

    CONSTRAINT "stock_buckets_pkey" PRIMARY KEY ("campaign_id","sku_id","bucket")
);

-- CreateTable
CREATE TABLE "customer_quotas" (
    "campaign_id" UUID NOT NULL,
    "offer_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "quantity" INTEGER NOT NULL,
    "limit_qty" INTEGER NOT NULL,

    CONSTRAINT "customer_quotas_pkey" PRIMARY KEY ("campaign_id","offer_id","user_id")
);

-- CreateTable
CREATE TABLE "campaign_point_outcomes" (
    "campaign_id" UUID NOT NULL,
    "pickup_point_id" UUID NOT NULL,
    "customers" INTEGER NOT NULL,
    "minimum_met" BOOLEAN NOT NULL,
    "decided_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "campaign_point_outcomes_pkey" PRIMARY KEY ("campaign_id","pickup_point_id")
);

-- CreateTable
CREATE TABLE "orders" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "campaign_id" UUID NOT NULL,
    "pickup_point_id" UUID NOT NULL,
    "compound_id" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "total_cents" INTEGER NOT NULL,
    "paid_cents" INTEGER NOT NULL DEFAULT 0,
    "refunded_cents" INTEGER NOT NULL DEFAULT 0,
    "pickup_code" TEXT NOT NULL,
    "placed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "paid_at" TIMESTAMPTZ(3),
    "picked_up_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "orders_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "order_lines" (
    "id" UUID NOT NULL,
    "order_id" UUID NOT NULL,
    "line_no" INTEGER NOT NULL,
    "offer_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "sku_id" UUID,
    "bundle_id" UUID,
    "product_id" UUID,
    "category_id" TEXT,
    "name" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "unit_price_cents" INTEGER NOT NULL,
    "amount_cents" INTEGER NOT NULL,
    "refunded_cents" INTEGER NOT NULL DEFAULT 0,
    "refunded_units" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "order_lines_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "order_line_items" (
    "line_id" UUID NOT NULL,
    "order_id" UUID NOT NULL,
    "sku_id" UUID NOT NULL,
    "product_id" UUID NOT NULL,
    "category_id" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "unit_value_cents" INTEGER NOT NULL,
    "short_units" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "order_line_items_pkey" PRIMARY KEY ("line_id","sku_id")
);

-- CreateTable
CREATE TABLE "stock_reservations" (
    "order_id" UUID NOT NULL,
    "campaign_id" UUID NOT NULL,
    "sku_id" UUID NOT NULL,
    "bucket" INTEGER NOT NULL,
    "quantity" INTEGER NOT NULL,
    "released_at" TIMESTAMPTZ(3),

    CONSTRAINT "stock_reservations_pkey" PRIMARY KEY ("order_id","sku_id","bucket")
);

-- CreateTable
CREATE TABLE "order_transitions" (
    "id" BIGSERIAL NOT NULL,
    "order_id" UUID NOT NULL,
    "from_status" TEXT,
    "to_status" TEXT NOT NULL,
    "actor_kind" TEXT NOT NULL,
    "actor_user_id" UUID,
    "reason" TEXT,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "order_transitions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payments" (
    "id" UUID NOT NULL,
    "order_id" UUID NOT NULL,
    "provider" TEXT NOT NULL,
    "provider_payment_id" TEXT NOT NULL,
    "amount_cents" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'created',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "settled_at" TIMESTAMPTZ(3),

    CONSTRAINT "payments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payment_notifications" (
    "provider" TEXT NOT NULL,
    "notification_id" TEXT NOT NULL,
    "payment_id" UUID,
    "status" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "payment_notifications_pkey" PRIMARY KEY ("provider","notification_id")
);

-- CreateTable
CREATE TABLE "refunds" (
    "id" UUID NOT NULL,
    "order_id" UUID NOT NULL,
    "refund_key" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "amount_cents" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "description" TEXT,
    "photo_urls" TEXT[],
    "payment_id" UUID,
    "provider_refund_id" TEXT,
    "requested_by" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "refunds_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "refund_lines" (
    "refund_id" UUID NOT NULL,
    "line_id" UUID NOT NULL,
    "quantity" INTEGER NOT NULL,
    "amount_cents" INTEGER NOT NULL,

    CONSTRAINT "refund_lines_pkey" PRIMARY KEY ("refund_id","line_id")
);

-- CreateTable
CREATE TABLE "outbox_events" (
    "id" UUID NOT NULL,
    "subject" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "trace_context" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "published_at" TIMESTAMPTZ(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,

    CONSTRAINT "outbox_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "processed_events" (
    "consumer" TEXT NOT NULL,
    "event_id" UUID NOT NULL,
    "processed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "processed_events_pkey" PRIMARY KEY ("consumer","event_id")
);

-- CreateIndex
CREATE INDEX "pickup_points_leader_user_id_idx" ON "pickup_points"("leader_user_id");

-- CreateIndex
CREATE INDEX "resident_bindings_pickup_point_id_idx" ON "resident_bindings"("pickup_point_id");

-- CreateIndex
CREATE INDEX "products_category_id_idx" ON "products"("category_id");

-- CreateIndex
CREATE UNIQUE INDEX "skus_code_key" ON "skus"("code");

-- CreateIndex
CREATE INDEX "skus_product_id_idx" ON "skus"("product_id");

-- CreateIndex
CREATE INDEX "campaigns_status_cutoff_at_idx" ON "campaigns"("status", "cutoff_at");

-- CreateIndex
CREATE INDEX "campaign_targets_kind_target_id_idx" ON "campaign_targets"("kind", "target_id");

-- CreateIndex
CREATE UNIQUE INDEX "campaign_offers_campaign_id_sku_id_key" ON "campaign_offers"("campaign_id", "sku_id");

-- CreateIndex
CREATE UNIQUE INDEX "campaign_offers_campaign_id_bundle_id_key" ON "campaign_offers"("campaign_id", "bundle_id");

-- CreateIndex
CREATE UNIQUE INDEX "orders_pickup_code_key" ON "orders"("pickup_code");

-- CreateIndex
CREATE INDEX "orders_campaign_id_pickup_point_id_status_idx" ON "orders"("campaign_id", "pickup_point_id", "status");

-- CreateIndex
CREATE INDEX "orders_user_id_placed_at_idx" ON "orders"("user_id", "placed_at");

-- CreateIndex
CREATE UNIQUE INDEX "orders_user_id_idempotency_key_key" ON "orders"("user_id", "idempotency_key");

-- CreateIndex
CREATE UNIQUE INDEX "order_lines_order_id_line_no_key" ON "order_lines"("order_id", "line_no");

-- CreateIndex
CREATE INDEX "order_line_items_order_id_idx" ON "order_line_items"("order_id");

-- CreateIndex
CREATE INDEX "order_transitions_order_id_at_idx" ON "order_transitions"("order_id", "at");

-- CreateIndex
CREATE INDEX "payments_order_id_idx" ON "payments"("order_id");

-- CreateIndex
CREATE UNIQUE INDEX "payments_provider_provider_payment_id_key" ON "payments"("provider", "provider_payment_id");

-- CreateIndex
CREATE UNIQUE INDEX "refunds_order_id_refund_key_key" ON "refunds"("order_id", "refund_key");

-- AddForeignKey
ALTER TABLE "skus" ADD CONSTRAINT "skus_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "products"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "bundle_items" ADD CONSTRAINT "bundle_items_bundle_id_fkey" FOREIGN KEY ("bundle_id") REFERENCES "bundles"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "campaign_targets" ADD CONSTRAINT "campaign_targets_campaign_id_fkey" FOREIGN KEY ("campaign_id") REFERENCES "campaigns"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "campaign_offers" ADD CONSTRAINT "campaign_offers_campaign_id_fkey" FOREIGN KEY ("campaign_id") REFERENCES "campaigns"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "campaign_stock" ADD CONSTRAINT "campaign_stock_campaign_id_fkey" FOREIGN KEY ("campaign_id") REFERENCES "campaigns"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "stock_buckets" ADD CONSTRAINT "stock_buckets_campaign_id_sku_id_fkey" FOREIGN KEY ("campaign_id", "sku_id") REFERENCES "campaign_stock"("campaign_id", "sku_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "campaign_point_outcomes" ADD CONSTRAINT "campaign_point_outcomes_campaign_id_fkey" FOREIGN KEY ("campaign_id") REFERENCES "campaigns"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "order_lines" ADD CONSTRAINT "order_lines_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "order_line_items" ADD CONSTRAINT "order_line_items_line_id_fkey" FOREIGN KEY ("line_id") REFERENCES "order_lines"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "order_transitions" ADD CONSTRAINT "order_transitions_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "refund_lines" ADD CONSTRAINT "refund_lines_refund_id_fkey" FOREIGN KEY ("refund_id") REFERENCES "refunds"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Invariants Prisma cannot express.
ALTER TABLE "pickup_points" ADD CONSTRAINT "pickup_points_status_check" CHECK ("status" IN ('active', 'suspended'));
ALTER TABLE "skus" ADD CONSTRAINT "skus_price_check" CHECK ("price_cents" >= 0);
ALTER TABLE "bundles" ADD CONSTRAINT "bundles_price_check" CHECK ("price_cents" >= 0);
ALTER TABLE "bundle_items" ADD CONSTRAINT "bundle_items_quantity_check" CHECK ("quantity" > 0);
ALTER TABLE "campaigns" ADD CONSTRAINT "campaigns_status_check" CHECK ("status" IN ('draft', 'published', 'closing', 'closed', 'cancelled'));
ALTER TABLE "campaigns" ADD CONSTRAINT "campaigns_times_check" CHECK ("cutoff_at" > "starts_at");
ALTER TABLE "campaigns" ADD CONSTRAINT "campaigns_min_group_check" CHECK ("min_group_size" IS NULL OR "min_group_size" >= 2);
ALTER TABLE "campaign_targets" ADD CONSTRAINT "campaign_targets_kind_check" CHECK ("kind" IN ('compound', 'pickup_point'));
ALTER TABLE "campaign_offers" ADD CONSTRAINT "campaign_offers_kind_check" CHECK (("kind" = 'sku' AND "sku_id" IS NOT NULL AND "bundle_id" IS NULL) OR ("kind" = 'bundle' AND "bundle_id" IS NOT NULL AND "sku_id" IS NULL));
ALTER TABLE "campaign_offers" ADD CONSTRAINT "campaign_offers_price_check" CHECK ("price_cents" >= 0);
ALTER TABLE "campaign_offers" ADD CONSTRAINT "campaign_offers_limit_check" CHECK ("per_customer_limit" IS NULL OR "per_customer_limit" >= 1);
ALTER TABLE "campaign_stock" ADD CONSTRAINT "campaign_stock_total_check" CHECK ("total" >= 0 AND "buckets" >= 1);
-- Never oversold: no bucket can go below zero, whatever the code does.
ALTER TABLE "stock_buckets" ADD CONSTRAINT "stock_buckets_remaining_check" CHECK ("remaining" >= 0);
-- Never above the per-customer limit.
ALTER TABLE "customer_quotas" ADD CONSTRAINT "customer_quotas_quantity_check" CHECK ("quantity" >= 0 AND "quantity" <= "limit_qty");
ALTER TABLE "orders" ADD CONSTRAINT "orders_status_check" CHECK ("status" IN ('pending_payment', 'paid', 'locked', 'shipped', 'received', 'picked_up', 'completed', 'cancelled', 'expired'));
-- Never refund more than was paid.
ALTER TABLE "orders" ADD CONSTRAINT "orders_money_check" CHECK ("total_cents" >= 0 AND "paid_cents" >= 0 AND "refunded_cents" >= 0 AND "refunded_cents" <= "paid_cents");
ALTER TABLE "order_lines" ADD CONSTRAINT "order_lines_kind_check" CHECK (("kind" = 'sku' AND "sku_id" IS NOT NULL AND "bundle_id" IS NULL) OR ("kind" = 'bundle' AND "bundle_id" IS NOT NULL AND "sku_id" IS NULL));
ALTER TABLE "order_lines" ADD CONSTRAINT "order_lines_amount_check" CHECK ("quantity" > 0 AND "unit_price_cents" >= 0 AND "amount_cents" = "unit_price_cents" * "quantity");
ALTER TABLE "order_lines" ADD CONSTRAINT "order_lines_refund_check" CHECK ("refunded_cents" >= 0 AND "refunded_cents" <= "amount_cents" AND "refunded_units" >= 0 AND "refunded_units" <= "quantity");
ALTER TABLE "order_line_items" ADD CONSTRAINT "order_line_items_quantity_check" CHECK ("quantity" > 0 AND "unit_value_cents" >= 0 AND "short_units" >= 0 AND "short_units" <= "quantity");
ALTER TABLE "stock_reservations" ADD CONSTRAINT "stock_reservations_quantity_check" CHECK ("quantity" > 0);
ALTER TABLE "order_transitions" ADD CONSTRAINT "order_transitions_actor_check" CHECK ("actor_kind" IN ('resident', 'leader', 'ops', 'system', 'payment'));
ALTER TABLE "payments" ADD CONSTRAINT "payments_status_check" CHECK ("status" IN ('created', 'succeeded', 'failed') AND "amount_cents" >= 0);
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_check" CHECK ("amount_cents" > 0 AND "status" IN ('succeeded', 'failed') AND "reason" IN ('shortage', 'quality', 'cancellation', 'min-group-unmet', 'late-payment', 'duplicate-payment'));
ALTER TABLE "refund_lines" ADD CONSTRAINT "refund_lines_check" CHECK ("quantity" >= 0 AND "amount_cents" >= 0);

-- At most one open payment intent per order (paying twice returns the same intent).
CREATE UNIQUE INDEX "payments_one_open_per_order" ON "payments" ("order_id") WHERE "status" = 'created';
CREATE INDEX "orders_pending_expiry_idx" ON "orders" ("expires_at") WHERE "status" = 'pending_payment';
CREATE INDEX "orders_picked_up_idx" ON "orders" ("picked_up_at") WHERE "status" = 'picked_up';
CREATE INDEX "outbox_events_unpublished_idx" ON "outbox_events" ("created_at") WHERE "published_at" IS NULL;

-- Stock reservation (docs/adr/0004-stock-reservation.md). For each SKU, in the order given (callers
-- sort by SKU id, so concurrent orders lock in one global order): take the whole quantity from one
-- random bucket nobody holds (SKIP LOCKED); failing that, wait for one random bucket that had enough;
-- failing that, lock every bucket of the SKU in bucket order and take across them. Only that last
-- step decides "exhausted", with every bucket locked, so stock is never refused while it exists.
-- Returns NULL when everything was reserved, else the first SKU that lacked stock (the caller rolls back).
CREATE FUNCTION orders_reserve_stock(p_order uuid, p_campaign uuid, p_skus uuid[], p_quantities int[])
RETURNS uuid LANGUAGE plpgsql AS $$
DECLARE
  i int;
  v_sku uuid;
  v_need int;
  v_bucket int;
  v_total int;
  v_take int;
  r record;
BEGIN
  FOR i IN 1 .. coalesce(array_length(p_skus, 1), 0) LOOP
    v_sku := p_skus[i];
    v_need := p_quantities[i];
    v_bucket := NULL;
    UPDATE stock_buckets b SET remaining = b.remaining - v_need
     WHERE b.campaign_id = p_campaign AND b.sku_id = v_sku AND b.remaining >= v_need
       AND b.bucket = (SELECT s.bucket FROM stock_buckets s
                        WHERE s.campaign_id = p_campaign AND s.sku_id = v_sku AND s.remaining >= v_need
                        ORDER BY random() LIMIT 1 FOR UPDATE SKIP LOCKED)
    RETURNING b.bucket INTO v_bucket;
    IF v_bucket IS NULL THEN
      UPDATE stock_buckets b SET remaining = b.remaining - v_need
       WHERE b.campaign_id = p_campaign AND b.sku_id = v_sku AND b.remaining >= v_need
         AND b.bucket = (SELECT s.bucket FROM stock_buckets s
                          WHERE s.campaign_id = p_campaign AND s.sku_id = v_sku AND s.remaining >= v_need
                          ORDER BY random() LIMIT 1)
      RETURNING b.bucket INTO v_bucket;
    END IF;
    IF v_bucket IS NOT NULL THEN
      INSERT INTO stock_reservations (order_id, campaign_id, sku_id, bucket, quantity) VALUES (p_order, p_campaign, v_sku, v_bucket, v_need);
      CONTINUE;
    END IF;
    SELECT coalesce(sum(t.remaining), 0) INTO v_total FROM (
      SELECT s.remaining FROM stock_buckets s WHERE s.campaign_id = p_campaign AND s.sku_id = v_sku ORDER BY s.bucket FOR UPDATE
    ) t;
    IF v_total < v_need THEN
      RETURN v_sku;
    END IF;
    FOR r IN SELECT s.bucket, s.remaining FROM stock_buckets s
              WHERE s.campaign_id = p_campaign AND s.sku_id = v_sku AND s.remaining > 0 ORDER BY s.bucket LOOP
      EXIT WHEN v_need = 0;
      v_take := least(v_need, r.remaining);
      UPDATE stock_buckets SET remaining = remaining - v_take WHERE campaign_id = p_campaign AND sku_id = v_sku AND bucket = r.bucket;
      INSERT INTO stock_reservations (order_id, campaign_id, sku_id, bucket, quantity) VALUES (p_order, p_campaign, v_sku, r.bucket, v_take);
      v_need := v_need - v_take;
    END LOOP;
  END LOOP;
  RETURN NULL;
END
$$;

-- Returns an order's unreleased units to the buckets they came from, locking in (SKU, bucket) order.
CREATE FUNCTION orders_release_stock(p_order uuid) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
  r record;
  v_units int := 0;
BEGIN
  FOR r IN SELECT campaign_id, sku_id, bucket, quantity FROM stock_reservations
            WHERE order_id = p_order AND released_at IS NULL ORDER BY sku_id, bucket FOR UPDATE LOOP
    UPDATE stock_buckets SET remaining = remaining + r.quantity
     WHERE campaign_id = r.campaign_id AND sku_id = r.sku_id AND bucket = r.bucket;
    v_units := v_units + r.quantity;
  END LOOP;
  UPDATE stock_reservations SET released_at = now() WHERE order_id = p_order AND released_at IS NULL;
  RETURN v_units;
END
$$;
