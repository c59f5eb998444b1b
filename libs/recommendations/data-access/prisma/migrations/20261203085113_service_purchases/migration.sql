-- CreateTable
CREATE TABLE "service_purchases" (
    "booking_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "compound_id" TEXT,
    "category" TEXT NOT NULL DEFAULT '',
    "amount_cents" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "booked_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "service_purchases_pkey" PRIMARY KEY ("booking_id")
);

-- CreateIndex
CREATE INDEX "service_purchases_user_id_booked_at_idx" ON "service_purchases"("user_id", "booked_at");

-- CreateIndex
CREATE INDEX "service_purchases_compound_id_booked_at_idx" ON "service_purchases"("compound_id", "booked_at");
