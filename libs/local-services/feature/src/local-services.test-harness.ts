/**
 * Test support for the local-services integration tests (not part of the build): the service in
 * process on its own database and subject prefix, an RPC client, an event recorder, a points ledger
 * standing in for the growth system, a webhook receiver, and helpers that walk a provider and
 * residents through the common steps.
 */
import { createServer, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { leaderOps, localServices as ls, type Actor } from '@linli/contracts';
import { BookingsRepository } from '@linli/local-services-data-access';
import { PgSql } from '@linli/nest-kit';
import { aCompoundId, anActor, publishTestEvent, startServiceHarness, waitUntil, type ServiceHarness } from '@linli/testing';
import { LocalServicesModule } from './local-services.module.js';
import { LocalServicesErrors } from './local-services.exception.js';
import type { PointsLedger } from './points-ledger.js';
import { WebhookDispatcher } from './webhooks.service.js';
import { BookingsService } from './bookings.service.js';
import { DevPaymentProvider, PAYMENT_PROVIDER } from './payment-provider.js';

export const migrationsDir = fileURLToPath(new URL('../../data-access/prisma/migrations', import.meta.url));
export const ops: Actor = anActor(['ops']);
export const TEST_PAYMENT_SECRET = 'local-services-test-secret-'.padEnd(40, 'x');

/** An in-memory ledger for the bookings tests that do not need the growth system (`tests/int/local-services-points.int-spec.ts` uses the real one). */
export class TestPointsLedger implements PointsLedger {
  readonly balances = new Map<string, number>();
  readonly reservations = new Map<string, { userId: string; points: number; state: 'reserved' | 'committed' | 'released' }>();

  async reserve(r: { userId: string; points: number; bookingId: string }): Promise<{ reservationId: string }> {
    const balance = this.balances.get(r.userId) ?? 0;
    if (balance < r.points) throw LocalServicesErrors.pointsInsufficient(r.points);
    this.balances.set(r.userId, balance - r.points);
    const reservationId = randomUUID();
    this.reservations.set(reservationId, { userId: r.userId, points: r.points, state: 'reserved' });
    return { reservationId };
  }

  async commit({ reservationId }: { userId: string; reservationId: string }): Promise<void> {
    const r = this.reservations.get(reservationId)!;
    if (r.state === 'reserved') r.state = 'committed';
  }

  async release({ reservationId }: { userId: string; reservationId: string }): Promise<void> {
    const r = this.reservations.get(reservationId)!;
    if (r.state !== 'reserved') return;
    r.state = 'released';
    this.balances.set(r.userId, (this.balances.get(r.userId) ?? 0) + r.points);
  }
}

/** An HTTP endpoint recording webhook deliveries; answers with the next scripted statuses, then 204. */
export class WebhookReceiver {
  readonly received: { headers: Record<string, string>; body: string }[] = [];
  readonly script: number[] = [];
  private server?: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.received.push({ headers: req.headers as Record<string, string>, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(this.script.shift() ?? 204).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    const address = this.server.address();
    this.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hooks`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

export interface Harness extends ServiceHarness {
  sql: PgSql;
  points: TestPointsLedger;
  dispatcher: WebhookDispatcher;
  bookings: BookingsService;
  payments: DevPaymentProvider;
}

export async function startLocalServices(): Promise<Harness> {
  const points = new TestPointsLedger();
  const h = await startServiceHarness({
    service: 'local-services',
    migrationsDir,
    module: (databaseUrl) =>
      LocalServicesModule.forRoot({
        databaseUrl,
        databasePoolSize: 10,
        paymentWebhookSecret: TEST_PAYMENT_SECRET,
        devPaymentDelayMs: 20,
        expiryIntervalMs: 0,
        pointsLedger: points,
        webhooks: { intervalMs: 0, backoffBaseMs: 100, maxAttempts: 3, timeoutMs: 2000 },
      }),
  });
  return Object.assign(h, {
    sql: h.app.get(PgSql),
    points,
    dispatcher: h.app.get(WebhookDispatcher),
    bookings: h.app.get(BookingsService),
    payments: h.app.get<DevPaymentProvider>(PAYMENT_PROVIDER),
  });
}

const readModel = new BookingsRepository();

/** Binds residents to a compound the way leader-ops announces it, and waits until the service knows. */
export async function bindResidents(h: Harness, compoundId: string, residents: Actor[], pickupPointId?: string): Promise<void> {
  for (const resident of residents) {
    const boundAt = new Date().toISOString();
    const data = { userId: resident.userId, pickupPointId: pickupPointId ?? randomUUID(), compoundId, previousPickupPointId: null, boundAt };
    await publishTestEvent(h, leaderOps.residentBound, data);
  }
  const ids = residents.map((r) => r.userId);
  await waitUntil(async () => (await readModel.placedCount(h.sql, ids)) === ids.length, 15_000, 'residents bound');
}

/** A pickup point run by `leaderUserId`, announced the way leader-ops does; waits until the service knows. */
export async function aPickupPoint(h: Harness, compoundId: string, leaderUserId: string): Promise<string> {
  const pickupPointId = randomUUID();
  await publishTestEvent(h, leaderOps.pickupPointUpserted, {
    pickupPointId,
    leaderUserId,
    name: 'Gate 2 kiosk',
    address: 'Building 3',
    compoundIds: [compoundId],
    openingHours: [{ weekday: 1, opens: '08:00', closes: '20:00' }],
    capacity: 100,
    timeZone: 'Asia/Shanghai',
    status: 'active',
  });
  await waitUntil(async () => (await readModel.pointLeader(h.sql, pickupPointId)) !== null, 10_000, 'pickup point known');
  return pickupPointId;
}

/** An approved provider with a key of every scope. */
export async function anApprovedProvider(h: Harness, overrides: { categories?: ls.ServiceCategory[]; compoundIds?: string[] } = {}) {
  const owner = anActor(['resident']);
  const compoundIds = overrides.compoundIds ?? [aCompoundId()];
  const provider = await h.rpc.request(ls.applyAsProvider, {
    actor: owner,
    companyName: 'Anxin Housekeeping',
    contactPhone: '+8613800138000',
    licenceRefs: [{ kind: 'business-licence', number: '91310000MA1FL0000X' }],
    categories: overrides.categories ?? ['housekeeping'],
    compoundIds,
  });
  await h.rpc.request(ls.approveProvider, { actor: ops, providerId: provider.providerId });
  const issued = await h.rpc.request(ls.createApiKey, { actor: owner, providerId: provider.providerId, scopes: ['catalog', 'bookings', 'webhooks'] });
  const partner = { providerId: provider.providerId, keyId: issued.keyId };
  return { owner, provider, key: issued.key, partner, compoundIds };
}

export const hoursFromNow = (hours: number) => new Date(Date.now() + hours * 3600_000).toISOString();
