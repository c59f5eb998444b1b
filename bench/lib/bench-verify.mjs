// After the load: the orders database and the ORDERS stream must account for every accepted order.
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';

const PLACED = 'orders.order.placed.v1';

/** Waits until the outbox relay has published every committed event (bounded). */
export async function waitForOutbox(db, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await db.query('SELECT count(*)::int AS n FROM outbox_events WHERE published_at IS NULL');
    if (rows[0].n === 0) return;
    if (Date.now() > deadline) throw new Error(`${rows[0].n} outbox events still unpublished after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Order ids of every `orders.order.placed.v1` event on the prefixed ORDERS stream, with how often each appears. */
export async function placedEventsOnStream(nc, prefix, timeoutMs = 60_000) {
  const stream = `${prefix.replace(/-/g, '_').toUpperCase()}_ORDERS`;
  const subject = `${prefix}.${PLACED}`;
  const jsm = await jetstreamManager(nc);
  const info = await jsm.streams.info(stream);
  const counts = new Map();
  if (info.state.messages === 0) return { stream, messages: 0, counts };
  // Ordered consumer over the whole stream (subject filters on consumers need NATS 2.10).
  const consumer = await jetstream(nc).consumers.get(stream, { deliver_policy: DeliverPolicy.All });
  const total = info.state.messages;
  const deadline = Date.now() + timeoutMs;
  let seen = 0;
  let read = 0;
  while (read < total && Date.now() < deadline) {
    const batch = await consumer.fetch({ max_messages: Math.min(5_000, total - read), expires: 5_000 });
    for await (const msg of batch) {
      read += 1;
      if (msg.subject !== subject) continue;
      seen += 1;
      const orderId = msg.json().data?.orderId;
      counts.set(orderId, (counts.get(orderId) ?? 0) + 1);
    }
  }
  await consumer.delete().catch(() => undefined);
  return { stream, messages: seen, counts };
}

/** One hot SKU's books: stock conserved, units ordered = units reserved, nothing beyond the stock or the limit. */
export function judgeHot({ skuId, hotStock, hotLimit, total, reserved, remaining, ordered, perBuyer, quotaMax }) {
  return {
    skuId,
    stock: hotStock,
    totalInDb: total,
    reserved,
    remaining,
    conserved: reserved + remaining === total,
    orderedUnits: ordered,
    oversoldUnits: Math.max(0, reserved - hotStock),
    perBuyerLimit: hotLimit,
    maxUnitsOneBuyer: perBuyer,
    maxQuotaRow: quotaMax,
    limitHeld: perBuyer <= hotLimit && quotaMax <= hotLimit,
  };
}

/**
 * Which accepted orders (id → units) are missing something: their row, a stock reservation of exactly
 * their units, their outbox event, or their event on the stream. An order missing anything is lost.
 */
export function accountFor(accepted, { haveRow, reserved, outbox, stream }) {
  const missing = { row: 0, stock: 0, outbox: 0, stream: 0 };
  let lost = 0;
  for (const [id, units] of accepted) {
    const problems = [];
    if (!haveRow.has(id)) problems.push('row');
    if (reserved.get(id) !== units) problems.push('stock');
    if (!outbox.has(id)) problems.push('outbox');
    if (!stream.has(id)) problems.push('stream');
    for (const p of problems) missing[p] += 1;
    if (problems.length) lost += 1;
  }
  return { missing, lost };
}

/**
 * The checks of the benchmark. `accepted` maps each order id the clients were given (201) to the
 * units it asked for. Oversold units: hot-SKU units reserved beyond the stock put on sale, plus any
 * stock row below zero. Lost orders: accepted orders missing their row, their stock reservation
 * (units equal to what was ordered), their outbox event, or their event on the stream.
 */
export async function verify({ db, nc, prefix, hots, hotStock, hotLimit, accepted }) {
  await waitForOutbox(db);
  const one = async (sql, params = []) => (await db.query(sql, params)).rows[0];
  const negativeRows = Number((await one('SELECT count(*) AS n FROM stock_buckets WHERE remaining < 0')).n);
  const hotChecks = [];
  for (const hot of hots) {
    const reserved = Number((await one('SELECT coalesce(sum(quantity), 0) AS n FROM stock_reservations WHERE sku_id = $1::uuid AND released_at IS NULL', [hot.skuId])).n);
    const remaining = Number((await one('SELECT coalesce(sum(remaining), 0) AS n FROM stock_buckets WHERE sku_id = $1::uuid', [hot.skuId])).n);
    const total = Number((await one('SELECT coalesce(sum(total), 0) AS n FROM campaign_stock WHERE sku_id = $1::uuid', [hot.skuId])).n);
    const ordered = Number(
      (await one(
        `SELECT coalesce(sum(l.quantity), 0) AS n FROM order_lines l JOIN orders o ON o.id = l.order_id
          WHERE l.offer_id = $1::uuid AND o.status NOT IN ('cancelled', 'expired')`,
        [hot.offerId],
      )).n,
    );
    const perBuyer = Number(
      (await one(
        `SELECT coalesce(max(n), 0) AS max FROM (SELECT o.user_id, sum(l.quantity) AS n FROM order_lines l JOIN orders o ON o.id = l.order_id
           WHERE l.offer_id = $1::uuid AND o.status NOT IN ('cancelled', 'expired') GROUP BY o.user_id) t`,
        [hot.offerId],
      )).max,
    );
    const quotaMax = Number((await one('SELECT coalesce(max(quantity), 0) AS n FROM customer_quotas WHERE offer_id = $1::uuid', [hot.offerId])).n);
    hotChecks.push(judgeHot({ skuId: hot.skuId, hotStock, hotLimit, total, reserved, remaining, ordered, perBuyer, quotaMax }));
  }
  const ordersInDb = Number((await one('SELECT count(*) AS n FROM orders')).n);

  const ids = [...accepted.keys()];
  const rows = (await db.query('SELECT id::text FROM orders WHERE id = ANY($1::uuid[])', [ids])).rows;
  const haveRow = new Set(rows.map((r) => r.id));
  const reserved = new Map(
    (await db.query('SELECT order_id::text AS id, sum(quantity)::int AS units FROM stock_reservations WHERE order_id = ANY($1::uuid[]) GROUP BY order_id', [ids])).rows.map(
      (r) => [r.id, r.units],
    ),
  );
  const outbox = new Map(
    (await db.query(`SELECT payload->>'orderId' AS id, count(*)::int AS n FROM outbox_events WHERE subject = $1 GROUP BY 1`, [PLACED])).rows.map((r) => [r.id, r.n]),
  );
  const stream = await placedEventsOnStream(nc, prefix);
  const { missing, lost } = accountFor(accepted, { haveRow, reserved, outbox, stream: stream.counts });
  const duplicateEvents = [...stream.counts.values()].filter((n) => n > 1).length + [...outbox.values()].filter((n) => n > 1).length;
  return {
    oversold: hotChecks.reduce((sum, h) => sum + h.oversoldUnits, 0) + negativeRows,
    lost,
    negativeStockRows: negativeRows,
    limitHeld: hotChecks.every((h) => h.limitHeld),
    stockAccounted: hotChecks.every((h) => h.conserved && h.orderedUnits === h.reserved),
    hots: hotChecks,
    orders: {
      acceptedByClients: accepted.size,
      inDatabase: ordersInDb,
      notAcknowledged: ordersInDb - haveRow.size,
      missing,
      outboxPlacedEvents: [...outbox.values()].reduce((a, b) => a + b, 0),
      streamPlacedEvents: stream.messages,
      duplicateEvents,
    },
  };
}
