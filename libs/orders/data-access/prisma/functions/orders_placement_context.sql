-- orders_placement_context: today's definition, applied after the migrations by migrate() (see ../../README.md).
--
-- What placing one order reads before it writes, in one call: the order already placed under the
-- idempotency key, the resident's binding, the campaign, whether the campaign serves the resident,
-- the requested offers with their components, and the stock left per requested SKU (all buckets, as
-- read, without locks). Superseded by orders_placement_contexts (a batch per call); kept for
-- replicas of the previous release during a rolling upgrade.
CREATE OR REPLACE FUNCTION orders_placement_context(p_user uuid, p_key text, p_campaign uuid, p_offers uuid[])
RETURNS TABLE (existing json, binding json, campaign json, serves boolean, offers json, available json) LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN QUERY
  SELECT
    (SELECT json_build_object('id', o.id, 'request_hash', o.request_hash) FROM orders o
      WHERE o.user_id = p_user AND o.idempotency_key = p_key) AS existing,
    (SELECT json_build_object('user_id', b.user_id, 'pickup_point_id', b.pickup_point_id, 'compound_id', b.compound_id)
       FROM resident_bindings b WHERE b.user_id = p_user) AS binding,
    (SELECT json_build_object('id', c.id, 'status', c.status, 'starts_at', c.starts_at, 'cutoff_at', c.cutoff_at)
       FROM campaigns c WHERE c.id = p_campaign) AS campaign,
    EXISTS (SELECT 1 FROM resident_bindings b JOIN campaign_targets t ON t.campaign_id = p_campaign
              AND ((t.kind = 'compound' AND t.target_id = b.compound_id) OR (t.kind = 'pickup_point' AND t.target_id = b.pickup_point_id::text))
             WHERE b.user_id = p_user) AS serves,
    (SELECT coalesce(json_agg(json_build_object(
              'offerId', f.id, 'kind', f.kind, 'skuId', f.sku_id, 'bundleId', f.bundle_id, 'productId', s.product_id,
              'categoryId', p.category_id, 'name', CASE WHEN f.kind = 'sku' THEN p.name ELSE bu.name END,
              'priceCents', f.price_cents, 'perCustomerLimit', f.per_customer_limit,
              'components', CASE WHEN f.kind = 'sku'
                THEN json_build_array(json_build_object('skuId', s.id, 'productId', s.product_id, 'categoryId', p.category_id, 'perUnit', 1, 'listPriceCents', s.price_cents))
                ELSE (SELECT coalesce(json_agg(json_build_object('skuId', i.sku_id, 'productId', si.product_id, 'categoryId', pi.category_id,
                                                                 'perUnit', i.quantity, 'listPriceCents', si.price_cents)), '[]'::json)
                        FROM bundle_items i JOIN skus si ON si.id = i.sku_id JOIN products pi ON pi.id = si.product_id
                       WHERE i.bundle_id = f.bundle_id) END)), '[]'::json)
       FROM campaign_offers f LEFT JOIN skus s ON s.id = f.sku_id LEFT JOIN products p ON p.id = s.product_id LEFT JOIN bundles bu ON bu.id = f.bundle_id
      WHERE f.campaign_id = p_campaign AND f.id = ANY(p_offers)) AS offers,
    (SELECT coalesce(json_object_agg(x.sku_id, x.remaining), '{}'::json) FROM (
       SELECT sb.sku_id, sum(sb.remaining)::int AS remaining FROM stock_buckets sb
        WHERE sb.campaign_id = p_campaign AND sb.sku_id IN (
          SELECT f.sku_id FROM campaign_offers f WHERE f.campaign_id = p_campaign AND f.id = ANY (p_offers) AND f.sku_id IS NOT NULL
          UNION
          SELECT i.sku_id FROM campaign_offers f JOIN bundle_items i ON i.bundle_id = f.bundle_id WHERE f.campaign_id = p_campaign AND f.id = ANY (p_offers))
        GROUP BY sb.sku_id) x) AS available;
END
$$;
