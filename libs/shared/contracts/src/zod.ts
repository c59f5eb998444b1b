/**
 * zod as the contracts use it: everything from `zod`, except that every `string()` refuses text
 * PostgreSQL cannot store and no client means to send — a NUL character (U+0000) or a lone UTF-16
 * surrogate (U+D800–U+DFFF without its pair). Contract files import `* as z from './zod.js'`, so every
 * string field of every subject gets the rule without spelling it out.
 */
import { z as zod } from 'zod';

export * from 'zod';

export const UNSAFE_TEXT_MESSAGE = 'must not contain NUL characters or unpaired surrogates';

/** A NUL, a high surrogate not followed by a low one, or a low surrogate not preceded by a high one. */
// eslint-disable-next-line no-control-regex -- finding NUL is the point
const UNSAFE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** True when the text has no NUL character and no lone surrogate. */
export function isSafeText(text: string): boolean {
  return !UNSAFE.test(text);
}

/**
 * The paths of every string (object keys included) inside a parsed JSON-like value that is not
 * {@link isSafeText} — the edges use it to refuse such input before any schema or handler sees it.
 */
export function unsafeTextPaths(value: unknown, path: readonly (string | number)[] = [], found: (string | number)[][] = [], depth = 0): (string | number)[][] {
  if (found.length >= 20 || depth > 64) return found;
  if (typeof value === 'string') {
    if (!isSafeText(value)) found.push([...path]);
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => unsafeTextPaths(item, [...path, index], found, depth + 1));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (!isSafeText(key)) found.push([...path, key.replaceAll('\u0000', '\\u0000').replace(/[\ud800-\udfff]/g, '\\ufffd')]);
      else unsafeTextPaths(item, [...path, key], found, depth + 1);
    }
  }
  return found;
}

/** `z.string()` with the safe-text rule. */
export function string(params?: Parameters<typeof zod.string>[0]): zod.ZodString {
  return zod.string(params).refine(isSafeText, { message: UNSAFE_TEXT_MESSAGE });
}
