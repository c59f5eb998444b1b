import { identity as contracts } from '@linli/contracts';

const PROFILE_FIELDS = contracts.PROFILE_FIELDS;
type ProfileField = (typeof PROFILE_FIELDS)[number];

/** The profile fields of a stored profile (any may be null) and when each was declared (ISO time per field). */
export type StoredProfile = Partial<Record<ProfileField, unknown>> & { declared?: unknown };

export interface ConsentDecision {
  purpose: string;
  granted: boolean;
  changedAt: Date;
}

/** Roles beyond `resident`: an account holding any is never merged without ops approval. */
export function privilegedRoles(roles: readonly string[]): string[] {
  return roles.filter((role) => role !== 'resident');
}

export function rolesReason(roles: readonly string[]): string {
  return `the account holds the role${roles.length > 1 ? 's' : ''} ${roles.join(', ')}`;
}

const present = (value: unknown) => value !== null && value !== undefined;

/**
 * The target's profile after a merge: the target's fields win; the source fills what the target
 * lacks, bringing along when it was declared. Returns the fields to write on the target (only those
 * the source fills) and the target's new declaration times.
 */
export function mergedProfile(source: StoredProfile, target: StoredProfile | null): { fields: Partial<Record<ProfileField, unknown>>; declared: Record<string, string> } {
  const sourceDeclared = (source.declared ?? {}) as Record<string, string>;
  const declared: Record<string, string> = { ...((target?.declared ?? {}) as Record<string, string>) };
  const fields: Partial<Record<ProfileField, unknown>> = {};
  for (const field of PROFILE_FIELDS) {
    if (present(target?.[field]) || !present(source[field])) continue;
    fields[field] = source[field];
    if (sourceDeclared[field]) declared[field] = sourceDeclared[field]!;
  }
  return { fields, declared };
}

/** The source's consent decisions the target adopts in a merge: per purpose, the newer decision wins (the target's on a tie). */
export function consentsToAdopt(source: readonly ConsentDecision[], target: readonly ConsentDecision[]): ConsentDecision[] {
  const mine = new Map(target.map((consent) => [consent.purpose, consent]));
  return source.filter((consent) => {
    const current = mine.get(consent.purpose);
    return !current || current.changedAt.getTime() < consent.changedAt.getTime();
  });
}

/**
 * A profile patch as stored: the fields it sets (a birthday as a date at UTC midnight) and the
 * declaration times, each field it sets declared `now`, the others kept as they were.
 */
export function patchedProfile(
  patch: contracts.ProfilePatch,
  declaredBefore: unknown,
  now: Date,
): { data: Partial<Record<ProfileField, unknown>>; declared: Record<string, string> } {
  const declared = { ...((declaredBefore ?? {}) as Record<string, string>) };
  const data: Partial<Record<ProfileField, unknown>> = {};
  for (const field of PROFILE_FIELDS) {
    if (patch[field] === undefined) continue;
    declared[field] = now.toISOString();
    data[field] = field === 'birthday' ? new Date(`${patch.birthday}T00:00:00Z`) : patch[field];
  }
  return { data, declared };
}

/** Phone numbers and card numbers are shown masked outside export; opaque ids are shown as they are. */
export function maskIdentity(channel: string, value: string): string {
  if (channel === 'member-card') return value.length > 4 ? `${'*'.repeat(value.length - 4)}${value.slice(-4)}` : '****';
  if (channel === 'phone') return `${value.slice(0, 6)}****${value.slice(-4)}`;
  return value;
}
