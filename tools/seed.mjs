// Demo data for `npm start`: a few compounds, leaders with pickup points, residents with profiles,
// a catalogue and an open campaign. Goes through the public HTTP API like a client would, except
// for bootstrapping the first ops account (granted over NATS, as an operator's tool would).
// Idempotent: accounts are found again by phone; the rest is created only when missing.
import { connect } from '@nats-io/transport-node';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_PHONES } from './lib/demo-accounts.mjs';
import { seedCommerce } from './seed-commerce.mjs';
import { seedLeader } from './seed-leader.mjs';

export { DEMO_PHONES };

export async function seedDemo({ baseUrl, natsUrl, log, stateDir }) {
  const http = async (method, path, { token, body } = {}) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
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

  // Sessions of earlier runs are kept in .linli/demo-sessions.json and refreshed, so starting again
  // soon after does not trip the one-code-a-minute limit of sign-in by phone.
  const sessionsFile = stateDir ? join(stateDir, 'demo-sessions.json') : undefined;
  const sessions = sessionsFile && existsSync(sessionsFile) ? JSON.parse(readFileSync(sessionsFile, 'utf8')) : {};
  const remember = (phone, tokens) => {
    sessions[phone] = tokens.refreshToken;
    if (sessionsFile) writeFileSync(sessionsFile, JSON.stringify(sessions), { mode: 0o600 });
    return tokens;
  };

  async function signIn(phone) {
    if (sessions[phone]) {
      const refreshed = await http('POST', '/v1/auth/refresh', { body: { refreshToken: sessions[phone] } });
      if (refreshed.status === 200) return remember(phone, refreshed.body);
    }
    let requested = await http('POST', '/v1/auth/otp', { body: { phone } });
    if (requested.body?.code === 'IDENTITY.OTP_RATE_LIMITED' && (requested.body.details?.retryAfterSeconds ?? 999) <= 60) {
      await new Promise((resolve) => setTimeout(resolve, requested.body.details.retryAfterSeconds * 1000 + 200));
      requested = await http('POST', '/v1/auth/otp', { body: { phone } });
    }
    if (requested.status >= 400) throw new Error(`OTP request failed: ${JSON.stringify(requested.body)}`);
    const outbox = await must('GET', `/v1/dev/sms-outbox?phone=${encodeURIComponent(phone)}`);
    return remember(phone, await must('POST', '/v1/auth/otp/verify', { body: { phone, code: outbox.messages[0].code } }));
  }

  // 1. The first ops account: granted over NATS by a bootstrap operator.
  let ops = await signIn(DEMO_PHONES.ops);
  if (!ops.roles.includes('ops')) {
    const nc = await connect({ servers: natsUrl, name: 'demo-seed' });
    try {
      const payload = { actor: { userId: randomUUID(), roles: ['ops'] }, userId: ops.userId, role: 'ops' };
      const prefix = process.env.NATS_SUBJECT_PREFIX ? `${process.env.NATS_SUBJECT_PREFIX}.` : '';
      const reply = await nc.request(`${prefix}rpc.identity.role.grant.v1`, JSON.stringify(payload), { timeout: 5000 });
      const body = reply.json();
      if (!body.ok) throw new Error(JSON.stringify(body.error));
    } finally {
      await nc.close();
    }
    ops = remember(DEMO_PHONES.ops, await must('POST', '/v1/auth/refresh', { body: { refreshToken: ops.refreshToken } }));
  }
  log(`ops account ${DEMO_PHONES.ops} (user ${ops.userId})`);

  // 2. Residents with declared profiles.
  const compounds = ['demo-sunshine-garden', 'demo-riverside', 'demo-maple-court'];
  const residents = [];
  for (const [i, phone] of DEMO_PHONES.residents.entries()) {
    const tokens = await signIn(phone);
    const compoundId = compounds[i % compounds.length];
    const household = i % 3 === 0 ? { adults: 2, children: [{ birthYear: 2024 }] } : i % 3 === 1 ? { adults: 2, elderly: 1 } : { adults: 1 };
    await must('PATCH', '/v1/me/profile', { token: tokens.accessToken, body: { nickname: `Resident ${i + 1}`, compoundId, building: `${(i % 4) + 1}`, household } });
    await must('PUT', '/v1/me/consents/profiling', { token: tokens.accessToken, body: { granted: i % 4 !== 3 } });
    residents.push({ phone, compoundId, tokens });
  }
  log(`${residents.length} residents in ${compounds.length} compounds`);

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
