-- orders_release_stock: today's definition, applied after the migrations by migrate() (see ../../README.md).
--
-- Returns an order's unreleased units to the buckets they came from, locking in (SKU, bucket) order.
CREATE OR REPLACE FUNCTION orders_release_stock(p_order uuid) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
  r record;
  v_units int := 0;
BEGIN
  FOR r IN SELECT campaign_id, sku_id, bucket, quantity FROM stock_reservations
            WHERE order_id = p_order AND released_at IS NULL ORDER BY sku_id, bucket FOR UPDATE LOOP
    UPDATE stock_buckets SET remaining = remaining + r.quantity
     WHERE campaign_id = r.campaign_id AND sku_id = r.sku_id AND bucket = r.bucket;
    v_units := v_units + r.quantity;
  END LOOP;
  UPDATE stock_reservations SET released_at = now() WHERE order_id = p_order AND released_at IS NULL;
  RETURN v_units;
END
$$;
