// Demo growth for `npm start` (a step of tools/seed.mjs): members at each tier (尝鲜者 newcomer,
// 常客 regular, 共建者 co-builder — granted by ops, as for community founders), welcome points, two
// invitations shared and two neighbours signed up with invite codes (referrals whose reward follows
// their first collected order), every resident's 7-day plan and 90-day path in progress (started at
// sign-up; the demo orders complete their first step), and the K-factor inputs that follow.
//
// Everything goes through the gateway's HTTP API. Idempotent: grants of the tier a member already
// has change nothing, points go in under fixed idempotency keys, shares are recorded only while a
// member has none, and invitees sign up only while their inviter has no sign-ups.
import { DEMO_PHONES } from './lib/demo-accounts.mjs';

/** Resident index → tier granted (the rest stay newcomers). */
const TIERS = { 0: 'co-builder', 1: 'regular', 2: 'regular', 3: 'co-builder' };
const WELCOME_POINTS = [800, 420, 260, 640, 120, 90, 60, 40, 30];

export async function seedGrowth({ http, must, ops, residents, log }) {
  const opsToken = ops.accessToken;

  for (const [i, resident] of residents.entries()) {
    const { userId } = resident.tokens;
    await must('POST', `/v1/ops/members/${userId}/points/adjustments`, {
      token: opsToken,
      body: { delta: WELCOME_POINTS[i] ?? 50, reason: 'demo welcome points', idempotencyKey: `demo-welcome-${userId}` },
    });
    const tier = TIERS[i];
    if (tier) await must('PUT', `/v1/ops/members/${userId}/tier`, { token: opsToken, body: { tier, reason: 'demo community founder' } });
  }

  // Referrals: residents 1 and 2 share their invitation; a neighbour signs up with each code.
  let signUps = 0;
  for (const [i, phone] of DEMO_PHONES.invitees.entries()) {
    const inviter = residents[i];
    const invite = await must('GET', '/v1/me/invite', { token: inviter.tokens.accessToken });
    if (invite.invitesSent === 0) {
      await must('POST', '/v1/me/invite/shares', { token: inviter.tokens.accessToken, body: { channel: 'wechat' } });
      await must('POST', '/v1/me/invite/shares', { token: inviter.tokens.accessToken, body: { channel: 'poster' } });
    }
    if (invite.signedUp > 0) continue;
    const requested = await http('POST', '/v1/auth/otp', { body: { phone } });
    if (requested.status >= 400) {
      log(`growth: invitee ${phone} not signed up now (${requested.body?.code}); the next start tries again`);
      continue;
    }
    const outbox = await must('GET', `/v1/dev/sms-outbox?phone=${encodeURIComponent(phone)}`);
    const tokens = await must('POST', '/v1/auth/otp/verify', { body: { phone, code: outbox.messages[0].code, inviteCode: invite.code } });
    await must('PATCH', '/v1/me/profile', { token: tokens.accessToken, body: { nickname: `Neighbour ${i + 1}`, compoundId: inviter.compoundId } });
    signUps += 1;
  }

  const journey = await must('GET', '/v1/me/journey', { token: residents[4].tokens.accessToken });
  const plan = journey.journeys.find((j) => j.journeyId === 'seven-day');
  const done = plan ? plan.steps.filter((s) => s.completedAt).length : 0;
  log(
    `growth: ${Object.keys(TIERS).length} members above newcomer (co-builders ${DEMO_PHONES.residents[0]}, ${DEMO_PHONES.residents[3]}; regulars ${DEMO_PHONES.residents[1]}, ${DEMO_PHONES.residents[2]}), ` +
      `welcome points for ${residents.length}, ${signUps} invitee sign-up(s) now (${DEMO_PHONES.invitees.join(', ')}), resident 5's 7-day plan ${done}/${plan?.steps.length ?? 0} steps`,
  );
}
