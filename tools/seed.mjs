// Demo data for `npm start`: a few compounds, leaders with pickup points, residents with profiles,
// a catalogue and an open campaign. Goes through the public HTTP API like a client would, except
// for signing the demo accounts in and bootstrapping the first ops account (both over NATS, as an
// operator's tool would). Idempotent: accounts are found again by phone; the rest — profile fields,
// consents, bindings, the catalogue — is created only when missing, so what a demo user changed stays.
import { connect } from '@nats-io/transport-node';
import { randomUUID } from 'node:crypto';
import { DEMO_PHONES } from './lib/demo-accounts.mjs';
import { seedCommerce } from './seed-commerce.mjs';
import { seedLeader } from './seed-leader.mjs';
import { seedCommunities } from './seed-communities.mjs';
import { seedLocalServices } from './seed-local-services.mjs';
import { seedGrowth } from './seed-growth.mjs';

export { DEMO_PHONES };

export async function seedDemo({ baseUrl, natsUrl, log }) {
  const http = async (method, path, { token, apiKey, body } = {}) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(body ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        // Partner API calls (/v1/partner/…) authenticate with a provider's API key.
        ...(apiKey ? { 'x-api-key': apiKey } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    const json = text ? JSON.parse(text) : undefined;
    return { status: response.status, body: json };
  };
  const must = async (method, path, options) => {
    const result = await http(method, path, options);
    if (result.status >= 400) throw new Error(`${method} ${path} → ${result.status} ${JSON.stringify(result.body)}`);
    return result.body;
  };

  // Demo accounts sign in through identity's development sign-in over NATS (answered only with the
  // development SMS adapter), never by a one-time code: the demo phones' code window stays free, so the
  // README's sign-in works the moment `npm start` is ready, and no used code is left as the latest.
  const nc = await connect({ servers: natsUrl, name: 'demo-seed' });
  const prefix = process.env.NATS_SUBJECT_PREFIX ? `${process.env.NATS_SUBJECT_PREFIX}.` : '';
  const rpc = async (subject, payload) => {
    const body = (await nc.request(`${prefix}${subject}`, JSON.stringify(payload), { timeout: 10_000 })).json();
    if (!body.ok) throw new Error(`${subject}: ${JSON.stringify(body.error)}`);
    return body.data;
  };
  const signIn = (phone) => rpc('rpc.identity.dev.sign-in.v1', { phone, device: 'demo loader' });
  try {
    return await seedWith({ http, must, signIn, rpc, log });
  } finally {
    await nc.close();
  }
}

/** Residents' declared profiles: only what a resident has not set is filled in (a changed nickname stays). */
function profileOf(i, compounds) {
  const household = i % 3 === 0 ? { adults: 2, children: [{ birthYear: 2024 }] } : i % 3 === 1 ? { adults: 2, elderly: 1 } : { adults: 1 };
  return { nickname: `Resident ${i + 1}`, compoundId: compounds[i % compounds.length], building: `${(i % 4) + 1}`, household };
}

async function seedWith({ http, must, signIn, rpc, log }) {
  // 1. The first ops account: granted over NATS by a bootstrap operator.
  let ops = await signIn(DEMO_PHONES.ops);
  if (!ops.roles.includes('ops')) {
    await rpc('rpc.identity.role.grant.v1', { actor: { userId: randomUUID(), roles: ['ops'] }, userId: ops.userId, role: 'ops' });
    ops = await must('POST', '/v1/auth/refresh', { body: { refreshToken: ops.refreshToken } });
  }
  log(`ops account ${DEMO_PHONES.ops} (user ${ops.userId})`);

  // 2. Residents with declared profiles.
  const compounds = ['demo-sunshine-garden', 'demo-riverside', 'demo-maple-court'];
  const residents = [];
  let filled = 0;
  for (const [i, phone] of DEMO_PHONES.residents.entries()) {
    const tokens = await signIn(phone);
    const current = await must('GET', '/v1/me/profile', { token: tokens.accessToken });
    const wanted = profileOf(i, compounds);
    const missing = Object.fromEntries(Object.entries(wanted).filter(([field]) => current[field] === undefined || current[field] === null));
    if (Object.keys(missing).length > 0) {
      await must('PATCH', '/v1/me/profile', { token: tokens.accessToken, body: missing });
      filled += 1;
    }
    if (!current.consents.some((c) => c.purpose === 'profiling')) {
      await must('PUT', '/v1/me/consents/profiling', { token: tokens.accessToken, body: { granted: i % 4 !== 3 } });
    }
    residents.push({ phone, compoundId: current.compoundId ?? wanted.compoundId, tokens });
  }
  log(`${residents.length} residents in ${compounds.length} compounds (${filled} profiles filled in)`);

  const context = { http, must, signIn, ops, residents, compounds, log };
  for (const step of extraSteps) await step(context);
  return context;
}

/** Further demo steps registered by the domains (leader-ops, orders, …). */
const extraSteps = [];
export function addSeedStep(step) {
  extraSteps.push(step);
}

// Compounds, leaders and pickup points, bindings, catalogue, the open campaign and a few paid orders.
addSeedStep(seedCommerce);
// Customers, attention lists, drafts and last month's statements of the demo leaders.
addSeedStep(seedLeader);
// Communities with members, posts, events with RSVPs and check-ins, NPS answers, co-creation proposals.
addSeedStep(seedCommunities);
// Points, tiers, invitations and referrals (growth, in the communities service).
addSeedStep(seedGrowth);
// Two local-services providers (housekeeping, a clinic) with slots and a practitioner calendar, and a
// booking paid partly in points (after growth, which gives the points).
addSeedStep(seedLocalServices);
