-- CreateTable
CREATE TABLE "compounds" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "city" TEXT NOT NULL,
    "district" TEXT,
    "time_zone" TEXT NOT NULL DEFAULT 'Asia/Shanghai',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "compounds_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "leader_applications" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "compound_id" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "display_name" TEXT,
    "phone" TEXT,
    "statement" TEXT,
    "decision_reason" TEXT,
    "decided_by" UUID,
    "decided_at" TIMESTAMPTZ(3),
    "erased_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "leader_applications_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "pickup_points" (
    "id" UUID NOT NULL,
    "leader_user_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "opening_hours" JSONB NOT NULL,
    "capacity" INTEGER NOT NULL,
    "time_zone" TEXT NOT NULL DEFAULT 'Asia/Shanghai',
    "status" TEXT NOT NULL DEFAULT 'active',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "pickup_points_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "pickup_point_compounds" (
    "pickup_point_id" UUID NOT NULL,
    "compound_id" TEXT NOT NULL,

    CONSTRAINT "pickup_point_compounds_pkey" PRIMARY KEY ("pickup_point_id","compound_id")
);

-- CreateTable
CREATE TABLE "resident_bindings" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "pickup_point_id" UUID NOT NULL,
    "compound_id" TEXT NOT NULL,
    "bound_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "unbound_at" TIMESTAMPTZ(3),
    "end_reason" TEXT,

    CONSTRAINT "resident_bindings_pkey" PRIMARY KEY ("id")
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
CREATE INDEX "compounds_city_id_idx" ON "compounds"("city", "id");

-- CreateIndex
CREATE INDEX "leader_applications_user_id_status_idx" ON "leader_applications"("user_id", "status");

-- CreateIndex
CREATE INDEX "leader_applications_compound_id_status_idx" ON "leader_applications"("compound_id", "status");

-- CreateIndex
CREATE INDEX "leader_applications_status_created_at_idx" ON "leader_applications"("status", "created_at");

-- CreateIndex
CREATE INDEX "pickup_points_leader_user_id_idx" ON "pickup_points"("leader_user_id");

-- CreateIndex
CREATE INDEX "pickup_point_compounds_compound_id_idx" ON "pickup_point_compounds"("compound_id");

-- CreateIndex
CREATE INDEX "resident_bindings_user_id_bound_at_idx" ON "resident_bindings"("user_id", "bound_at");

-- CreateIndex
CREATE INDEX "resident_bindings_pickup_point_id_compound_id_idx" ON "resident_bindings"("pickup_point_id", "compound_id");

-- AddForeignKey
ALTER TABLE "leader_applications" ADD CONSTRAINT "leader_applications_compound_id_fkey" FOREIGN KEY ("compound_id") REFERENCES "compounds"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pickup_point_compounds" ADD CONSTRAINT "pickup_point_compounds_pickup_point_id_fkey" FOREIGN KEY ("pickup_point_id") REFERENCES "pickup_points"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pickup_point_compounds" ADD CONSTRAINT "pickup_point_compounds_compound_id_fkey" FOREIGN KEY ("compound_id") REFERENCES "compounds"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "resident_bindings" ADD CONSTRAINT "resident_bindings_pickup_point_id_fkey" FOREIGN KEY ("pickup_point_id") REFERENCES "pickup_points"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "resident_bindings" ADD CONSTRAINT "resident_bindings_compound_id_fkey" FOREIGN KEY ("compound_id") REFERENCES "compounds"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Invariants Prisma cannot express (added by hand)

-- At most one pending application per resident and compound.
CREATE UNIQUE INDEX "leader_applications_one_pending_idx" ON "leader_applications"("user_id", "compound_id") WHERE "status" = 'pending';

ALTER TABLE "leader_applications"
  ADD CONSTRAINT "leader_applications_status_check" CHECK ("status" IN ('pending', 'approved', 'rejected', 'withdrawn')),
  -- A decided application says when; a pending one has no decision.
  ADD CONSTRAINT "leader_applications_decision_check" CHECK (("status" = 'pending') = ("decided_at" IS NULL)),
  -- A rejection always carries its reason.
  ADD CONSTRAINT "leader_applications_reason_check" CHECK ("status" <> 'rejected' OR btrim(coalesce("decision_reason", '')) <> '');

ALTER TABLE "pickup_points"
  ADD CONSTRAINT "pickup_points_capacity_check" CHECK ("capacity" > 0),
  ADD CONSTRAINT "pickup_points_status_check" CHECK ("status" IN ('active', 'suspended'));

-- One current binding per resident; ended bindings stay as history.
CREATE UNIQUE INDEX "resident_bindings_one_current_idx" ON "resident_bindings"("user_id") WHERE "unbound_at" IS NULL;

ALTER TABLE "resident_bindings"
  ADD CONSTRAINT "resident_bindings_end_check" CHECK (("unbound_at" IS NULL) = ("end_reason" IS NULL)),
  ADD CONSTRAINT "resident_bindings_end_reason_check" CHECK ("end_reason" IS NULL OR "end_reason" IN ('rebound', 'merged')),
  ADD CONSTRAINT "resident_bindings_order_check" CHECK ("unbound_at" IS NULL OR "unbound_at" >= "bound_at");
