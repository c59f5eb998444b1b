import { TAG_DIMENSIONS, TagInferrer, declaredTagsFromAttributes, type TagName } from '@linli/recommendations-analytics';

/** Bit of each household tag dimension in a tag mask. */
export const TAG_BIT: Readonly<Record<TagName, number>> = Object.fromEntries(TAG_DIMENSIONS.map((tag, i) => [tag, 1 << i])) as Record<TagName, number>;

/** Keyword weight from which a product counts as made for a tag (e.g. "婴儿米粉" for has_infant). */
export const STRONG_MATCH_WEIGHT = 0.45;

/** Children born within this many years count as infants (under 3). */
export const INFANT_YEARS = 3;

/** How a recommendation reads when it suits the household. */
export const HOUSEHOLD_REASON: Readonly<Record<TagName, string>> = {
  has_children: 'good for families with children',
  has_infant: 'for your little one',
  elderly: 'suits older family members',
  health_conscious: 'fits your healthy choices',
  light_food: 'light and easy',
  vegetarian: 'vegetarian-friendly',
  pet_owner: 'for your pet',
};

/** How a kit for the household is introduced. */
export const SCENARIO_REASON: Readonly<Record<TagName, string>> = {
  has_children: 'a kit for families with children',
  has_infant: 'a kit for families with a baby',
  elderly: 'a kit for older family members',
  health_conscious: 'a healthy-eating kit',
  light_food: 'a light-meal kit',
  vegetarian: 'a vegetarian kit',
  pet_owner: 'a kit for pet owners',
};

interface DeclaredHousehold {
  adults?: number;
  children?: { birthYear: number }[];
  elderly?: number;
}

interface DeclaredDietary {
  preferences?: string[];
  restrictions?: string[];
}

/**
 * Household tags a resident declared (profile household and dietary), or that an imported
 * customers.csv states (`kids_count`, `age`, `age_band`). Declared values always win over inferred ones.
 */
export function declaredTags(
  input: { household?: unknown; dietary?: unknown; attributes?: Record<string, string> | null },
  now: Date = new Date(),
): Partial<Record<TagName, boolean>> {
  const out: Partial<Record<TagName, boolean>> = input.attributes ? declaredTagsFromAttributes(input.attributes) : {};
  const household = (input.household ?? null) as DeclaredHousehold | null;
  if (household && typeof household === 'object') {
    if (Array.isArray(household.children)) {
      out.has_children = household.children.length > 0;
      const year = now.getUTCFullYear();
      out.has_infant = household.children.some((child) => year - child.birthYear < INFANT_YEARS);
    }
    if (typeof household.elderly === 'number') out.elderly = household.elderly > 0;
  }
  const dietary = (input.dietary ?? null) as DeclaredDietary | null;
  if (dietary && typeof dietary === 'object') {
    const words = [...(dietary.preferences ?? []), ...(dietary.restrictions ?? [])].map((w) => w.toLowerCase());
    if (words.some((w) => /vegetarian|vegan|素食|吃素/.test(w))) out.vegetarian = true;
    if (words.some((w) => /low[- ]?(sugar|fat|salt)|sugar[- ]free|无糖|低糖|低脂|低盐|控糖/.test(w))) out.health_conscious = true;
  }
  return out;
}

/** Tag mask of tags whose value is `true`. */
export function maskOf(tags: Iterable<TagName>): number {
  let mask = 0;
  for (const tag of tags) mask |= TAG_BIT[tag] ?? 0;
  return mask;
}

/** Tags in a mask, in dimension order. */
export function tagsOfMask(mask: number): TagName[] {
  return TAG_DIMENSIONS.filter((tag) => (mask & TAG_BIT[tag]) !== 0);
}

/** Tag mask of a product: the household tags its name or category strongly suggest. */
export function productTagMask(inferrer: TagInferrer, name: string, category: string): number {
  let mask = 0;
  for (const match of inferrer.matchProduct(name, category)) if (match.weight >= STRONG_MATCH_WEIGHT) mask |= TAG_BIT[match.tag];
  return mask;
}

/** Resolved tags as stored with customer assets (`[{tag, value, ...}]`) → mask of the true ones. */
export function maskOfStoredTags(stored: unknown): number {
  if (!Array.isArray(stored)) return 0;
  let mask = 0;
  for (const t of stored as { tag?: string; value?: unknown }[]) {
    if (t && t.value === true && typeof t.tag === 'string' && t.tag in TAG_BIT) mask |= TAG_BIT[t.tag as TagName];
  }
  return mask;
}
