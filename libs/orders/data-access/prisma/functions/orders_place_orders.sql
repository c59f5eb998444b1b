-- orders_place_orders: today's definition, applied after the migrations by migrate() (see ../../README.md).
--
-- Places a batch of orders (p_orders: one element per order, built by the data-access lib's
-- placementJson) in one statement and one transaction, answering per order 'placed', 'duplicate'
-- (the idempotency key is taken), 'limit:<offer id>', 'short:<sku id>' or 'full:<pickup point id>'
-- (the point's daily capacity for the delivery date, counted in pickup_point_days). Each order is
-- decided in turn as it would be alone (a refused order is rolled back to its start, so the call
-- succeeds), writing inside that per-order block only what a decision needs: the order row (which
-- claims the idempotency key), its parcel at the pickup point's delivery day, the per-customer quotas
-- and the stock buckets. The rows that follow from a placed order (lines, items, first transition,
-- outbox event, stock reservations) are inserted after the loop, one statement per table for the
-- whole batch: a profile of the flash-sale benchmark showed most of the time per order in starting
-- and ending the executor of its many small statements and in re-reading the tables' check
-- constraints for each of them.
-- An order paid partly with points carries `points`, `pointsDiscount` and `pointsReservation` (the
-- growth ledger's hold, taken before the call); an order without them writes 0 / 0 / NULL.
-- Lock order, as everywhere: the batch's pickup point days (first, in one order) → order row →
-- quota rows (offer order) → stock buckets (SKU order).
CREATE OR REPLACE FUNCTION orders_place_orders(p_orders jsonb)
RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE
  o jsonb;
  n bigint;
  v_outcomes text[] := '{}';
  v_placed bigint[] := '{}';
  -- reservations of the orders placed so far, and of the order being decided
  r_order uuid[] := '{}'; r_campaign uuid[] := '{}'; r_sku uuid[] := '{}'; r_bucket int[] := '{}'; r_qty int[] := '{}';
  t_sku uuid[]; t_bucket int[]; t_qty int[];
  v_id uuid;
  v_campaign uuid;
  v_quotas uuid[];
  v_over uuid;
  i int;
  v_sku uuid;
  v_need int;
  v_bucket int;
  v_total int;
  v_take int;
  rb record;
  v_parcels int;
BEGIN
  -- The batch's pickup point days, created when missing and locked in one order before any other
  -- row, so placements and releases (which take the day row before quota and stock rows) never
  -- wait on each other in a cycle.
  INSERT INTO pickup_point_days (pickup_point_id, delivery_date, parcels)
  SELECT DISTINCT (b.value->>'pickupPoint')::uuid, c.delivery_date, 0
    FROM jsonb_array_elements(p_orders) AS b(value) JOIN campaigns c ON c.id = (b.value->>'campaign')::uuid
   ORDER BY 1, 2
  ON CONFLICT (pickup_point_id, delivery_date) DO NOTHING;
  PERFORM 1 FROM pickup_point_days d
   WHERE (d.pickup_point_id, d.delivery_date) IN (
           SELECT (b.value->>'pickupPoint')::uuid, c.delivery_date
             FROM jsonb_array_elements(p_orders) AS b(value) JOIN campaigns c ON c.id = (b.value->>'campaign')::uuid)
   ORDER BY d.pickup_point_id, d.delivery_date
     FOR UPDATE;

  FOR o, n IN SELECT b.value, b.n FROM jsonb_array_elements(p_orders) WITH ORDINALITY AS b(value, n) ORDER BY b.n LOOP
    t_sku := '{}'; t_bucket := '{}'; t_qty := '{}'; v_parcels := NULL;
    v_campaign := (o->>'campaign')::uuid;
    BEGIN
      INSERT INTO orders (id, user_id, campaign_id, pickup_point_id, compound_id, status, idempotency_key, request_hash,
                          total_cents, pickup_code, placed_at, expires_at, updated_at,
                          points_spent, points_discount_cents, points_reservation_id)
      VALUES ((o->>'order')::uuid, (o->>'user')::uuid, v_campaign, (o->>'pickupPoint')::uuid, o->>'compound', 'pending_payment',
              o->>'key', o->>'hash', (o->>'total')::int, o->>'pickupCode', (o->>'at')::timestamptz, (o->>'expires')::timestamptz, (o->>'at')::timestamptz,
              coalesce((o->>'points')::int, 0), coalesce((o->>'pointsDiscount')::int, 0), (o->>'pointsReservation')::uuid)
      ON CONFLICT (user_id, idempotency_key) DO NOTHING RETURNING id INTO v_id;
      IF v_id IS NULL THEN
        v_outcomes := v_outcomes || 'duplicate'::text;
        CONTINUE;
      END IF;

      -- one parcel more at the pickup point on the delivery date, within its daily capacity (a point
      -- not yet known to this service's copy has no limit)
      UPDATE pickup_point_days d SET parcels = d.parcels + 1
        FROM campaigns c
       WHERE c.id = v_campaign AND d.pickup_point_id = (o->>'pickupPoint')::uuid AND d.delivery_date = c.delivery_date
         AND d.parcels < coalesce((SELECT p.capacity FROM pickup_points p WHERE p.id = d.pickup_point_id), 2147483647)
      RETURNING d.parcels INTO v_parcels;
      IF v_parcels IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'LS004', MESSAGE = o->>'pickupPoint';
      END IF;

      -- per-customer quotas, in offer order (the one lock order of quota rows)
      IF jsonb_array_length(o->'quotas') > 0 THEN
        WITH quota AS (
          INSERT INTO customer_quotas (campaign_id, offer_id, user_id, quantity, limit_qty)
          SELECT v_campaign, q.offer_id, (o->>'user')::uuid, q.quantity, q.limit_qty
            FROM jsonb_to_recordset(o->'quotas') AS q(offer_id uuid, quantity int, limit_qty int) ORDER BY q.offer_id
          ON CONFLICT (campaign_id, offer_id, user_id) DO UPDATE SET quantity = customer_quotas.quantity + EXCLUDED.quantity
           WHERE customer_quotas.quantity + EXCLUDED.quantity <= customer_quotas.limit_qty
          RETURNING offer_id
        )
        SELECT ARRAY(SELECT quota.offer_id FROM quota) INTO v_quotas;
        SELECT q.offer_id INTO v_over FROM jsonb_to_recordset(o->'quotas') AS q(offer_id uuid)
         WHERE q.offer_id <> ALL (v_quotas) ORDER BY q.offer_id LIMIT 1;
        IF v_over IS NOT NULL THEN
          RAISE EXCEPTION USING ERRCODE = 'LS002', MESSAGE = v_over::text;
        END IF;
      END IF;

      -- stock, SKU by SKU in the order given (SKU-id order)
      -- (docs/adr/0004-stock-reservation.md): one free bucket with enough, else one bucket with
      -- enough (waiting for it), else every bucket of the SKU in bucket order.
      FOR i IN 0 .. jsonb_array_length(o->'skus') - 1 LOOP
        v_sku := (o->'skus'->>i)::uuid;
        v_need := (o->'quantities'->>i)::int;
        v_bucket := NULL;
        BEGIN
          UPDATE stock_buckets b SET remaining = b.remaining - v_need
           WHERE b.campaign_id = v_campaign AND b.sku_id = v_sku AND b.remaining >= v_need
             AND b.bucket = (SELECT s.bucket FROM stock_buckets s
                              WHERE s.campaign_id = v_campaign AND s.sku_id = v_sku AND s.remaining >= v_need
                              ORDER BY random() LIMIT 1 FOR UPDATE SKIP LOCKED)
          RETURNING b.bucket INTO v_bucket;
          IF v_bucket IS NULL THEN
            RAISE EXCEPTION 'no free bucket' USING ERRCODE = 'LS001';
          END IF;
        EXCEPTION WHEN SQLSTATE 'LS001' THEN
          v_bucket := NULL;
        END;
        IF v_bucket IS NULL THEN
          BEGIN
            UPDATE stock_buckets b SET remaining = b.remaining - v_need
             WHERE b.campaign_id = v_campaign AND b.sku_id = v_sku AND b.remaining >= v_need
               AND b.bucket = (SELECT s.bucket FROM stock_buckets s
                                WHERE s.campaign_id = v_campaign AND s.sku_id = v_sku AND s.remaining >= v_need
                                ORDER BY random() LIMIT 1)
            RETURNING b.bucket INTO v_bucket;
            IF v_bucket IS NULL THEN
              RAISE EXCEPTION 'no bucket with enough' USING ERRCODE = 'LS001';
            END IF;
          EXCEPTION WHEN SQLSTATE 'LS001' THEN
            v_bucket := NULL;
          END;
        END IF;
        IF v_bucket IS NOT NULL THEN
          t_sku := t_sku || v_sku; t_bucket := t_bucket || v_bucket; t_qty := t_qty || v_need;
          CONTINUE;
        END IF;
        SELECT coalesce(sum(t.remaining), 0) INTO v_total FROM (
          SELECT s.remaining FROM stock_buckets s WHERE s.campaign_id = v_campaign AND s.sku_id = v_sku ORDER BY s.bucket FOR UPDATE
        ) t;
        IF v_total < v_need THEN
          RAISE EXCEPTION USING ERRCODE = 'LS003', MESSAGE = v_sku::text;
        END IF;
        FOR rb IN SELECT s.bucket, s.remaining FROM stock_buckets s
                   WHERE s.campaign_id = v_campaign AND s.sku_id = v_sku AND s.remaining > 0 ORDER BY s.bucket LOOP
          EXIT WHEN v_need = 0;
          v_take := least(v_need, rb.remaining);
          UPDATE stock_buckets SET remaining = remaining - v_take WHERE campaign_id = v_campaign AND sku_id = v_sku AND bucket = rb.bucket;
          t_sku := t_sku || v_sku; t_bucket := t_bucket || rb.bucket; t_qty := t_qty || v_take;
          v_need := v_need - v_take;
        END LOOP;
      END LOOP;

      -- placed: nothing below can fail, so the batch's lists take this order's part
      v_placed := v_placed || n;
      r_order := r_order || array_fill(v_id, ARRAY[cardinality(t_sku)]);
      r_campaign := r_campaign || array_fill(v_campaign, ARRAY[cardinality(t_sku)]);
      r_sku := r_sku || t_sku; r_bucket := r_bucket || t_bucket; r_qty := r_qty || t_qty;
      v_outcomes := v_outcomes || 'placed'::text;
    EXCEPTION
      WHEN SQLSTATE 'LS002' THEN v_outcomes := v_outcomes || ('limit:' || SQLERRM);
      WHEN SQLSTATE 'LS003' THEN v_outcomes := v_outcomes || ('short:' || SQLERRM);
      WHEN SQLSTATE 'LS004' THEN v_outcomes := v_outcomes || ('full:' || SQLERRM);
    END;
  END LOOP;

  IF cardinality(v_placed) = 0 THEN
    RETURN v_outcomes;
  END IF;
  WITH placed AS MATERIALIZED (
    SELECT b.value AS o, b.n FROM jsonb_array_elements(p_orders) WITH ORDINALITY AS b(value, n) WHERE b.n = ANY (v_placed)
  ), line_rows AS (
    INSERT INTO order_lines (id, order_id, line_no, offer_id, kind, sku_id, bundle_id, product_id, category_id, name, quantity, unit_price_cents, amount_cents)
    SELECT l.id, (p.o->>'order')::uuid, l.line_no, l.offer_id, l.kind, l.sku_id, l.bundle_id, l.product_id, l.category_id, l.name, l.quantity, l.unit_price_cents, l.amount_cents
      FROM placed p, jsonb_to_recordset(p.o->'lines') AS l(id uuid, line_no int, offer_id uuid, kind text, sku_id uuid, bundle_id uuid, product_id uuid,
                                                         category_id text, name text, quantity int, unit_price_cents int, amount_cents int)
  ), item_rows AS (
    INSERT INTO order_line_items (line_id, order_id, sku_id, product_id, category_id, quantity, unit_value_cents)
    SELECT it.line_id, (p.o->>'order')::uuid, it.sku_id, it.product_id, it.category_id, it.quantity, it.unit_value_cents
      FROM placed p, jsonb_to_recordset(p.o->'items') AS it(line_id uuid, sku_id uuid, product_id uuid, category_id text, quantity int, unit_value_cents int)
  ), first_transitions AS (
    INSERT INTO order_transitions (order_id, from_status, to_status, actor_kind, actor_user_id, reason, at)
    SELECT (p.o->>'order')::uuid, NULL, 'pending_payment', p.o->>'actorKind', (p.o->>'actorUser')::uuid, NULL, (p.o->>'at')::timestamptz FROM placed p
  ), reservations AS (
    INSERT INTO stock_reservations (order_id, campaign_id, sku_id, bucket, quantity)
    SELECT r.order_id, r.campaign_id, r.sku_id, r.bucket, r.quantity FROM unnest(r_order, r_campaign, r_sku, r_bucket, r_qty) AS r(order_id, campaign_id, sku_id, bucket, quantity)
  )
  -- events in batch order: the relay publishes in insertion (seq) order
  INSERT INTO outbox_events (id, subject, payload, trace_context)
  SELECT (p.o->>'eventId')::uuid, p.o->>'eventSubject', p.o->'eventPayload', p.o->'eventTrace' FROM placed p ORDER BY p.n;
  RETURN v_outcomes;
END
$$;
