import { identity, isSafeText, leaderOps, unsafeTextPaths } from './index.js';

describe('safe text', () => {
  it('refuses NUL and lone surrogates, keeps every other character including paired surrogates', () => {
    for (const text of ['a\u0000b', '\u0000', 'x\ud800', '\ud800y', '\udc00', 'a\udfffb', '\ud83d\ud83d\ude00']) expect(isSafeText(text)).toBe(false);
    for (const text of ['', 'Auntie Wang 王阿姨', '😀 emoji', '\ud83d\ude00', 'tab\tand\nnewline', 'ÿ']) expect(isSafeText(text)).toBe(true);
  });

  it('names every unsafe string inside a value, keys included', () => {
    expect(unsafeTextPaths({ a: 'ok', b: ['fine', 'bad\u0000'], c: { d: '\ud800' }, ['k\u0000']: 1 })).toEqual([['b', 1], ['c', 'd'], ['k\\u0000']]);
    expect(unsafeTextPaths({ a: 'ok', n: 1, t: true, z: null })).toEqual([]);
  });

  it('is part of every string schema of the contracts', () => {
    const nickname = identity.ProfilePatchSchema.safeParse({ nickname: 'Wang\u0000' });
    expect(nickname.success).toBe(false);
    expect(nickname.error?.issues[0]).toMatchObject({ path: ['nickname'], message: 'must not contain NUL characters or unpaired surrogates' });
    expect(identity.ProfilePatchSchema.safeParse({ nickname: 'Wang \ud83d\ude00' }).success).toBe(true);
    expect(leaderOps.CompoundSchema.shape.name.safeParse('Sunshine\ud800').success).toBe(false);
  });
});
