import { splitIntoBuckets } from './campaign.service.js';
import { toCsv } from './csv.js';
import { formatLocal } from './local-time.js';
import { DevPaymentProvider, canonicalNotification, signNotification, verifyNotification } from './payment-provider.js';
import { newPickupCode, requestHash } from './order.service.js';

const secret = 's'.repeat(40);
const notification = {
  notificationId: 'n-12345678',
  providerPaymentId: 'dev_abc',
  merchantOrderId: '11111111-2222-4333-8444-555555555555',
  status: 'succeeded' as const,
  amountCents: 1980,
  occurredAt: '2026-11-24T08:00:00.000Z',
};

describe('payment notification signatures', () => {
  it('signs sorted key=value pairs and verifies only the untouched notification', () => {
    expect(canonicalNotification(notification)).toBe(
      'amountCents=1980&merchantOrderId=11111111-2222-4333-8444-555555555555&notificationId=n-12345678&occurredAt=2026-11-24T08:00:00.000Z&providerPaymentId=dev_abc&status=succeeded',
    );
    const signature = signNotification(secret, notification);
    expect(verifyNotification(secret, notification, signature)).toBe(true);
    expect(verifyNotification(secret, { ...notification, amountCents: 1 }, signature)).toBe(false);
    expect(verifyNotification('x'.repeat(40), notification, signature)).toBe(false);
    expect(verifyNotification(secret, notification, '00')).toBe(false);
  });

  it('has the development provider notify through its callback, twice when scripted', async () => {
    const provider = new DevPaymentProvider(secret, { callbackDelayMs: 0, duplicateRate: 0, failureRate: 0, lateRate: 0, lateDelayMs: 0 });
    const received: { signature: string; notification: typeof notification }[] = [];
    provider.connect(async (body) => void received.push(body as never));
    provider.enqueue({ outcome: 'failed', deliveries: 2, delayMs: 0 });
    const intent = await provider.createIntent({ paymentId: 'p', orderId: notification.merchantOrderId, amountCents: 500, description: 'd' });
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(received).toHaveLength(2);
    expect(received[0]!.notification).toEqual(received[1]!.notification);
    expect(received[0]!.notification).toMatchObject({ providerPaymentId: intent.providerPaymentId, status: 'failed', amountCents: 500 });
    expect(provider.verify(received[0]!.notification, received[0]!.signature)).toBe(true);
    provider.close();
  });
});

describe('support', () => {
  it('splits stock into buckets that add up, at most one unit apart', () => {
    expect(splitIntoBuckets(50, 8)).toEqual([7, 7, 6, 6, 6, 6, 6, 6]);
    expect(splitIntoBuckets(3, 8)).toEqual([1, 1, 1]);
    expect(splitIntoBuckets(0, 8)).toEqual([0]);
    expect(splitIntoBuckets(1_000_000, 16).reduce((a, b) => a + b, 0)).toBe(1_000_000);
  });

  it('writes CSV that spreadsheets read safely', () => {
    expect(toCsv(['a', 'b'], [['plain', 3], ['with, comma', 'quote "x"'], ['=SUM(A1)', null]])).toBe('a,b\r\nplain,3\r\n"with, comma","quote ""x"""\r\n\'=SUM(A1),\r\n');
  });

  it('shows times in the compound time zone', () => {
    const instant = new Date('2026-11-24T14:30:00Z');
    expect(formatLocal(instant, 'Asia/Shanghai')).toBe('2026-11-24 22:30');
    expect(formatLocal(instant, 'Asia/Urumqi')).toBe('2026-11-24 20:30');
    expect(formatLocal(instant, 'Not/AZone')).toBe('2026-11-24 22:30');
  });

  it('makes readable pickup codes and order hashes that ignore line order', () => {
    expect(newPickupCode()).toMatch(/^[A-HJ-NP-Z2-9]{10}$/);
    const a = requestHash({ campaignId: 'c', idempotencyKey: 'k1', lines: [{ offerId: 'x', quantity: 1 }, { offerId: 'y', quantity: 2 }], expectedTotalCents: 5 });
    const b = requestHash({ campaignId: 'c', idempotencyKey: 'k2', lines: [{ offerId: 'y', quantity: 2 }, { offerId: 'x', quantity: 1 }], expectedTotalCents: 5 });
    expect(a).toBe(b);
    expect(requestHash({ campaignId: 'c', idempotencyKey: 'k', lines: [{ offerId: 'x', quantity: 2 }], expectedTotalCents: 5 })).not.toBe(a);
  });
});
