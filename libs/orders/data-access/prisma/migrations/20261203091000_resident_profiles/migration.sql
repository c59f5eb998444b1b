-- The orders service's copy of what a leader needs to hand a resident their bag (display name,
-- building), fed by identity.profile.updated.v1 and deleted on identity.user.erased.v1.
-- CreateTable
CREATE TABLE "resident_profiles" (
    "user_id" UUID NOT NULL,
    "display_name" TEXT,
    "building" TEXT,
    "event_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "resident_profiles_pkey" PRIMARY KEY ("user_id")
);
