import { randomUUID } from 'node:crypto';
import { communities, identity, recommendations as r } from '@linli/contracts';
import { codeOf } from '@linli/testing';
import { leader, ops, pickupPoint, publishAndWait, startHarness, type Harness } from './recommendations.fixture.js';

let h: Harness;
const OPS = ops();
const [compoundA, compoundB] = ['compound-nps-a', 'compound-nps-b'];
const [pointA1, pointA2, pointB] = [randomUUID(), randomUUID(), randomUUID()];
const [leaderA, leaderB] = [randomUUID(), randomUUID()];

interface Answer {
  responseId: string;
  userId: string;
  score: number;
  compoundId: string;
  pickupPointId: string;
  leaderUserId: string;
  answeredAt: string;
}
const answers: Answer[] = [];

/** NPS recomputed from the answers themselves: % promoters (9–10) − % detractors (0–6). */
function recompute(list: Answer[]): number | null {
  if (list.length === 0) return null;
  const promoters = list.filter((a) => a.score >= 9).length;
  const detractors = list.filter((a) => a.score <= 6).length;
  return Math.round(((promoters - detractors) / list.length) * 1000) / 10;
}

async function answer(a: Omit<Answer, 'responseId' | 'userId'>, kind: 'nps' | 'generic' = 'nps'): Promise<Answer> {
  const full = { ...a, responseId: randomUUID(), userId: randomUUID() };
  await publishAndWait(h, communities.surveyAnswered, { surveyId: communities.NPS_SURVEY_ID, kind, trigger: 'pickup', ...full });
  if (kind === 'nps') answers.push(full);
  return full;
}

beforeAll(async () => {
  h = await startHarness();
  await pickupPoint(h, { pickupPointId: pointA1, leaderUserId: leaderA, compoundIds: [compoundA] });
  await pickupPoint(h, { pickupPointId: pointA2, leaderUserId: leaderA, compoundIds: [compoundA] });
  await pickupPoint(h, { pickupPointId: pointB, leaderUserId: leaderB, compoundIds: [compoundB] });
  const scores: [string, string, string, number][] = [
    [compoundA, pointA1, leaderA, 10],
    [compoundA, pointA1, leaderA, 9],
    [compoundA, pointA1, leaderA, 7],
    [compoundA, pointA1, leaderA, 3],
    [compoundA, pointA2, leaderA, 9],
    [compoundA, pointA2, leaderA, 6],
    [compoundB, pointB, leaderB, 0],
    [compoundB, pointB, leaderB, 8],
    [compoundB, pointB, leaderB, 10],
  ];
  for (const [compoundId, pickupPointId, leaderUserId, score] of scores) {
    await answer({ compoundId, pickupPointId, leaderUserId, score, answeredAt: '2026-05-10T03:00:00.000Z' });
  }
  // outside the range asked below, and a generic survey's score: neither counts
  await answer({ compoundId: compoundA, pickupPointId: pointA1, leaderUserId: leaderA, score: 0, answeredAt: '2026-07-01T03:00:00.000Z' });
  await answer({ compoundId: compoundA, pickupPointId: pointA1, leaderUserId: leaderA, score: 0, answeredAt: '2026-05-10T03:00:00.000Z' }, 'generic');
});

afterAll(async () => {
  await h?.close();
});

const inMay = (a: Answer) => a.answeredAt.startsWith('2026-05');
const range = { from: '2026-05-01', to: '2026-05-31' };

describe('NPS in the asset metrics', () => {
  it('equals the value recomputed from the answers, per compound, per pickup point (leader) and for the platform', async () => {
    const platform = await h.rpc.request(r.assetMetrics, { actor: OPS, ...range });
    expect(platform.nps.value).toBe(recompute(answers.filter(inMay)));
    for (const compoundId of [compoundA, compoundB]) {
      const m = await h.rpc.request(r.assetMetrics, { actor: OPS, compoundId, ...range });
      expect([compoundId, m.nps.value]).toEqual([compoundId, recompute(answers.filter((a) => inMay(a) && a.compoundId === compoundId))]);
    }
    for (const pickupPointId of [pointA1, pointA2, pointB]) {
      const m = await h.rpc.request(r.assetMetrics, { actor: OPS, pickupPointId, ...range });
      expect([pickupPointId, m.nps.value]).toEqual([pickupPointId, recompute(answers.filter((a) => inMay(a) && a.pickupPointId === pickupPointId))]);
    }
    // hand-checked: compound A has 3 promoters and 2 detractors of 6 answers
    expect((await h.rpc.request(r.assetMetrics, { actor: OPS, compoundId: compoundA, ...range })).nps.value).toBe(16.7);
    // a leader sees the NPS of their own point, not another leader's
    const own = await h.rpc.request(r.assetMetrics, { actor: leader(leaderA), pickupPointId: pointA1, ...range });
    expect(own.nps.value).toBe(recompute(answers.filter((a) => inMay(a) && a.pickupPointId === pointA1)));
    expect(await codeOf(h.rpc.request(r.assetMetrics, { actor: leader(leaderA), pickupPointId: pointB, ...range }))).toBe('AUTH.FORBIDDEN');
    // no answers: null with a note
    const empty = await h.rpc.request(r.assetMetrics, { actor: OPS, compoundId: compoundB, from: '2026-01-01', to: '2026-01-31' });
    expect(empty.nps).toEqual({ value: null, note: 'no NPS answers in this range and scope' });
  });

  it('keeps an erased resident’s score as an anonymous answer', async () => {
    const before = (await h.rpc.request(r.assetMetrics, { actor: OPS, compoundId: compoundB, ...range })).nps.value;
    const someone = answers.find((a) => a.compoundId === compoundB)!;
    await publishAndWait(h, identity.userErased, { userId: someone.userId, erasedAt: new Date().toISOString() });
    const rows = await h.db.$queryRawUnsafe<{ n: number }[]>('SELECT count(*)::int AS n FROM nps_responses WHERE response_id = $1::uuid AND user_id IS NULL', someone.responseId);
    expect(rows[0]!.n).toBe(1);
    expect((await h.rpc.request(r.assetMetrics, { actor: OPS, compoundId: compoundB, ...range })).nps.value).toBe(before);
  });
});
