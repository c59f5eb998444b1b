#!/usr/bin/env node
// A provider's receiver of Linli webhook deliveries (Standard Webhooks format), with no dependencies
// beyond Node.js 20: it checks the signature over the raw body, refuses timestamps more than five
// minutes off, and refuses a `webhook-id` it has already processed (a replay).
//
//   WEBHOOK_SECRET=whsec_… PORT=8787 node docs/examples/webhook-receiver.mjs   # serve POST /
//   node docs/examples/webhook-receiver.mjs --self-test                       # sign and verify samples
//
// Any Standard Webhooks library verifies the same deliveries, e.g. in TypeScript:
//   new Webhook(secret).verify(rawBody, headers)   (npm `standardwebhooks`)
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';

const TOLERANCE_SECONDS = 5 * 60;

/** Throws unless the delivery was signed with `secret`, is recent, and its id was not seen before. */
export function verifyDelivery(secret, headers, rawBody, seenIds, nowSeconds = Math.floor(Date.now() / 1000)) {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (!id || !timestamp || !signatures) throw new Error('missing webhook headers');
  if (!/^\d+$/.test(timestamp) || Math.abs(nowSeconds - Number(timestamp)) > TOLERANCE_SECONDS) throw new Error('timestamp outside the tolerance');
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${rawBody}`).digest();
  // The header may carry several space-separated signatures (e.g. during a secret rotation).
  const ok = signatures.split(' ').some((entry) => {
    const [version, value] = entry.split(',');
    if (version !== 'v1' || !value) return false;
    const given = Buffer.from(value, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!ok) throw new Error('signature does not verify');
  if (seenIds.has(id)) throw new Error(`replayed webhook-id ${id}`);
  seenIds.add(id); // keep ids at least as long as the tolerance window (a real receiver stores them)
  return JSON.parse(rawBody);
}

function sign(secret, id, timestamp, body) {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

function selfTest() {
  const secret = `whsec_${randomBytes(24).toString('base64')}`;
  const body = JSON.stringify({ type: 'booking.created', timestamp: new Date().toISOString(), data: { bookingId: 'demo' } });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const headers = { 'webhook-id': 'msg_demo', 'webhook-timestamp': timestamp, 'webhook-signature': sign(secret, 'msg_demo', timestamp, body) };
  const seen = new Set();
  const results = [
    ['a signed delivery verifies', () => verifyDelivery(secret, headers, body, seen).type === 'booking.created'],
    ['the same id again is refused as a replay', () => expectThrow(() => verifyDelivery(secret, headers, body, seen), /replayed/)],
    ['a changed body is refused', () => expectThrow(() => verifyDelivery(secret, { ...headers, 'webhook-id': 'msg_2' }, body.replace('demo', 'x'), seen), /signature/)],
    ['another secret is refused', () => expectThrow(() => verifyDelivery(`whsec_${randomBytes(24).toString('base64')}`, headers, body, new Set()), /signature/)],
    ['an old timestamp is refused', () => expectThrow(() => verifyDelivery(secret, headers, body, new Set(), Number(timestamp) + 600), /tolerance/)],
  ];
  let failed = 0;
  for (const [name, check] of results) {
    const passed = check();
    if (!passed) failed += 1;
    console.log(`${passed ? 'ok  ' : 'FAIL'} ${name}`);
  }
  process.exit(failed ? 1 : 0);
}

function expectThrow(fn, pattern) {
  try {
    fn();
    return false;
  } catch (error) {
    return pattern.test(error.message);
  }
}

if (process.argv.includes('--self-test')) selfTest();
else if (import.meta.url === `file://${process.argv[1]}`) {
  const secret = process.env.WEBHOOK_SECRET;
  if (!secret?.startsWith('whsec_')) {
    console.error('set WEBHOOK_SECRET to the whsec_… secret shown when the endpoint was registered');
    process.exit(2);
  }
  const seen = new Set();
  createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      try {
        const event = verifyDelivery(secret, req.headers, Buffer.concat(chunks).toString('utf8'), seen);
        console.log(`${req.headers['webhook-id']}: ${event.type}`, event.data);
        res.writeHead(204).end();
      } catch (error) {
        if (/replayed/.test(error.message)) {
          // Already processed (a retry or a replay of a delivery we handled): acknowledge, do nothing again.
          console.warn(`ignored: ${error.message}`);
          return res.writeHead(204).end();
        }
        console.warn(`refused: ${error.message}`);
        res.writeHead(400).end(); // anything but 2xx makes Linli retry with backoff
      }
    });
  }).listen(Number(process.env.PORT ?? 8787), () => console.log(`listening on :${process.env.PORT ?? 8787}`));
}
