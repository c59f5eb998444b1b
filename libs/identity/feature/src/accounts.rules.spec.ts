import { consentsToAdopt, maskIdentity, mergedProfile, patchedProfile, privilegedRoles, rolesReason } from './accounts.rules.js';

const at = (iso: string) => new Date(iso);

describe('merging two accounts', () => {
  it('keeps every field the target has and takes from the source only what the target lacks, with its declaration time', () => {
    const source = {
      nickname: 'Old name',
      building: '3',
      birthday: at('1990-01-02T00:00:00Z'),
      household: null,
      declared: { nickname: '2026-01-01T00:00:00.000Z', building: '2026-01-02T00:00:00.000Z', birthday: '2026-01-03T00:00:00.000Z' },
    };
    const target = { nickname: 'Current name', building: null, birthday: undefined, household: { adults: 2 }, declared: { nickname: '2026-02-01T00:00:00.000Z' } };
    expect(mergedProfile(source, target)).toEqual({
      fields: { building: '3', birthday: at('1990-01-02T00:00:00Z') },
      declared: { nickname: '2026-02-01T00:00:00.000Z', building: '2026-01-02T00:00:00.000Z', birthday: '2026-01-03T00:00:00.000Z' },
    });
  });

  it('gives a target without a profile the whole source profile', () => {
    const source = { nickname: 'N', dietary: { vegetarian: true }, declared: { nickname: '2026-01-01T00:00:00.000Z' } };
    expect(mergedProfile(source, null)).toEqual({ fields: { nickname: 'N', dietary: { vegetarian: true } }, declared: { nickname: '2026-01-01T00:00:00.000Z' } });
  });

  it('takes a source field even when the source never recorded when it was declared', () => {
    expect(mergedProfile({ compoundId: 'c-1' }, { declared: {} })).toEqual({ fields: { compoundId: 'c-1' }, declared: {} });
  });

  it('adopts a source consent only when it is newer than the target’s decision for that purpose (the target wins a tie)', () => {
    const source = [
      { purpose: 'profiling', granted: true, changedAt: at('2026-03-01T00:00:00Z') },
      { purpose: 'marketing', granted: true, changedAt: at('2026-01-01T00:00:00Z') },
      { purpose: 'location', granted: false, changedAt: at('2026-01-01T00:00:00Z') },
    ];
    const target = [
      { purpose: 'profiling', granted: false, changedAt: at('2026-02-01T00:00:00Z') },
      { purpose: 'marketing', granted: false, changedAt: at('2026-01-01T00:00:00Z') },
    ];
    expect(consentsToAdopt(source, target).map((c) => [c.purpose, c.granted])).toEqual([
      ['profiling', true],
      ['location', false],
    ]);
    expect(consentsToAdopt(source, [])).toHaveLength(3);
    expect(consentsToAdopt([], target)).toEqual([]);
  });

  it('treats every role beyond resident as privileged, and names them', () => {
    expect(privilegedRoles(['resident'])).toEqual([]);
    expect(privilegedRoles(['resident', 'leader', 'ops'])).toEqual(['leader', 'ops']);
    expect(rolesReason(['leader'])).toBe('the account holds the role leader');
    expect(rolesReason(['leader', 'ops'])).toBe('the account holds the roles leader, ops');
  });
});

describe('declaring the profile', () => {
  it('declares each patched field now, keeps the other declarations, and stores a birthday as a UTC date', () => {
    const now = at('2026-05-05T10:00:00Z');
    expect(patchedProfile({ nickname: 'N', birthday: '1990-01-02' }, { building: '2026-01-01T00:00:00.000Z', nickname: '2026-01-01T00:00:00.000Z' }, now)).toEqual({
      data: { nickname: 'N', birthday: at('1990-01-02T00:00:00Z') },
      declared: { building: '2026-01-01T00:00:00.000Z', nickname: '2026-05-05T10:00:00.000Z', birthday: '2026-05-05T10:00:00.000Z' },
    });
  });

  it('changes nothing for an empty patch', () => {
    expect(patchedProfile({}, null, at('2026-05-05T10:00:00Z'))).toEqual({ data: {}, declared: {} });
  });
});

describe('showing identities', () => {
  it('masks phones and member cards, and shows opaque ids as they are', () => {
    expect(maskIdentity('phone', '+8613900000001')).toBe('+86139****0001');
    expect(maskIdentity('member-card', '1234567890')).toBe('******7890');
    expect(maskIdentity('member-card', '123')).toBe('****');
    expect(maskIdentity('wechat-unionid', 'u-1')).toBe('u-1');
  });
});
