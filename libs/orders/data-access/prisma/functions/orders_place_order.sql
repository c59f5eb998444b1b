-- orders_place_order: today's definition, applied after the migrations by migrate() (see ../../README.md).
--
-- Refusals come back as values instead of errors: 'limit:<offer id>' or 'short:<sku id>', besides
-- 'placed' and 'duplicate'. The work runs in a block that rolls back to its start on either refusal
-- (a subtransaction), so the call itself succeeds. An error would also have rolled everything back,
-- but the connection pool closes a connection whose query failed: every refused order cost a new
-- backend and the plans it had cached.
CREATE OR REPLACE FUNCTION orders_place_order(
  p_order uuid, p_user uuid, p_campaign uuid, p_pickup_point uuid, p_compound text,
  p_key text, p_hash text, p_total int, p_pickup_code text, p_at timestamptz, p_expires timestamptz,
  p_lines json, p_items json, p_actor_kind text, p_actor_user uuid, p_quotas json,
  p_event_id uuid, p_event_subject text, p_event_payload jsonb, p_event_trace jsonb,
  p_skus uuid[], p_quantities int[])
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  v_placed uuid;
  v_quotas uuid[];
  v_over uuid;
  v_short uuid;
BEGIN
  BEGIN
    WITH placed AS (
      INSERT INTO orders (id, user_id, campaign_id, pickup_point_id, compound_id, status, idempotency_key, request_hash,
                          total_cents, pickup_code, placed_at, expires_at, updated_at)
      VALUES (p_order, p_user, p_campaign, p_pickup_point, p_compound, 'pending_payment', p_key, p_hash, p_total, p_pickup_code, p_at, p_expires, p_at)
      ON CONFLICT (user_id, idempotency_key) DO NOTHING RETURNING id
    ), line_rows AS (
      INSERT INTO order_lines (id, order_id, line_no, offer_id, kind, sku_id, bundle_id, product_id, category_id, name, quantity, unit_price_cents, amount_cents)
      SELECT l.id, placed.id, l.line_no, l.offer_id, l.kind, l.sku_id, l.bundle_id, l.product_id, l.category_id, l.name, l.quantity, l.unit_price_cents, l.amount_cents
        FROM placed, json_to_recordset(p_lines) AS l(id uuid, line_no int, offer_id uuid, kind text, sku_id uuid, bundle_id uuid, product_id uuid,
                                                     category_id text, name text, quantity int, unit_price_cents int, amount_cents int)
    ), item_rows AS (
      INSERT INTO order_line_items (line_id, order_id, sku_id, product_id, category_id, quantity, unit_value_cents)
      SELECT i.line_id, placed.id, i.sku_id, i.product_id, i.category_id, i.quantity, i.unit_value_cents
        FROM placed, json_to_recordset(p_items) AS i(line_id uuid, sku_id uuid, product_id uuid, category_id text, quantity int, unit_value_cents int)
    ), first_transition AS (
      INSERT INTO order_transitions (order_id, from_status, to_status, actor_kind, actor_user_id, reason, at)
      SELECT placed.id, NULL, 'pending_payment', p_actor_kind, p_actor_user, NULL, p_at FROM placed
    ), quota AS (
      INSERT INTO customer_quotas (campaign_id, offer_id, user_id, quantity, limit_qty)
      SELECT p_campaign, q.offer_id, p_user, q.quantity, q.limit_qty
        FROM placed, json_to_recordset(p_quotas) AS q(offer_id uuid, quantity int, limit_qty int) ORDER BY q.offer_id
      ON CONFLICT (campaign_id, offer_id, user_id) DO UPDATE SET quantity = customer_quotas.quantity + EXCLUDED.quantity
       WHERE customer_quotas.quantity + EXCLUDED.quantity <= customer_quotas.limit_qty
      RETURNING offer_id
    ), event AS (
      INSERT INTO outbox_events (id, subject, payload, trace_context) SELECT p_event_id, p_event_subject, p_event_payload, p_event_trace FROM placed
    )
    SELECT placed.id, ARRAY(SELECT offer_id FROM quota) INTO v_placed, v_quotas FROM placed;

    IF v_placed IS NULL THEN
      RETURN 'duplicate';
    END IF;
    SELECT q.offer_id INTO v_over FROM json_to_recordset(p_quotas) AS q(offer_id uuid)
     WHERE q.offer_id <> ALL (v_quotas) ORDER BY q.offer_id LIMIT 1;
    IF v_over IS NOT NULL THEN
      RAISE EXCEPTION USING ERRCODE = 'LS002', MESSAGE = v_over::text;
    END IF;
    v_short := orders_reserve_stock(p_order, p_campaign, p_skus, p_quantities);
    IF v_short IS NOT NULL THEN
      RAISE EXCEPTION USING ERRCODE = 'LS003', MESSAGE = v_short::text;
    END IF;
    RETURN 'placed';
  EXCEPTION
    WHEN SQLSTATE 'LS002' THEN RETURN 'limit:' || SQLERRM;
    WHEN SQLSTATE 'LS003' THEN RETURN 'short:' || SQLERRM;
  END;
END
$$;
