import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Webhook } from 'standardwebhooks';
import { backoffMs, newWebhookSecret, signWebhook, webhookHeaders } from './webhook-signing.js';
import { generateApiKey, hashApiKey, looksLikeApiKey } from './api-keys.js';

describe('Standard Webhooks signing', () => {
  it('produces deliveries the standardwebhooks library verifies, and a tampered body it refuses', () => {
    const secret = newWebhookSecret();
    const body = JSON.stringify({ type: 'booking.created', timestamp: new Date().toISOString(), data: { bookingId: 'b1' } });
    const headers = webhookHeaders(secret, 'msg_1', body);
    const wh = new Webhook(secret);
    expect(wh.verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => wh.verify(body.replace('b1', 'b2'), headers)).toThrow();
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow();
  });

  it('matches the library’s own signature for the same id, time and body', () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const at = new Date('2026-12-01T00:00:00Z');
    expect(signWebhook(secret, 'msg_p5jXN8AQM9LWM0D4loKWxJek', at.getTime() / 1000, '{"a":1}')).toBe(new Webhook(secret).sign('msg_p5jXN8AQM9LWM0D4loKWxJek', at, '{"a":1}'));
  });

  it('ships a provider example that verifies deliveries and refuses replays, tampering, other secrets and old timestamps', () => {
    const script = fileURLToPath(new URL('../../../../docs/examples/webhook-receiver.mjs', import.meta.url));
    const run = spawnSync(process.execPath, [script, '--self-test'], { encoding: 'utf8' });
    expect([run.status, run.stdout.match(/^ok /gm)?.length]).toEqual([0, 5]);
  });

  it('backs off exponentially, capped at six hours', () => {
    expect([1, 2, 3, 4].map((n) => backoffMs(n, 1000))).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffMs(40, 1000)).toBe(6 * 3600_000);
  });
});

describe('API keys', () => {
  it('are random, recognisable, and stored only as a hash', () => {
    const a = generateApiKey();
    const b = generateApiKey();
    expect(a.key).not.toBe(b.key);
    expect(looksLikeApiKey(a.key)).toBe(true);
    expect(a.hash).toBe(hashApiKey(a.key));
    expect(a.hash).not.toContain(a.key.slice(4, 20));
    expect(a.prefix).toBe(a.key.slice(0, 8));
    expect(looksLikeApiKey('lsk_short')).toBe(false);
  });
});
