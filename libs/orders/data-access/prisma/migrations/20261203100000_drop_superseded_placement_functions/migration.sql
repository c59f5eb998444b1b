-- The one-order placement functions were kept for replicas of the release before batched placement
-- during its rolling upgrade; every release since calls orders_placement_contexts and
-- orders_place_orders only (prisma/functions/), so they go.
DROP FUNCTION IF EXISTS orders_place_order(uuid, uuid, uuid, uuid, text, text, text, int, text, timestamptz, timestamptz, json, json, text, uuid, json, uuid, text, jsonb, jsonb, uuid[], int[]);
DROP FUNCTION IF EXISTS orders_placement_context(uuid, text, uuid, uuid[]);
DROP FUNCTION IF EXISTS orders_reserve_stock(uuid, uuid, uuid[], int[]);
