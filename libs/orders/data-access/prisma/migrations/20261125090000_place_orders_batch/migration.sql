-- Places a batch of orders in one statement and one transaction: each element of p_orders holds the
-- arguments of orders_place_order, and each order runs exactly as it would alone (in array order,
-- refusals rolled back to that order's start), answering 'placed', 'duplicate', 'limit:<offer id>'
-- or 'short:<sku id>' per order. One commit for the batch instead of one per order. The batch is
-- jsonb, parsed once: reading fields of a json value re-parses its text on every access.
CREATE FUNCTION orders_place_orders(p_orders jsonb)
RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE
  o jsonb;
  v_outcomes text[] := '{}';
BEGIN
  FOR o IN SELECT b.value FROM jsonb_array_elements(p_orders) WITH ORDINALITY AS b(value, n) ORDER BY b.n LOOP
    v_outcomes := v_outcomes || orders_place_order(
      (o->>'order')::uuid, (o->>'user')::uuid, (o->>'campaign')::uuid, (o->>'pickupPoint')::uuid, o->>'compound',
      o->>'key', o->>'hash', (o->>'total')::int, o->>'pickupCode', (o->>'at')::timestamptz, (o->>'expires')::timestamptz,
      (o->'lines')::json, (o->'items')::json, o->>'actorKind', (o->>'actorUser')::uuid, (o->'quotas')::json,
      (o->>'eventId')::uuid, o->>'eventSubject', o->'eventPayload', o->'eventTrace',
      ARRAY(SELECT jsonb_array_elements_text(o->'skus'))::uuid[], ARRAY(SELECT jsonb_array_elements_text(o->'quantities'))::int[]);
  END LOOP;
  RETURN v_outcomes;
END
$$;
