-- CreateTable
CREATE TABLE "nps_responses" (
    "response_id" UUID NOT NULL,
    "user_id" TEXT,
    "score" INTEGER NOT NULL,
    "trigger" TEXT NOT NULL,
    "compound_id" TEXT,
    "pickup_point_id" TEXT,
    "leader_user_id" TEXT,
    "answered_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "nps_responses_pkey" PRIMARY KEY ("response_id")
);

-- CreateIndex
CREATE INDEX "nps_responses_answered_at_idx" ON "nps_responses"("answered_at");
ALTER TABLE "nps_responses" ADD CONSTRAINT "nps_responses_score_check" CHECK ("score" BETWEEN 0 AND 10);
