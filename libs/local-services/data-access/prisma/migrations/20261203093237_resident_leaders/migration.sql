-- AlterTable
ALTER TABLE "resident_places" ADD COLUMN     "pickup_point_id" UUID;

-- CreateTable
CREATE TABLE "pickup_point_leaders" (
    "pickup_point_id" UUID NOT NULL,
    "leader_user_id" UUID NOT NULL,

    CONSTRAINT "pickup_point_leaders_pkey" PRIMARY KEY ("pickup_point_id")
);

-- CreateIndex
CREATE INDEX "pickup_point_leaders_leader_user_id_idx" ON "pickup_point_leaders"("leader_user_id");
