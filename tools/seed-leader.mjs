// Demo data of the leader as customer operator (a step of tools/seed.mjs, after the commerce step):
// birthdays in the coming days and marketing consent for some demo residents (so each leader's
// attention list has birthdays and a greeting can be sent), a reminder and a birthday draft per
// leader, one greeting sent to a resident's inbox, and last month's settlement statements.
//
// Through the gateway's HTTP API and idempotent: birthdays and consents only where missing, a draft
// and a reminder only for a leader who has none, the statements only if last month was not issued.
import { setTimeout as sleep } from 'node:timers/promises';
import { DEMO_PHONES } from './lib/demo-accounts.mjs';

const ZONE = 'Asia/Shanghai';
const day = (ms) => new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(ms));

function lastMonth() {
  const [y, m] = day(Date.now()).split('-').map(Number);
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

async function until(what, probe, timeoutMs = 20_000) {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not reached in ${timeoutMs} ms`);
    await sleep(200);
  }
}

export async function seedLeader({ http, must, signIn, ops, residents, log }) {
  // Residents 1, 2, 3 (one per demo compound) have a birthday in 1–3 days and agree to care messages.
  let profiles = 0;
  for (const [i, resident] of residents.slice(0, 3).entries()) {
    const token = resident.tokens.accessToken;
    const profile = await must('GET', '/v1/me/profile', { token });
    if (!profile.birthday) {
      await must('PATCH', '/v1/me/profile', { token, body: { birthday: `${1955 + i * 7}-${day(Date.now() + (i + 1) * 86_400_000).slice(5)}` } });
      profiles += 1;
    }
    if (!profile.consents.some((c) => c.purpose === 'marketing' && c.granted)) await must('PUT', '/v1/me/consents/marketing', { token, body: { granted: true } });
  }

  let drafts = 0;
  let sent = 0;
  for (const phone of DEMO_PHONES.leaders) {
    const leader = await signIn(phone);
    if (!leader.roles.includes('leader')) continue;
    const token = leader.accessToken;
    const customers = await until(`customers of ${phone}`, async () => {
      const list = await must('GET', '/v1/leader/customers', { token });
      return list.customers.length > 0 ? list.customers : undefined;
    });
    const existing = await must('GET', '/v1/leader/drafts', { token });
    if (existing.drafts.length > 0) continue;
    // The resident with a birthday ahead gets a greeting (once leader-ops has their profile and consent).
    const attention = await until(`attention list of ${phone}`, async () => {
      const list = await must('GET', '/v1/leader/attention', { token });
      return list.items.some((item) => item.kind === 'birthday') ? list : undefined;
    });
    const birthday = attention.items.find((item) => item.kind === 'birthday');
    const [draft] = (await must('POST', '/v1/leader/drafts', { token, body: { kind: 'birthday', userId: birthday.userId } })).drafts;
    await must('POST', `/v1/leader/drafts/${draft.draftId}/approve`, { token });
    const send = await http('POST', `/v1/leader/drafts/${draft.draftId}/send`, { token, body: {} });
    if (send.status === 200) sent += 1;
    else if (send.body?.code !== 'LEADER_OPS.QUIET_HOURS' && send.body?.code !== 'LEADER_OPS.NO_MARKETING_CONSENT') throw new Error(`sending the demo greeting: ${JSON.stringify(send.body)}`);
    // A festival draft waiting for the leader's edit and approval, and a reminder.
    await must('POST', '/v1/leader/drafts', { token, body: { kind: 'festival', userId: customers[0].userId } });
    drafts += 2;
    await must('POST', '/v1/leader/reminders', {
      token,
      body: { userId: customers[customers.length - 1].userId, kind: 'custom', text: '问问最近大米还够不够 Ask whether they need rice', dueAt: new Date(Date.now() + 86_400_000).toISOString() },
    });
  }

  const month = lastMonth();
  const issued = await http('POST', `/v1/ops/leader-settlements/${month}/issue`, { token: ops.accessToken, body: {} });
  if (issued.status !== 201 && issued.body?.code !== 'LEADER_OPS.SETTLEMENT_ALREADY_ISSUED') throw new Error(`issuing ${month}: ${JSON.stringify(issued.body)}`);
  log(
    `leader console: ${profiles} birthdays declared, ${drafts} drafts, ${sent} greetings sent${sent < drafts / 2 ? ' (quiet hours hold the rest)' : ''}, ${month} statements ${issued.status === 201 ? `issued (${issued.body.statements.length})` : 'already issued'}`,
  );
}
