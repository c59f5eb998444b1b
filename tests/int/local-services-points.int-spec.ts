import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Test } from '@nestjs/testing';
import type { INestApplicationContext } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { LinliError, growth, leaderOps, localServices as ls, type Actor, type EventEnvelope } from '@linli/contracts';
import { LinliKitModule, PgSql, RpcClient, Subjects } from '@linli/nest-kit';
import { CommunitiesModule } from '@linli/communities-feature';
import { LocalServicesModule, POINTS_LEDGER, type PointsLedger } from '@linli/local-services-feature';
import { aCompoundId, anActor, connectTestNats, createTestDatabase, deleteTestStreams, natsTestUrl, testSubjectPrefix, waitUntil, type TestDatabase } from '@linli/testing';

/**
 * Bookings paid partly in points through the growth ledger: the real local-services module (with its
 * default ledger adapter over NATS) and the real communities module, each on its own PostgreSQL
 * database, on one subject prefix. Booking reserves, completion commits, cancellation releases, an
 * overspend is refused with nothing written on either side, a repeated reservation for one booking
 * holds the points once, and an unreachable ledger refuses the booking without writing it.
 */
const prefix = testSubjectPrefix();
const libs = join(__dirname, '..', '..', 'libs');
const ops: Actor = anActor(['ops']);
let lsDb: TestDatabase;
let communitiesDb: TestDatabase;
let lsApp: INestApplicationContext;
let communitiesApp: INestApplicationContext | undefined;
let rpc: RpcClient;
let sql: PgSql;
let nc: NatsConnection;

beforeAll(async () => {
  [lsDb, communitiesDb] = await Promise.all([
    createTestDatabase('local-services', join(libs, 'local-services', 'data-access', 'prisma', 'migrations')),
    createTestDatabase('communities', join(libs, 'communities', 'data-access', 'prisma', 'migrations')),
  ]);
  const kit = (service: 'communities' | 'local-services') => LinliKitModule.forRoot({ service, natsUrl: natsTestUrl(), rpcTimeoutMs: 5_000, healthPort: 0, subjectPrefix: prefix });
  communitiesApp = await (
    await Test.createTestingModule({ imports: [kit('communities'), CommunitiesModule.forRoot({ databaseUrl: communitiesDb.url, databasePoolSize: 4, growth: { jobIntervalMs: 0 } })] }).compile()
  ).init();
  lsApp = await (
    await Test.createTestingModule({
      imports: [
        kit('local-services'),
        LocalServicesModule.forRoot({
          databaseUrl: lsDb.url,
          databasePoolSize: 4,
          paymentWebhookSecret: 'local-services-points-secret-'.padEnd(40, 'x'),
          devPaymentDelayMs: 20,
          expiryIntervalMs: 0,
          webhooks: { intervalMs: 0 },
        }),
      ],
    }).compile()
  ).init();
  rpc = lsApp.get(RpcClient);
  sql = lsApp.get(PgSql);
  nc = await connectTestNats('local-services-points');
});

afterAll(async () => {
  await lsApp?.close();
  await communitiesApp?.close();
  if (nc) {
    await deleteTestStreams(nc, prefix);
    await nc.close();
  }
  await Promise.all([lsDb?.drop(), communitiesDb?.drop()]);
});

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof LinliError) return error.code;
    throw error;
  }
  throw new Error('expected a LinliError');
}

const statement = (userId: string) => rpc.request(growth.getStatement, { actor: ops, userId, limit: 200 });
const hoursFromNow = (hours: number) => new Date(Date.now() + hours * 3600_000).toISOString();

/** An approved provider with one offering payable fully in points (200 yuan = 20 000 points) and two slots. */
async function anOfferingWithSlots(compoundId: string) {
  const owner = anActor(['resident']);
  const provider = await rpc.request(ls.applyAsProvider, {
    actor: owner,
    companyName: 'Anxin Housekeeping',
    contactPhone: '+8613800138000',
    licenceRefs: [{ kind: 'business-licence', number: '91310000MA1FL0000X' }],
    categories: ['housekeeping'],
    compoundIds: [compoundId],
  });
  await rpc.request(ls.approveProvider, { actor: ops, providerId: provider.providerId });
  const issued = await rpc.request(ls.createApiKey, { actor: owner, providerId: provider.providerId, scopes: ['catalog', 'bookings'] });
  const partner = { providerId: provider.providerId, keyId: issued.keyId };
  const offering = await rpc.request(ls.createOffering, {
    partner,
    offering: { category: 'housekeeping', title: 'Deep clean', priceCents: 20_000, durationMinutes: 120, compoundIds: [compoundId], pointsPrice: 20_000 },
  });
  const { slots } = await rpc.request(ls.createSlots, { partner, offeringId: offering.offeringId, slots: [{ startsAt: hoursFromNow(48), capacity: 5 }, { startsAt: hoursFromNow(72), capacity: 5 }] });
  return { partner, slots };
}

/** Binds a resident the way leader-ops announces it and waits until local-services knows. */
async function bind(resident: Actor, compoundId: string): Promise<void> {
  const envelope: EventEnvelope = {
    id: randomUUID(),
    subject: leaderOps.residentBound.subject,
    occurredAt: new Date().toISOString(),
    source: 'leader-ops',
    data: { userId: resident.userId, pickupPointId: randomUUID(), compoundId, previousPickupPointId: null, boundAt: new Date().toISOString() },
  };
  await jetstream(nc).publish(new Subjects(prefix).of(envelope.subject), JSON.stringify(envelope), { msgID: envelope.id });
  await waitUntil(async () => (await sql.$queryRawUnsafe<unknown[]>('SELECT 1 FROM resident_places WHERE user_id = $1::uuid', resident.userId)).length === 1, 15_000, 'resident bound');
}

async function paid(resident: Actor, bookingId: string): Promise<void> {
  await waitUntil(async () => (await rpc.request(ls.listMyBookings, { actor: resident })).bookings.find((b) => b.bookingId === bookingId)?.status === 'paid', 5_000, 'booking paid');
}

describe('local-services bookings paid in points through the growth ledger', () => {
  const compoundId = aCompoundId();
  const resident = anActor(['resident']);
  let fixture: Awaited<ReturnType<typeof anOfferingWithSlots>>;

  beforeAll(async () => {
    fixture = await anOfferingWithSlots(compoundId);
    await bind(resident, compoundId);
    await rpc.request(growth.adjustPoints, { actor: ops, userId: resident.userId, delta: 3_000, reason: 'welcome goodwill', idempotencyKey: `grant-${resident.userId}` });
  });

  it('booking reserves the points, the provider completing it commits them: the balance goes down for good', async () => {
    const booking = await rpc.request(ls.createBooking, { actor: resident, place: { slotId: fixture.slots[0]!.slotId }, points: 2_000 });
    expect(booking).toMatchObject({ status: 'pending_payment', pointsUsed: 2_000, pointsCents: 2_000, cashCents: 18_000, payment: { amountCents: 18_000 } });
    expect(await statement(resident.userId)).toMatchObject({ balance: 1_000, held: 2_000 });

    await paid(resident, booking.bookingId);
    expect(await rpc.request(ls.transitionPartnerBooking, { partner: fixture.partner, bookingId: booking.bookingId, action: 'complete' })).toMatchObject({ status: 'completed' });
    const after = await statement(resident.userId);
    expect(after).toMatchObject({ balance: 1_000, held: 0 });
    expect(after.entries.map((e) => `${e.kind}:${e.delta}:${e.heldDelta}`)).toEqual(expect.arrayContaining(['reserve:-2000:2000', 'commit:0:-2000']));
    const [row] = await sql.$queryRawUnsafe<{ points_state: string }[]>('SELECT points_state FROM bookings WHERE id = $1::uuid', booking.bookingId);
    expect(row!.points_state).toBe('committed');
  });

  it('cancelling a booking releases its points: the balance comes back', async () => {
    const booking = await rpc.request(ls.createBooking, { actor: resident, place: { slotId: fixture.slots[1]!.slotId }, points: 1_000 });
    expect(await statement(resident.userId)).toMatchObject({ balance: 0, held: 1_000 });
    await paid(resident, booking.bookingId);
    expect(await rpc.request(ls.cancelBooking, { actor: resident, bookingId: booking.bookingId })).toMatchObject({ status: 'cancelled', payment: { status: 'refunded' } });
    const after = await statement(resident.userId);
    expect(after).toMatchObject({ balance: 1_000, held: 0 });
    expect(after.entries[0]).toMatchObject({ kind: 'release', delta: 1_000, heldDelta: -1_000 });
  });

  it('an overspend is refused with LOCAL_SERVICES.POINTS_INSUFFICIENT and writes nothing in either service', async () => {
    const before = await statement(resident.userId);
    const bookingsBefore = (await rpc.request(ls.listMyBookings, { actor: resident })).bookings.length;
    expect(await codeOf(rpc.request(ls.createBooking, { actor: resident, place: { slotId: fixture.slots[0]!.slotId }, points: 1_001 }))).toBe('LOCAL_SERVICES.POINTS_INSUFFICIENT');
    expect(await statement(resident.userId)).toEqual(before);
    expect((await rpc.request(ls.listMyBookings, { actor: resident })).bookings).toHaveLength(bookingsBefore);
    const seats = await sql.$queryRawUnsafe<{ booked: number }[]>('SELECT booked FROM slots WHERE id = $1::uuid', fixture.slots[0]!.slotId);
    expect(seats[0]!.booked).toBe(1); // the completed booking's seat only
  });

  it('a repeated reservation for one booking holds the points once', async () => {
    const ledger = lsApp.get<PointsLedger>(POINTS_LEDGER);
    const bookingId = randomUUID();
    const first = await ledger.reserve({ userId: resident.userId, points: 400, bookingId });
    const again = await ledger.reserve({ userId: resident.userId, points: 400, bookingId });
    expect(again.reservationId).toBe(first.reservationId);
    expect(await statement(resident.userId)).toMatchObject({ balance: 600, held: 400 });
    await ledger.release({ userId: resident.userId, reservationId: first.reservationId });
    await ledger.release({ userId: resident.userId, reservationId: first.reservationId });
    expect(await statement(resident.userId)).toMatchObject({ balance: 1_000, held: 0 });
  });

  // Last: it stops the communities service.
  it('with the ledger unreachable, a booking with points is refused with LOCAL_SERVICES.POINTS_UNAVAILABLE and not written', async () => {
    await communitiesApp!.close();
    communitiesApp = undefined;
    const bookingsBefore = (await rpc.request(ls.listMyBookings, { actor: resident })).bookings.length;
    expect(await codeOf(rpc.request(ls.createBooking, { actor: resident, place: { slotId: fixture.slots[1]!.slotId }, points: 500 }))).toBe('LOCAL_SERVICES.POINTS_UNAVAILABLE');
    expect((await rpc.request(ls.listMyBookings, { actor: resident })).bookings).toHaveLength(bookingsBefore);
  });
});
