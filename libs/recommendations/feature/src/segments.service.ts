import { Inject, Injectable } from '@nestjs/common';
import { z } from 'zod';
import { fieldIssues, type Actor, type recommendations } from '@linli/contracts';
import { evaluateSegment, parseSegmentRule, type ResolvedTag, type SegmentRule, type SegmentSubject } from '@linli/recommendations-analytics';
import { AssetsRepository, RecommendationsDb, type SegmentCandidate, type SegmentRow } from '@linli/recommendations-data-access';
import { AccessService, type Reach } from './access.service.js';
import { declaredTags } from './engine/household.js';
import { RecommendationsErrors } from './recommendations.exception.js';

type Segment = recommendations.Segment;
type SegmentInput = z.output<typeof recommendations.SegmentInputSchema>;
type Member = z.output<typeof recommendations.SegmentMemberSchema>;

/** Validates a rule with the analytics grammar; a bad rule is a validation error naming the field. */
export function validRule(rule: unknown, path = 'segment.rule'): SegmentRule {
  try {
    return parseSegmentRule(rule);
  } catch (error) {
    if (error instanceof z.ZodError) {
      throw RecommendationsErrors.invalid('the segment rule is invalid', fieldIssues(error).map((f) => ({ path: f.path === '(root)' ? path : `${path}.${f.path}`, message: f.message })));
    }
    throw error;
  }
}

/**
 * What a rule is evaluated against for one customer: declared tags (always) and inferred tags
 * (only with profiling consent), RFM, lifecycle stage, and the metrics `churnRisk`, `pAlive`,
 * `clvCents`, `expectedPurchases90d`, `completeness`, `recencyDays`, `frequency`, `monetaryCents`.
 */
export function segmentSubject(c: SegmentCandidate, now = new Date()): SegmentSubject {
  const tags: Record<string, ResolvedTag> = {};
  if (c.profilingConsent === true && Array.isArray(c.asset?.tags)) {
    for (const t of c.asset!.tags as (ResolvedTag & { tag: string })[]) if (t.source === 'inferred') tags[t.tag] = t;
  }
  for (const [tag, value] of Object.entries(declaredTags({ household: c.household, dietary: c.dietary, attributes: c.attributes }, now))) {
    if (value !== undefined) tags[tag] = { value, source: 'declared', confidence: 1, evidence: [] };
  }
  const a = c.asset;
  if (!a) return { tags };
  const metrics: Record<string, number> = { churnRisk: a.churnRisk, completeness: a.completeness, recencyDays: a.recencyDays, frequency: a.frequency, monetaryCents: a.monetaryCents };
  if (a.pAlive !== null) metrics['pAlive'] = a.pAlive;
  if (a.clvCents !== null) metrics['clvCents'] = a.clvCents;
  if (a.expectedPurchases90d !== null) metrics['expectedPurchases90d'] = a.expectedPurchases90d;
  return { tags, rfm: { R: a.r, F: a.f, M: a.m }, stage: a.stage as SegmentSubject['stage'], metrics };
}

const present = (s: SegmentRow): Segment => ({
  segmentId: s.id,
  name: s.name,
  description: s.description,
  rule: s.rule,
  pickupPointId: s.pickupPointId,
  createdBy: s.createdBy,
  createdAt: s.createdAt.toISOString(),
  updatedAt: s.updatedAt.toISOString(),
});

/**
 * Segments: named rules over tags, RFM, lifecycle and predictions, stored and evaluated on demand.
 * Ops manage platform-wide segments (or ones limited to a pickup point); leaders manage their own
 * pickup points' segments and read platform ones, and always see only their own customers.
 */
@Injectable()
export class SegmentsService {
  private readonly repo = new AssetsRepository();

  constructor(
    @Inject(RecommendationsDb) private readonly db: RecommendationsDb,
    @Inject(AccessService) private readonly access: AccessService,
  ) {}

  private async scopeFor(actor: Actor, reach: Reach, requested: string | undefined): Promise<string | null> {
    if (reach.kind === 'all') return requested ?? null;
    if (requested !== undefined) {
      if (!reach.pickupPointIds.includes(requested)) throw RecommendationsErrors.forbidden('this is not your pickup point');
      return requested;
    }
    if (reach.pickupPointIds.length === 1) return reach.pickupPointIds[0]!;
    if (reach.pickupPointIds.length === 0) throw RecommendationsErrors.forbidden('you run no active pickup point');
    throw RecommendationsErrors.invalid('name the pickup point the segment is for', [{ path: 'segment.pickupPointId', message: `you run ${reach.pickupPointIds.length} pickup points; name one` }]);
  }

  /** The segment if the actor may see it; with `write`, only if they may change it. */
  private async visible(actor: Actor, segmentId: string, write: boolean): Promise<{ segment: SegmentRow; reach: Reach }> {
    const segment = await this.repo.getSegment(this.db, segmentId);
    if (!segment) throw RecommendationsErrors.segmentNotFound(segmentId);
    const reach = await this.access.reach(actor);
    if (reach.kind === 'all') return { segment, reach };
    if (segment.pickupPointId === null) {
      if (write) throw RecommendationsErrors.forbidden('platform segments are managed by ops');
      return { segment, reach };
    }
    if (!reach.pickupPointIds.includes(segment.pickupPointId)) throw RecommendationsErrors.segmentNotFound(segmentId);
    return { segment, reach };
  }

  async create(actor: Actor, input: SegmentInput): Promise<Segment> {
    validRule(input.rule);
    const reach = await this.access.reach(actor);
    const pickupPointId = await this.scopeFor(actor, reach, input.pickupPointId);
    const created = await this.repo.createSegment(this.db, { name: input.name, description: input.description, rule: input.rule, pickupPointId, createdBy: actor.userId });
    if (!created) throw RecommendationsErrors.segmentNameTaken(input.name);
    return present(created);
  }

  async update(actor: Actor, segmentId: string, input: SegmentInput): Promise<Segment> {
    validRule(input.rule);
    const { segment } = await this.visible(actor, segmentId, true);
    if (input.pickupPointId !== undefined && input.pickupPointId !== segment.pickupPointId) {
      throw RecommendationsErrors.invalid('a segment keeps its pickup point', [{ path: 'segment.pickupPointId', message: 'cannot be changed; create a new segment' }]);
    }
    const updated = await this.repo.updateSegment(this.db, segmentId, { name: input.name, description: input.description, rule: input.rule });
    if (updated === 'conflict') throw RecommendationsErrors.segmentNameTaken(input.name);
    if (!updated) throw RecommendationsErrors.segmentNotFound(segmentId);
    return present(updated);
  }

  async remove(actor: Actor, segmentId: string): Promise<{ segmentId: string; deleted: true }> {
    await this.visible(actor, segmentId, true);
    if (!(await this.repo.deleteSegment(this.db, segmentId))) throw RecommendationsErrors.segmentNotFound(segmentId);
    return { segmentId, deleted: true };
  }

  async get(actor: Actor, segmentId: string): Promise<Segment> {
    return present((await this.visible(actor, segmentId, false)).segment);
  }

  async list(actor: Actor): Promise<{ segments: Segment[] }> {
    const reach = await this.access.reach(actor);
    const rows = await this.repo.listSegments(this.db, reach.kind === 'all' ? null : reach.pickupPointIds);
    return { segments: rows.map(present) };
  }

  /** Evaluates the rule now over the customers the actor may see (and the segment's pickup point). */
  async members(actor: Actor, segmentId: string, limit: number, offset: number, now = new Date()) {
    const { segment, reach } = await this.visible(actor, segmentId, false);
    let points: string[] | null = reach.kind === 'all' ? null : reach.pickupPointIds;
    if (segment.pickupPointId !== null) points = points === null ? [segment.pickupPointId] : points.filter((p) => p === segment.pickupPointId);
    const rule = parseSegmentRule(segment.rule);
    const candidates = points !== null && points.length === 0 ? [] : await this.repo.segmentCandidates(this.db, points);
    const matched: Member[] = [];
    for (const c of candidates) {
      if (!evaluateSegment(rule, segmentSubject(c, now))) continue;
      matched.push({
        userId: c.userId,
        compoundId: c.compoundId,
        pickupPointId: c.pickupPointId,
        stage: (c.asset?.stage ?? null) as Member['stage'],
        clvCents: c.asset?.clvCents ?? null,
        churnRisk: c.asset?.churnRisk ?? null,
      });
    }
    matched.sort((a, b) => (b.clvCents ?? -1) - (a.clvCents ?? -1) || (a.userId < b.userId ? -1 : 1));
    return { segmentId, evaluatedAt: now.toISOString(), total: matched.length, members: matched.slice(offset, offset + limit) };
  }
}
