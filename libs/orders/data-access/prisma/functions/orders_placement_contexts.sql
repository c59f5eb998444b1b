-- orders_placement_contexts: today's definition, applied after the migrations by migrate() (see ../../README.md).
--
-- What placing reads before it writes, for every element of p_requests ([{user, key, campaign,
-- offers}]), answered in array order (n): the order already placed under the idempotency key, the
-- resident's binding, the campaign, whether it serves the resident, the requested offers with their
-- components, and the stock left per requested SKU (all buckets, as read, without locks). One query
-- per batch: it starts its executor (a plan of joins, aggregates and sorts) once, and reads each
-- requested offer, its components and its stock once, however many requests name it. A PL/pgSQL
-- function so that PostgreSQL keeps the plan per connection.
CREATE OR REPLACE FUNCTION orders_placement_contexts(p_requests jsonb)
RETURNS TABLE (n bigint, existing json, binding json, campaign json, serves boolean, offers json, available json)
LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN QUERY
  WITH req AS MATERIALIZED (
    SELECT e.n, (e.value->>'user')::uuid AS user_id, e.value->>'key' AS idem_key, (e.value->>'campaign')::uuid AS campaign_id,
           ARRAY(SELECT jsonb_array_elements_text(e.value->'offers'))::uuid[] AS offer_ids
      FROM jsonb_array_elements(p_requests) WITH ORDINALITY AS e(value, n)
  ), wanted AS MATERIALIZED (
    SELECT DISTINCT r.campaign_id, w.offer_id FROM req r, unnest(r.offer_ids) AS w(offer_id)
  ), offer AS MATERIALIZED (
    SELECT f.campaign_id, f.id AS offer_id,
           json_build_object(
             'offerId', f.id, 'kind', f.kind, 'skuId', f.sku_id, 'bundleId', f.bundle_id, 'productId', s.product_id,
             'categoryId', p.category_id, 'name', CASE WHEN f.kind = 'sku' THEN p.name ELSE bu.name END,
             'priceCents', f.price_cents, 'perCustomerLimit', f.per_customer_limit,
             'components', CASE WHEN f.kind = 'sku'
               THEN json_build_array(json_build_object('skuId', s.id, 'productId', s.product_id, 'categoryId', p.category_id, 'perUnit', 1, 'listPriceCents', s.price_cents))
               ELSE (SELECT coalesce(json_agg(json_build_object('skuId', i.sku_id, 'productId', si.product_id, 'categoryId', pi.category_id,
                                                                'perUnit', i.quantity, 'listPriceCents', si.price_cents)), '[]'::json)
                       FROM bundle_items i JOIN skus si ON si.id = i.sku_id JOIN products pi ON pi.id = si.product_id
                      WHERE i.bundle_id = f.bundle_id) END) AS doc,
           CASE WHEN f.sku_id IS NOT NULL THEN ARRAY[f.sku_id]
                ELSE ARRAY(SELECT i.sku_id FROM bundle_items i WHERE i.bundle_id = f.bundle_id) END AS sku_ids
      FROM wanted w
      JOIN campaign_offers f ON f.campaign_id = w.campaign_id AND f.id = w.offer_id
      LEFT JOIN skus s ON s.id = f.sku_id LEFT JOIN products p ON p.id = s.product_id LEFT JOIN bundles bu ON bu.id = f.bundle_id
  ), stock AS MATERIALIZED (
    SELECT sb.campaign_id, sb.sku_id, sum(sb.remaining)::int AS remaining
      FROM stock_buckets sb
     WHERE (sb.campaign_id, sb.sku_id) IN (SELECT o.campaign_id, unnest(o.sku_ids) FROM offer o)
     GROUP BY sb.campaign_id, sb.sku_id
  )
  SELECT r.n,
    (SELECT json_build_object('id', o.id, 'request_hash', o.request_hash) FROM orders o
      WHERE o.user_id = r.user_id AND o.idempotency_key = r.idem_key),
    (SELECT json_build_object('user_id', b.user_id, 'pickup_point_id', b.pickup_point_id, 'compound_id', b.compound_id)
       FROM resident_bindings b WHERE b.user_id = r.user_id),
    (SELECT json_build_object('id', c.id, 'status', c.status, 'starts_at', c.starts_at, 'cutoff_at', c.cutoff_at)
       FROM campaigns c WHERE c.id = r.campaign_id),
    EXISTS (SELECT 1 FROM resident_bindings b JOIN campaign_targets t ON t.campaign_id = r.campaign_id
              AND ((t.kind = 'compound' AND t.target_id = b.compound_id) OR (t.kind = 'pickup_point' AND t.target_id = b.pickup_point_id::text))
             WHERE b.user_id = r.user_id),
    (SELECT coalesce(json_agg(o.doc), '[]'::json) FROM offer o WHERE o.campaign_id = r.campaign_id AND o.offer_id = ANY (r.offer_ids)),
    (SELECT coalesce(json_object_agg(st.sku_id, st.remaining), '{}'::json) FROM stock st
      WHERE st.campaign_id = r.campaign_id
        AND st.sku_id IN (SELECT unnest(o.sku_ids) FROM offer o WHERE o.campaign_id = r.campaign_id AND o.offer_id = ANY (r.offer_ids)))
  FROM req r
  ORDER BY r.n;
END
$$;
