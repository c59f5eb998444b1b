/**
 * Household tags: inference from what a customer buys (product names and categories, English
 * and Chinese keyword lists), declared values that always win, tag completeness, and a small
 * rule-based segment evaluator.
 */
import { z } from 'zod';
import type { LifecycleStage } from './rfm.js';

export const TAG_DIMENSIONS = ['has_children', 'has_infant', 'elderly', 'health_conscious', 'light_food', 'vegetarian', 'pet_owner'] as const;
export type TagName = (typeof TAG_DIMENSIONS)[number];

/** One keyword: `weight` is how strongly one order containing it suggests the tag (0–1). */
export interface KeywordRule {
  term: string;
  weight: number;
}

export interface TagKeywords {
  include: KeywordRule[];
  /** A product whose text contains any of these never counts for the tag (e.g. "adult diapers"). */
  exclude?: string[];
}

const k = (weight: number, ...terms: string[]): KeywordRule[] => terms.map((term) => ({ term, weight }));

/**
 * Default keyword lists. English terms match whole words (an optional plural `s`/`es` is
 * allowed, `-`/`_` count as spaces); Chinese terms match as substrings.
 */
export const DEFAULT_TAG_KEYWORDS: Readonly<Record<TagName, TagKeywords>> = {
  has_children: {
    include: [
      ...k(0.6, 'baby', 'infant', 'toddler', 'diaper', 'nappy', 'infant formula', '母婴', '奶粉', '尿不湿', '纸尿裤', '婴儿', '宝宝'),
      ...k(0.45, 'children', "children's", 'child', 'kids', 'kid', 'toy', 'toys', 'school supplies', '儿童', '童装', '玩具', '童鞋', '学生', '文具', '益智'),
      ...k(0.2, 'cartoon', 'animation', 'family', '动画', '卡通', '亲子'),
    ],
    exclude: ['adult', '成人', '老人', 'pet', '宠物'],
  },
  has_infant: {
    include: [
      ...k(0.6, 'baby', 'infant', 'diaper', 'nappy', 'infant formula', 'baby food', 'pacifier', '母婴', '奶粉', '尿不湿', '纸尿裤', '婴儿', '宝宝', '奶瓶', '辅食', '米粉'),
      ...k(0.3, 'toddler', '湿巾', '奶嘴'),
    ],
    exclude: ['adult', '成人', '老人', '中老年'],
  },
  elderly: {
    include: [
      ...k(0.6, 'elderly', 'senior', 'seniors', 'denture', 'dentures', 'adult diaper', 'walking stick', 'hearing aid', 'reading glasses', 'blood pressure monitor', '老人', '老年', '中老年', '假牙', '拐杖', '助听器', '老花镜', '血压计', '成人纸尿裤'),
      ...k(0.35, 'health supplement', 'health supplements', 'supplement', 'supplements', 'calcium', 'glucosamine', 'joint care', '保健', '保健品', '钙片', '氨糖', '降压', '降糖', '养生'),
    ],
  },
  health_conscious: {
    include: [
      ...k(0.5, 'low sugar', 'sugar free', 'no sugar', 'low fat', 'fat free', 'organic', 'whole grain', 'wholegrain', 'gluten free', '无糖', '低糖', '低脂', '脱脂', '有机', '全麦', '粗粮', '零添加', '0脂', '代糖'),
      ...k(0.25, 'high protein', 'fitness', 'probiotic', 'probiotics', '高蛋白', '益生菌', '健身'),
    ],
  },
  light_food: {
    include: [...k(0.5, 'salad', 'salads', 'light meal', 'meal replacement', 'low calorie', '沙拉', '轻食', '代餐', '低卡'), ...k(0.25, 'yogurt', '酸奶', '鸡胸')],
  },
  vegetarian: {
    include: [...k(0.6, 'vegetarian', 'vegan', 'plant based', 'meat free', '素食', '素肉', '植物肉', '斋'), ...k(0.2, 'tofu', 'soy milk', '豆腐', '豆浆')],
  },
  pet_owner: {
    include: [...k(0.6, 'pet', 'pets', 'cat food', 'dog food', 'cat litter', 'kitty litter', '宠物', '猫粮', '狗粮', '猫砂', '犬粮'), ...k(0.3, 'chew toy', 'pet toy', '宠物玩具')],
  },
};

/** Orders with matches needed (as a share of all orders) for the share factor to reach 1. */
export const SHARE_FOR_FULL_CONFIDENCE = 0.1;
/** Default confidence at or above which an inferred tag counts as known. */
export const DEFAULT_TAG_THRESHOLD = 0.5;

/** One purchased line as tag inference sees it. */
export interface PurchaseLine {
  orderId: string;
  productId: string;
  /** Product name (from products.csv), if known. */
  productName?: string;
  category: string;
}

export interface TagEvidence {
  term: string;
  /** Where the term was found. */
  field: 'name' | 'category';
  /** The matched product name or category text. */
  text: string;
  productId: string;
  /** Distinct orders and lines with this (term, product) match. */
  orders: number;
  lines: number;
}

export interface InferredTag {
  tag: TagName;
  /** In [0, 1]; 0 when nothing matched. */
  confidence: number;
  matchedOrders: number;
  totalOrders: number;
  /** Strongest evidence first (at most 10 entries). */
  evidence: TagEvidence[];
}

const normalise = (s: string): string => s.toLowerCase().replace(/[\s\-_/|,;:.()]+/g, ' ').trim();
// eslint-disable-next-line no-control-regex -- the ASCII range starts at NUL on purpose
const isAscii = (s: string): boolean => /^[\x00-\x7f]*$/.test(s);
const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface CompiledTerm {
  term: string;
  weight: number;
  test: (text: string) => boolean;
}

interface CompiledTag {
  tag: TagName;
  terms: CompiledTerm[];
  exclude: Array<(text: string) => boolean>;
}

function compileTerm(term: string): (text: string) => boolean {
  const t = normalise(term);
  if (isAscii(t)) {
    const re = new RegExp(`(?:^|[^a-z0-9])${escapeRe(t)}(?:s|es)?(?:$|[^a-z0-9])`);
    return (text) => re.test(text);
  }
  return (text) => text.includes(t);
}

/**
 * Infers household tags from purchase lines with keyword matching. Matches are cached per
 * distinct (name, category) text, so large histories cost one map lookup per line.
 */
export class TagInferrer {
  private readonly compiled: CompiledTag[];
  private readonly cache = new Map<string, Array<{ tag: TagName; term: string; weight: number; field: 'name' | 'category'; text: string }>>();

  constructor(keywords: Readonly<Record<TagName, TagKeywords>> = DEFAULT_TAG_KEYWORDS) {
    this.compiled = TAG_DIMENSIONS.map((tag) => ({
      tag,
      terms: (keywords[tag]?.include ?? []).map((r) => ({ term: r.term, weight: Math.min(1, Math.max(0, r.weight)), test: compileTerm(r.term) })),
      exclude: (keywords[tag]?.exclude ?? []).map(compileTerm),
    }));
  }

  /** Tag matches of one product (best term per tag and field). */
  matchProduct(name: string, category: string): Array<{ tag: TagName; term: string; weight: number; field: 'name' | 'category'; text: string }> {
    const key = `${name}\u0000${category}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const fields: Array<['name' | 'category', string, string]> = [
      ['name', name, normalise(name)],
      ['category', category, normalise(category)],
    ];
    const out: Array<{ tag: TagName; term: string; weight: number; field: 'name' | 'category'; text: string }> = [];
    for (const ct of this.compiled) {
      if (fields.some(([, , t]) => t && ct.exclude.some((x) => x(t)))) continue;
      for (const [field, raw, t] of fields) {
        if (!t) continue;
        let best: CompiledTerm | null = null;
        for (const term of ct.terms) if (term.test(t) && (!best || term.weight > best.weight)) best = term;
        if (best) out.push({ tag: ct.tag, term: best.term, weight: best.weight, field, text: raw });
      }
    }
    this.cache.set(key, out);
    return out;
  }

  /**
   * Infer every tag dimension for one customer.
   *
   * For each order, its evidence weight w_o for a tag is the largest weight of the terms that
   * matched any of its lines. Then
   *
   *   countConfidence = 1 − Π_o (1 − w_o)                        (noisy-OR over matched orders)
   *   shareFactor     = min(1, matchedOrders / (totalOrders · SHARE_FOR_FULL_CONFIDENCE))
   *   confidence      = countConfidence · (0.5 + 0.5 · shareFactor)
   *
   * so repeated purchases raise confidence, while a single matching order in a long history of
   * unrelated orders (a gift, say) counts for at most half.
   */
  infer(lines: Iterable<PurchaseLine>): Record<TagName, InferredTag> {
    const orders = new Set<string>();
    const perTag = new Map<TagName, { orderWeight: Map<string, number>; ev: Map<string, TagEvidence & { orderSet: Set<string>; weight: number }> }>();
    for (const l of lines) {
      orders.add(l.orderId);
      const matches = this.matchProduct(l.productName ?? '', l.category);
      for (const m of matches) {
        let pt = perTag.get(m.tag);
        if (!pt) perTag.set(m.tag, (pt = { orderWeight: new Map(), ev: new Map() }));
        pt.orderWeight.set(l.orderId, Math.max(pt.orderWeight.get(l.orderId) ?? 0, m.weight));
        const key = `${m.term}\u0000${m.field}\u0000${l.productId}\u0000${m.text}`;
        let e = pt.ev.get(key);
        if (!e) pt.ev.set(key, (e = { term: m.term, field: m.field, text: m.text, productId: l.productId, orders: 0, lines: 0, orderSet: new Set(), weight: m.weight }));
        e.lines++;
        e.orderSet.add(l.orderId);
      }
    }
    const totalOrders = orders.size;
    const out = {} as Record<TagName, InferredTag>;
    for (const tag of TAG_DIMENSIONS) {
      const pt = perTag.get(tag);
      if (!pt) {
        out[tag] = { tag, confidence: 0, matchedOrders: 0, totalOrders, evidence: [] };
        continue;
      }
      let doubt = 1;
      for (const w of pt.orderWeight.values()) doubt *= 1 - w;
      const matchedOrders = pt.orderWeight.size;
      const share = Math.min(1, matchedOrders / Math.max(1e-9, totalOrders * SHARE_FOR_FULL_CONFIDENCE));
      const confidence = (1 - doubt) * (0.5 + 0.5 * share);
      const evidence = [...pt.ev.values()]
        .sort((a, b) => b.weight * b.orderSet.size - a.weight * a.orderSet.size || b.lines - a.lines)
        .slice(0, 10)
        .map(({ orderSet, weight: _w, ...e }) => ({ ...e, orders: orderSet.size }));
      out[tag] = { tag, confidence, matchedOrders, totalOrders, evidence };
    }
    return out;
  }
}

/** Convenience wrapper around a default {@link TagInferrer}. */
export function inferTags(lines: Iterable<PurchaseLine>, keywords?: Readonly<Record<TagName, TagKeywords>>): Record<TagName, InferredTag> {
  return new TagInferrer(keywords).infer(lines);
}

// ---------------------------------------------------------------------------------------------
// Declared values, resolution, completeness

export type TagScalar = boolean | number | string;

export interface ResolvedTag {
  value: TagScalar;
  source: 'declared' | 'inferred';
  /** 1 for declared values. */
  confidence: number;
  evidence: TagEvidence[];
}

/**
 * Merge declared and inferred tags. A declared value (not null/undefined) always wins, even
 * `false` against strong inferred evidence. An inferred tag is kept (value `true`) only if its
 * confidence is at least `threshold`; lack of evidence is not evidence of absence, so nothing
 * is inferred as `false`.
 */
export function resolveTags(
  declared: Readonly<Record<string, TagScalar | null | undefined>>,
  inferred: Partial<Record<string, InferredTag>>,
  threshold = DEFAULT_TAG_THRESHOLD,
): Record<string, ResolvedTag> {
  const out: Record<string, ResolvedTag> = {};
  for (const [tag, inf] of Object.entries(inferred)) {
    if (inf && inf.confidence >= threshold) out[tag] = { value: true, source: 'inferred', confidence: inf.confidence, evidence: inf.evidence };
  }
  for (const [tag, v] of Object.entries(declared)) {
    if (v !== null && v !== undefined) out[tag] = { value: v, source: 'declared', confidence: 1, evidence: [] };
  }
  return out;
}

/** Share of `dimensions` that are known (declared, or inferred at/above the threshold). */
export function tagCompleteness(resolved: Readonly<Record<string, ResolvedTag>>, dimensions: readonly string[] = TAG_DIMENSIONS): number {
  if (dimensions.length === 0) return 1;
  let known = 0;
  for (const d of dimensions) if (resolved[d] !== undefined) known++;
  return known / dimensions.length;
}

/** Mean completeness per group (e.g. per compound / 小区). */
export function completenessByGroup(items: Iterable<{ group: string; completeness: number }>): Map<string, { customers: number; completeness: number }> {
  const acc = new Map<string, { customers: number; sum: number }>();
  for (const { group, completeness } of items) {
    const a = acc.get(group) ?? { customers: 0, sum: 0 };
    a.customers++;
    a.sum += completeness;
    acc.set(group, a);
  }
  return new Map([...acc].map(([g, a]) => [g, { customers: a.customers, completeness: a.sum / a.customers }]));
}

/**
 * Declared household tags from canonical customers.csv attributes (fixed meanings):
 * has_children = kids_count ≥ 1 (`3+` counts); elderly = age ≥ 65 or age_band `65+`.
 * Unknown or unparsable values leave the tag undeclared.
 */
export function declaredTagsFromAttributes(attrs: Readonly<Record<string, string>>): Partial<Record<TagName, boolean>> {
  const out: Partial<Record<TagName, boolean>> = {};
  const kids = attrs.kids_count?.trim();
  if (kids) {
    const n = Number.parseInt(kids, 10);
    if (Number.isFinite(n)) out.has_children = n >= 1;
  }
  const age = attrs.age?.trim();
  const band = attrs.age_band?.trim();
  if (age && Number.isFinite(Number(age))) out.elderly = Number(age) >= 65;
  else if (band) {
    if (band === '65+') out.elderly = true;
    else {
      const hi = band.match(/(\d+)\s*$/);
      if (hi && Number(hi[1]) < 65) out.elderly = false;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Segment rules

const scalar = z.union([z.boolean(), z.number(), z.string()]);

export type SegmentRule =
  | { all: SegmentRule[] }
  | { any: SegmentRule[] }
  | { not: SegmentRule }
  | { tag: string; eq?: TagScalar; ne?: TagScalar; exists?: boolean; minConfidence?: number }
  | { rfm: 'R' | 'F' | 'M'; eq?: number; gte?: number; lte?: number }
  | { stage: LifecycleStage | LifecycleStage[] }
  | { metric: string; gte?: number; lte?: number };

const stageSchema = z.enum(['new', 'active', 'at_risk', 'lapsed']);

/** zod schema of a segment rule (recursive). */
export const segmentRuleSchema: z.ZodType<SegmentRule> = z.lazy(() =>
  z.union([
    z.object({ all: z.array(segmentRuleSchema).min(1) }).strict(),
    z.object({ any: z.array(segmentRuleSchema).min(1) }).strict(),
    z.object({ not: segmentRuleSchema }).strict(),
    z
      .object({ tag: z.string().min(1), eq: scalar.optional(), ne: scalar.optional(), exists: z.boolean().optional(), minConfidence: z.number().min(0).max(1).optional() })
      .strict(),
    z.object({ rfm: z.enum(['R', 'F', 'M']), eq: z.number().int().optional(), gte: z.number().optional(), lte: z.number().optional() }).strict(),
    z.object({ stage: z.union([stageSchema, z.array(stageSchema).min(1)]) }).strict(),
    z.object({ metric: z.string().min(1), gte: z.number().optional(), lte: z.number().optional() }).strict(),
  ]),
);

/** What a segment rule is evaluated against. */
export interface SegmentSubject {
  tags: Readonly<Record<string, ResolvedTag | undefined>>;
  rfm?: { R: number; F: number; M: number };
  stage?: LifecycleStage;
  /** Named numbers such as churnRisk, pAlive, clv, completeness. */
  metrics?: Readonly<Record<string, number>>;
}

const inRange = (v: number, r: { gte?: number; lte?: number; eq?: number }): boolean =>
  (r.eq === undefined || v === r.eq) && (r.gte === undefined || v >= r.gte) && (r.lte === undefined || v <= r.lte);

/**
 * Evaluate a rule. Unknown data never matches a positive condition: a tag condition on a tag
 * that is not known is false (use `{not: ...}` or `exists: false` for "unknown"), and an rfm,
 * stage or metric condition without that data is false.
 */
export function evaluateSegment(rule: SegmentRule, s: SegmentSubject): boolean {
  if ('all' in rule) return rule.all.every((r) => evaluateSegment(r, s));
  if ('any' in rule) return rule.any.some((r) => evaluateSegment(r, s));
  if ('not' in rule) return !evaluateSegment(rule.not, s);
  if ('tag' in rule) {
    const t = s.tags[rule.tag];
    if (rule.exists !== undefined && (t !== undefined) !== rule.exists) return false;
    if (t === undefined) return rule.exists === false && rule.eq === undefined && rule.ne === undefined;
    if (rule.minConfidence !== undefined && t.confidence < rule.minConfidence) return false;
    if (rule.eq !== undefined && t.value !== rule.eq) return false;
    if (rule.ne !== undefined && t.value === rule.ne) return false;
    return true;
  }
  if ('rfm' in rule) return s.rfm !== undefined && inRange(s.rfm[rule.rfm], rule);
  if ('stage' in rule) return s.stage !== undefined && (Array.isArray(rule.stage) ? rule.stage.includes(s.stage) : rule.stage === s.stage);
  const v = s.metrics?.[rule.metric];
  return v !== undefined && Number.isFinite(v) && inRange(v, rule);
}

/** Validate untrusted rule JSON, then evaluate. Throws a zod error on an invalid rule. */
export function parseSegmentRule(input: unknown): SegmentRule {
  return segmentRuleSchema.parse(input);
}
