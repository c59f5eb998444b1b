// Demo local services for `npm start` (a step of tools/seed.mjs): two providers — 安心家政 Anxin
// Housekeeping and 仁心社区诊所 Renxin Community Clinic — applied for by their demo owners and approved by
// ops, each serving the three demo compounds: housekeeping slots (capacity 3) for the coming week, and
// the clinic's health-check slots plus a practitioner calendar (Dr. 李) for appointments. Resident 1
// books a deep clean paying part in points (held by the growth ledger until the provider completes it;
// the growth step, which runs before this one, gave the points) and the rest in cash.
//
// Everything goes through the gateway's HTTP API; the partner calls use an API key the step issues.
// Idempotent: providers are found by their owner, offerings by title; a key is issued (and printed
// once) only when an offering is missing and has to be created; the points booking is made only while
// resident 1 has no booking paid with points.
import { DEMO_PHONES } from './lib/demo-accounts.mjs';

const ZONE_OFFSET_HOURS = 8; // Asia/Shanghai
const DEEP_CLEAN = '深度保洁 2小时 Deep clean, 2 hours';
/** Points resident 1 pays the deep clean with (of the growth step's welcome points). */
const BOOKING_POINTS = 300;
const COMPOUNDS = ['demo-sunshine-garden', 'demo-riverside', 'demo-maple-court'];

const PROVIDERS = [
  {
    phone: DEMO_PHONES.providers[0],
    companyName: '安心家政 Anxin Housekeeping',
    licenceRefs: [{ kind: 'business-licence', number: '91330106MA2DEMO01X' }],
    categories: ['housekeeping'],
    offerings: [
      { category: 'housekeeping', title: DEEP_CLEAN, description: 'Kitchen, bathroom and floors; cleaning agents included.', priceCents: 19_900, durationMinutes: 120, pointsPrice: 19_900, slots: { hours: [9, 14], capacity: 3 } },
      { category: 'housekeeping', title: '家电清洗 Appliance cleaning (air conditioner)', priceCents: 12_900, durationMinutes: 90, pointsPrice: null, slots: { hours: [10, 15], capacity: 2 } },
    ],
  },
  {
    phone: DEMO_PHONES.providers[1],
    companyName: '仁心社区诊所 Renxin Community Clinic',
    licenceRefs: [{ kind: 'medical-institution-licence', number: 'PDY330106-DEMO-02' }],
    categories: ['clinic', 'health-check'],
    practitioner: { name: '李医生 Dr. Li', hours: [8, 12] },
    offerings: [
      { category: 'health-check', title: '基础体检 Basic health check', description: 'Blood pressure, glucose and BMI.', priceCents: 9_900, durationMinutes: 30, pointsPrice: 9_900, slots: { hours: [8, 9, 10], capacity: 5 } },
      { category: 'clinic', title: '全科门诊预约 GP appointment', priceCents: 3_000, durationMinutes: 20, pointsPrice: null, mode: 'calendar' },
    ],
  },
];

/** `hour`:00 in Asia/Shanghai, `days` after today there. */
function shanghaiAt(days, hour) {
  const now = new Date(Date.now() + ZONE_OFFSET_HOURS * 3600_000);
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + days, hour - ZONE_OFFSET_HOURS)).toISOString();
}

export async function seedLocalServices({ must, signIn, ops, residents, log }) {
  const opsToken = ops.accessToken;
  const browser = residents[0].tokens.accessToken;
  let created = 0;
  for (const spec of PROVIDERS) {
    const owner = await signIn(spec.phone);
    const mine = await must('GET', '/v1/me/providers', { token: owner.accessToken });
    let provider = mine.providers.find((p) => p.companyName === spec.companyName && p.status !== 'rejected');
    if (!provider) {
      provider = await must('POST', '/v1/provider-applications', {
        token: owner.accessToken,
        body: { companyName: spec.companyName, contactPhone: spec.phone, licenceRefs: spec.licenceRefs, categories: spec.categories, compoundIds: COMPOUNDS },
      });
    }
    if (provider.status === 'pending') provider = await must('POST', `/v1/ops/providers/${provider.providerId}/approve`, { token: opsToken });

    const listed = new Set();
    for (const compoundId of COMPOUNDS) {
      const { offerings } = await must('GET', `/v1/service-offerings?compoundId=${compoundId}`, { token: browser });
      for (const o of offerings) if (o.providerId === provider.providerId) listed.add(o.title);
    }
    const missing = spec.offerings.filter((o) => !listed.has(o.title));
    if (missing.length === 0) continue;

    const { key } = await must('POST', `/v1/providers/${provider.providerId}/api-keys`, { token: owner.accessToken, body: { scopes: ['catalog', 'bookings', 'webhooks'], label: 'demo seed' } });
    log(`${spec.companyName}: API key ${key} (shown once; owner ${spec.phone})`);
    let practitionerId;
    if (spec.practitioner && missing.some((o) => o.mode === 'calendar')) {
      const availability = Array.from({ length: 7 }, (_, d) => ({ startsAt: shanghaiAt(d + 1, spec.practitioner.hours[0]), endsAt: shanghaiAt(d + 1, spec.practitioner.hours[1]) }));
      practitionerId = (await must('POST', '/v1/partner/practitioners', { apiKey: key, body: { name: spec.practitioner.name, availability } })).practitionerId;
    }
    for (const o of missing) {
      const { slots, ...offering } = o;
      const made = await must('POST', '/v1/partner/offerings', { apiKey: key, body: { ...offering, compoundIds: COMPOUNDS } });
      if (slots) {
        const list = Array.from({ length: 7 }, (_, d) => slots.hours.map((hour) => ({ startsAt: shanghaiAt(d + 1, hour), capacity: slots.capacity }))).flat();
        await must('POST', `/v1/partner/offerings/${made.offeringId}/slots`, { apiKey: key, body: { slots: list } });
      }
      created += 1;
    }
    if (practitionerId) log(`${spec.companyName}: ${spec.practitioner.name} bookable at POST /v1/practitioners/${practitionerId}/bookings`);
  }
  log(`local services: 2 providers, ${created} offering(s) created`);
  await bookWithPoints({ must, residents, log });
}

/** Resident 1 books the deep clean paying part in points, once (while none of their bookings used points). */
async function bookWithPoints({ must, residents, log }) {
  const resident = residents[0];
  const token = resident.tokens.accessToken;
  const { bookings } = await must('GET', '/v1/me/service-bookings', { token });
  if (bookings.some((b) => b.pointsUsed > 0)) return;
  const { balance } = await must('GET', '/v1/me/points', { token });
  if (balance < BOOKING_POINTS) {
    log(`local services: resident ${resident.phone} has ${balance} points, fewer than ${BOOKING_POINTS}; no booking with points`);
    return;
  }
  const { offerings } = await must('GET', `/v1/service-offerings?compoundId=${resident.compoundId}`, { token });
  const slot = offerings.find((o) => o.title === DEEP_CLEAN)?.slots.find((s) => s.booked < s.capacity && Date.parse(s.startsAt) > Date.now() + 86_400_000);
  if (!slot) {
    log('local services: no open deep-clean slot for the points booking');
    return;
  }
  const booking = await must('POST', `/v1/service-slots/${slot.slotId}/bookings`, { token, body: { points: BOOKING_POINTS, note: 'Please bring a ladder for the windows' } });
  log(`local services: ${resident.phone} booked ${DEEP_CLEAN} for ${booking.startsAt}: ${booking.pointsUsed} points (¥${booking.pointsCents / 100}) + ¥${booking.cashCents / 100} cash`);
}
