import { createHash, randomBytes } from 'node:crypto';

/** Every key starts with this, so a leaked key is recognisable (secret scanners, logs). */
export const API_KEY_PREFIX = 'lsk_';

/** A new key: `lsk_` and 32 random bytes in base64url. Only its hash is stored. */
export function generateApiKey(): { key: string; hash: string; prefix: string } {
  const key = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { key, hash: hashApiKey(key), prefix: key.slice(0, 8) };
}

/**
 * SHA-256 of the key, hex. A key carries 256 random bits, so a fast hash is enough (no password
 * stretching is needed); the lookup is by hash, so the key itself is never compared.
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function looksLikeApiKey(key: string): boolean {
  return /^lsk_[A-Za-z0-9_-]{43}$/.test(key);
}
