-- Points spent on an order (issue 15): the growth ledger's reservation that holds them, how many, and
-- what they took off the total. The money to pay is total_cents - points_discount_cents; an order
-- without points keeps 0 / 0 / NULL. orders_place_orders (prisma/functions) writes them from the
-- placement document when present.
ALTER TABLE "orders" ADD COLUMN "points_spent" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN "points_discount_cents" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN "points_reservation_id" UUID;

ALTER TABLE "orders" ADD CONSTRAINT "orders_points_check"
  CHECK (points_spent >= 0 AND points_discount_cents >= 0 AND points_discount_cents < total_cents
         AND (points_spent = 0) = (points_reservation_id IS NULL));
