import type { ResidentCopy } from '@linli/communities-data-access';

/** Words residents declare (diet preferences) mapped to the tags communities carry. */
const SYNONYMS: Record<string, string> = {
  轻食: 'light-food',
  沙拉: 'light-food',
  salad: 'light-food',
  'light food': 'light-food',
  素食: 'vegetarian',
  低糖: 'low-sugar',
  低盐: 'low-salt',
  健身: 'fitness',
  烘焙: 'baking',
  vegetables: 'fresh-vegetables',
  蔬菜: 'fresh-vegetables',
};

export function slug(text: string): string | null {
  const mapped = SYNONYMS[text.trim().toLowerCase()] ?? SYNONYMS[text.trim()];
  if (mapped) return mapped;
  const s = text.trim().toLowerCase().replace(/[\s_]+/g, '-').replace(/[^a-z0-9-]/g, '');
  return /^[a-z0-9][a-z0-9-]{1,39}$/.test(s) ? s : null;
}

/** Tags a resident declared: household composition and diet preferences. */
export function declaredTags(resident: Pick<ResidentCopy, 'household' | 'dietary'> | null): Set<string> {
  const tags = new Set<string>();
  if (!resident) return tags;
  if ((resident.household.children?.length ?? 0) > 0) tags.add('parent-child');
  if ((resident.household.elderly ?? 0) > 0) tags.add('silver-health');
  for (const p of resident.dietary.preferences ?? []) {
    const t = slug(p);
    if (t) tags.add(t);
  }
  return tags;
}

export interface Candidate {
  id: string;
  tags: string[];
  memberCount: number;
}

/**
 * Scores a community for a resident: 2 per declared tag it carries, 1 per inferred one, 5 for an
 * invitation, and a little for size (so among equals the livelier one comes first). Zero: not suggested.
 */
export function scoreCommunity(c: Candidate, declared: Set<string>, inferred: Set<string>, invited: boolean): { score: number; reasons: string[] } {
  const reasons: string[] = [];
  let score = 0;
  if (invited) {
    score += 5;
    reasons.push('invited by your group leader');
  }
  for (const tag of c.tags) {
    if (declared.has(tag)) {
      score += 2;
      reasons.push(`you told us: ${tag}`);
    } else if (inferred.has(tag)) {
      score += 1;
      reasons.push(`from what you buy: ${tag}`);
    }
  }
  if (score === 0) return { score: 0, reasons };
  return { score: Math.round((score + Math.log10(c.memberCount + 1) / 10) * 1000) / 1000, reasons };
}
