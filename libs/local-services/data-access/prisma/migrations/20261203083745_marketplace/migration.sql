-- CreateTable
CREATE TABLE "providers" (
    "id" UUID NOT NULL,
    "owner_user_id" UUID NOT NULL,
    "company_name" TEXT NOT NULL,
    "contact_phone" TEXT NOT NULL,
    "licence_refs" JSONB NOT NULL,
    "categories" TEXT[],
    "compound_ids" TEXT[],
    "cancel_notice_hours" INTEGER NOT NULL DEFAULT 24,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "decision_reason" TEXT,
    "decided_by" UUID,
    "decided_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "providers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_keys" (
    "id" UUID NOT NULL,
    "provider_id" UUID NOT NULL,
    "key_hash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "label" TEXT,
    "scopes" TEXT[],
    "rotated_from" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "last_used_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_log" (
    "id" BIGSERIAL NOT NULL,
    "provider_id" UUID,
    "key_id" UUID,
    "actor_user_id" UUID,
    "action" TEXT NOT NULL,
    "target" TEXT,
    "outcome" TEXT NOT NULL,
    "code" TEXT,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "offerings" (
    "id" UUID NOT NULL,
    "provider_id" UUID NOT NULL,
    "category" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "price_cents" INTEGER NOT NULL,
    "duration_minutes" INTEGER NOT NULL,
    "compound_ids" TEXT[],
    "points_price" INTEGER,
    "mode" TEXT NOT NULL DEFAULT 'slots',
    "sensitive" BOOLEAN NOT NULL DEFAULT false,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "offerings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "practitioners" (
    "id" UUID NOT NULL,
    "provider_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "practitioners_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "practitioner_windows" (
    "id" BIGSERIAL NOT NULL,
    "practitioner_id" UUID NOT NULL,
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "ends_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "practitioner_windows_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "slots" (
    "id" UUID NOT NULL,
    "offering_id" UUID NOT NULL,
    "provider_id" UUID NOT NULL,
    "practitioner_id" UUID,
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "ends_at" TIMESTAMPTZ(3) NOT NULL,
    "capacity" INTEGER NOT NULL,
    "booked" INTEGER NOT NULL DEFAULT 0,
    "status" TEXT NOT NULL DEFAULT 'open',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "slots_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "bookings" (
    "id" UUID NOT NULL,
    "provider_id" UUID NOT NULL,
    "offering_id" UUID NOT NULL,
    "slot_id" UUID,
    "practitioner_id" UUID,
    "user_id" UUID NOT NULL,
    "compound_id" TEXT NOT NULL,
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "ends_at" TIMESTAMPTZ(3) NOT NULL,
    "status" TEXT NOT NULL,
    "price_cents" INTEGER NOT NULL,
    "points_used" INTEGER NOT NULL DEFAULT 0,
    "points_cents" INTEGER NOT NULL DEFAULT 0,
    "cash_cents" INTEGER NOT NULL,
    "points_reservation_id" TEXT,
    "points_state" TEXT NOT NULL DEFAULT 'none',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "bookings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "booking_sensitive" (
    "booking_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "note" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "booking_sensitive_pkey" PRIMARY KEY ("booking_id")
);

-- CreateTable
CREATE TABLE "reviews" (
    "booking_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "rating" INTEGER NOT NULL,
    "text" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "reviews_pkey" PRIMARY KEY ("booking_id")
);

-- CreateTable
CREATE TABLE "payments" (
    "id" UUID NOT NULL,
    "booking_id" UUID NOT NULL,
    "provider" TEXT NOT NULL,
    "provider_payment_id" TEXT,
    "amount_cents" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'created',
    "client_params" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "payments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payment_notifications" (
    "notification_id" TEXT NOT NULL,
    "payment_id" UUID NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "payment_notifications_pkey" PRIMARY KEY ("notification_id")
);

-- CreateTable
CREATE TABLE "webhook_endpoints" (
    "id" UUID NOT NULL,
    "provider_id" UUID NOT NULL,
    "url" TEXT NOT NULL,
    "secret" TEXT NOT NULL,
    "events" TEXT[],
    "active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_endpoints_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_deliveries" (
    "id" TEXT NOT NULL,
    "endpoint_id" UUID NOT NULL,
    "provider_id" UUID NOT NULL,
    "event_type" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) DEFAULT CURRENT_TIMESTAMP,
    "delivered_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_attempts" (
    "id" BIGSERIAL NOT NULL,
    "delivery_id" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "status_code" INTEGER,
    "error" TEXT,
    "duration_ms" INTEGER NOT NULL,

    CONSTRAINT "webhook_attempts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "resident_places" (
    "user_id" UUID NOT NULL,
    "compound_id" TEXT NOT NULL,
    "bound_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "resident_places_pkey" PRIMARY KEY ("user_id")
);

-- CreateIndex
CREATE INDEX "providers_owner_user_id_idx" ON "providers"("owner_user_id");

-- CreateIndex
CREATE INDEX "providers_status_created_at_idx" ON "providers"("status", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "api_keys_key_hash_key" ON "api_keys"("key_hash");

-- CreateIndex
CREATE INDEX "api_keys_provider_id_idx" ON "api_keys"("provider_id");

-- CreateIndex
CREATE INDEX "audit_log_provider_id_at_idx" ON "audit_log"("provider_id", "at");

-- CreateIndex
CREATE INDEX "offerings_provider_id_idx" ON "offerings"("provider_id");

-- CreateIndex
CREATE INDEX "practitioners_provider_id_idx" ON "practitioners"("provider_id");

-- CreateIndex
CREATE INDEX "practitioner_windows_practitioner_id_starts_at_idx" ON "practitioner_windows"("practitioner_id", "starts_at");

-- CreateIndex
CREATE INDEX "slots_offering_id_starts_at_idx" ON "slots"("offering_id", "starts_at");

-- CreateIndex
CREATE INDEX "bookings_user_id_created_at_idx" ON "bookings"("user_id", "created_at");

-- CreateIndex
CREATE INDEX "bookings_provider_id_created_at_idx" ON "bookings"("provider_id", "created_at");

-- CreateIndex
CREATE INDEX "booking_sensitive_user_id_idx" ON "booking_sensitive"("user_id");

-- CreateIndex
CREATE INDEX "reviews_user_id_idx" ON "reviews"("user_id");

-- CreateIndex
CREATE INDEX "payments_booking_id_idx" ON "payments"("booking_id");

-- CreateIndex
CREATE INDEX "webhook_endpoints_provider_id_idx" ON "webhook_endpoints"("provider_id");

-- CreateIndex
CREATE INDEX "webhook_deliveries_provider_id_created_at_idx" ON "webhook_deliveries"("provider_id", "created_at");

-- CreateIndex
CREATE INDEX "webhook_attempts_delivery_id_attempt_idx" ON "webhook_attempts"("delivery_id", "attempt");

-- What Prisma cannot express: the guarantees bookings rely on.
CREATE EXTENSION IF NOT EXISTS btree_gist;

ALTER TABLE "slots" ADD CONSTRAINT "slots_booked_within_capacity" CHECK ("booked" >= 0 AND "booked" <= "capacity");
ALTER TABLE "slots" ADD CONSTRAINT "slots_period_valid" CHECK ("ends_at" > "starts_at");
-- A practitioner's slot is one appointment; their open slots never overlap.
ALTER TABLE "slots" ADD CONSTRAINT "slots_practitioner_single" CHECK ("practitioner_id" IS NULL OR "capacity" = 1);
ALTER TABLE "slots" ADD CONSTRAINT "slots_practitioner_no_overlap"
  EXCLUDE USING gist ("practitioner_id" WITH =, tstzrange("starts_at", "ends_at") WITH &&)
  WHERE ("practitioner_id" IS NOT NULL AND "status" = 'open');

ALTER TABLE "bookings" ADD CONSTRAINT "bookings_period_valid" CHECK ("ends_at" > "starts_at");
ALTER TABLE "bookings" ADD CONSTRAINT "bookings_amounts_valid" CHECK ("cash_cents" >= 0 AND "points_cents" >= 0 AND "cash_cents" + "points_cents" = "price_cents");
-- Never two live bookings of one practitioner at overlapping times.
ALTER TABLE "bookings" ADD CONSTRAINT "bookings_practitioner_no_overlap"
  EXCLUDE USING gist ("practitioner_id" WITH =, tstzrange("starts_at", "ends_at") WITH &&)
  WHERE ("practitioner_id" IS NOT NULL AND "status" IN ('pending_payment', 'paid', 'confirmed', 'completed'));
-- One live booking per resident and slot.
CREATE UNIQUE INDEX "bookings_one_per_resident_and_slot" ON "bookings" ("slot_id", "user_id")
  WHERE "slot_id" IS NOT NULL AND "status" IN ('pending_payment', 'paid', 'confirmed', 'completed');

ALTER TABLE "reviews" ADD CONSTRAINT "reviews_rating_range" CHECK ("rating" BETWEEN 1 AND 5);
ALTER TABLE "practitioner_windows" ADD CONSTRAINT "practitioner_windows_valid" CHECK ("ends_at" > "starts_at");

-- The dispatcher's claim: due pending deliveries in order.
CREATE INDEX "webhook_deliveries_due_idx" ON "webhook_deliveries" ("next_attempt_at") WHERE "status" = 'pending';
