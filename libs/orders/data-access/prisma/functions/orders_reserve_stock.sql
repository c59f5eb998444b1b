-- orders_reserve_stock: today's definition, applied after the migrations by migrate() (see ../../README.md).
--
-- Stock reservation (docs/adr/0004-stock-reservation.md). For each SKU, in the order given (callers
-- sort by SKU id, so concurrent orders lock in one global order): take the whole quantity from one
-- random bucket nobody holds (SKIP LOCKED); failing that, wait for one random bucket that had enough;
-- failing that, lock every bucket of the SKU in bucket order and take across them. Only that last
-- step decides "exhausted", with every bucket locked, so stock is never refused while it exists.
-- Returns NULL when everything was reserved, else the first SKU that lacked stock (the caller rolls back).
--
-- Stock reservation without stray locks (docs/adr/0004-stock-reservation.md).
-- A row that `FOR UPDATE SKIP LOCKED` (or a waiting UPDATE) locks and then finds changed — its
-- re-check fails — stays locked until the transaction ends. A transaction that went on to wait for
-- another bucket of the same SKU while holding such a row could deadlock with one locking every
-- bucket in order (step 3). Each single-bucket attempt now runs in a subtransaction that is rolled
-- back when it takes nothing, which releases whatever it locked on the way; step 3 then starts
-- holding no bucket of that SKU, so bucket order is again the only order anyone waits in.
CREATE OR REPLACE FUNCTION orders_reserve_stock(p_order uuid, p_campaign uuid, p_skus uuid[], p_quantities int[])
RETURNS uuid LANGUAGE plpgsql AS $$
DECLARE
  i int;
  v_sku uuid;
  v_need int;
  v_bucket int;
  v_total int;
  v_take int;
  r record;
BEGIN
  FOR i IN 1 .. coalesce(array_length(p_skus, 1), 0) LOOP
    v_sku := p_skus[i];
    v_need := p_quantities[i];
    v_bucket := NULL;
    -- 1. the whole quantity from one random bucket nobody holds
    BEGIN
      UPDATE stock_buckets b SET remaining = b.remaining - v_need
       WHERE b.campaign_id = p_campaign AND b.sku_id = v_sku AND b.remaining >= v_need
         AND b.bucket = (SELECT s.bucket FROM stock_buckets s
                          WHERE s.campaign_id = p_campaign AND s.sku_id = v_sku AND s.remaining >= v_need
                          ORDER BY random() LIMIT 1 FOR UPDATE SKIP LOCKED)
      RETURNING b.bucket INTO v_bucket;
      IF v_bucket IS NULL THEN
        RAISE EXCEPTION 'no free bucket' USING ERRCODE = 'LS001';
      END IF;
    EXCEPTION WHEN SQLSTATE 'LS001' THEN
      v_bucket := NULL;
    END;
    -- 2. otherwise wait for one random bucket that had enough
    IF v_bucket IS NULL THEN
      BEGIN
        UPDATE stock_buckets b SET remaining = b.remaining - v_need
         WHERE b.campaign_id = p_campaign AND b.sku_id = v_sku AND b.remaining >= v_need
           AND b.bucket = (SELECT s.bucket FROM stock_buckets s
                            WHERE s.campaign_id = p_campaign AND s.sku_id = v_sku AND s.remaining >= v_need
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
      INSERT INTO stock_reservations (order_id, campaign_id, sku_id, bucket, quantity) VALUES (p_order, p_campaign, v_sku, v_bucket, v_need);
      CONTINUE;
    END IF;
    -- 3. lock every bucket of the SKU in bucket order; only here is "exhausted" decided
    SELECT coalesce(sum(t.remaining), 0) INTO v_total FROM (
      SELECT s.remaining FROM stock_buckets s WHERE s.campaign_id = p_campaign AND s.sku_id = v_sku ORDER BY s.bucket FOR UPDATE
    ) t;
    IF v_total < v_need THEN
      RETURN v_sku;
    END IF;
    FOR r IN SELECT s.bucket, s.remaining FROM stock_buckets s
              WHERE s.campaign_id = p_campaign AND s.sku_id = v_sku AND s.remaining > 0 ORDER BY s.bucket LOOP
      EXIT WHEN v_need = 0;
      v_take := least(v_need, r.remaining);
      UPDATE stock_buckets SET remaining = remaining - v_take WHERE campaign_id = p_campaign AND sku_id = v_sku AND bucket = r.bucket;
      INSERT INTO stock_reservations (order_id, campaign_id, sku_id, bucket, quantity) VALUES (p_order, p_campaign, v_sku, r.bucket, v_take);
      v_need := v_need - v_take;
    END LOOP;
  END LOOP;
  RETURN NULL;
END
$$;
