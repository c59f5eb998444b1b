import { randomUUID } from 'node:crypto';
import { communities as c, orders } from '@linli/contracts';
import { anActor, codeOf } from '@linli/testing';
import { aPlace, aResident, anOrder, feed, ops, paid, published, startCommunities, waitForEvent, type Harness, type Place } from './communities.test-harness.js';

let h: Harness;
let place: Place;

beforeAll(async () => {
  h = await startCommunities({ postLimit: 3, postWindowSeconds: 600 });
  place = await aPlace(h);
});

afterAll(async () => {
  await h?.close();
});

const pointCommunity = (leader = place.leader, pickupPointId = place.pickupPointId, tags: string[] = ['light-food']) =>
  h.rpc.request(c.createCommunity, { actor: leader, name: '轻食生活圈', scope: 'pickup-point', pickupPointId, tags });

describe('communities and members', () => {
  it('lets a leader create a community for their own pickup point only; compound and city scopes are for ops', async () => {
    const own = await pointCommunity();
    expect(own).toMatchObject({ scope: 'pickup-point', compoundId: place.compoundId, memberCount: 1, myRole: 'owner' });
    const joined = await waitForEvent(h, c.memberJoined.subject, (d) => d.communityId === own.communityId);
    expect(joined.data).toMatchObject({ userId: place.leader.userId, role: 'owner', pickupPointId: place.pickupPointId });

    const other = await aPlace(h);
    expect(await codeOf(pointCommunity(place.leader, other.pickupPointId))).toBe('COMMUNITIES.NOT_POINT_LEADER');
    expect(await codeOf(pointCommunity(place.leader, randomUUID()))).toBe('COMMUNITIES.PICKUP_POINT_UNKNOWN');
    expect(await codeOf(h.rpc.request(c.createCommunity, { actor: place.leader, name: '银发健康社', scope: 'compound', compoundId: place.compoundId }))).toBe('AUTH.FORBIDDEN');
    const city = await h.rpc.request(c.createCommunity, { actor: ops, name: '亲子厨房帮', scope: 'city', tags: ['parent-child'] });
    expect(city.scope).toBe('city');
    expect(await h.db.community.count({ where: { createdBy: place.leader.userId } })).toBe(1);
  });

  it('joins within reach, lists members by display name only, and leaves', async () => {
    const community = await pointCommunity();
    const resident = await aResident(h, place, { nickname: '王阿姨' });
    const { member } = await h.rpc.request(c.joinCommunity, { actor: resident, communityId: community.communityId });
    expect(member).toMatchObject({ displayName: '王阿姨', role: 'member' });
    expect(await codeOf(h.rpc.request(c.joinCommunity, { actor: resident, communityId: community.communityId }))).toBe('COMMUNITIES.ALREADY_MEMBER');

    const elsewhere = await aResident(h, await aPlace(h));
    expect(await codeOf(h.rpc.request(c.joinCommunity, { actor: elsewhere, communityId: community.communityId }))).toBe('COMMUNITIES.OUT_OF_REACH');
    expect(await codeOf(h.rpc.request(c.listMembers, { actor: elsewhere, communityId: community.communityId }))).toBe('COMMUNITIES.NOT_MEMBER');

    const { members } = await h.rpc.request(c.listMembers, { actor: resident, communityId: community.communityId });
    expect(members.map((m) => m.role).sort()).toEqual(['member', 'owner']);
    for (const m of members) expect(Object.keys(m).sort()).toEqual(['displayName', 'joinedAt', 'role', 'userId']);

    expect(await codeOf(h.rpc.request(c.leaveCommunity, { actor: place.leader, communityId: community.communityId }))).toBe('COMMUNITIES.OWNER_CANNOT_LEAVE');
    await h.rpc.request(c.leaveCommunity, { actor: resident, communityId: community.communityId });
    expect((await h.rpc.request(c.getCommunity, { actor: resident, communityId: community.communityId })).memberCount).toBe(1);
    await waitForEvent(h, c.memberLeft.subject, (d) => d.userId === resident.userId);
  });

  it('suggests from declared tags, uses purchases only with profiling consent, and puts invitations first', async () => {
    const mine = await aPlace(h);
    const light = await h.rpc.request(c.createCommunity, { actor: mine.leader, name: '轻食生活圈', scope: 'pickup-point', pickupPointId: mine.pickupPointId, tags: ['light-food'] });
    const bakery = await h.rpc.request(c.createCommunity, { actor: ops, name: '烘焙角', scope: 'compound', compoundId: mine.compoundId, tags: ['bakery'] });
    const withoutConsent = await aResident(h, mine, { dietary: { preferences: ['轻食'] } });
    const withConsent = await aResident(h, mine, { dietary: { preferences: ['轻食'] } }, true);
    for (const actor of [withoutConsent, withConsent]) {
      for (let i = 0; i < 2; i++) await feed(h, orders.orderPaid, paid(anOrder(actor.userId, mine, randomUUID(), [{ skuId: randomUUID(), categoryId: 'bakery' }])));
    }
    const a = await h.rpc.request(c.suggestCommunities, { actor: withoutConsent });
    expect([a.usedInferredTags, a.suggestions.map((s) => s.community.communityId)]).toEqual([false, [light.communityId]]);
    const b = await h.rpc.request(c.suggestCommunities, { actor: withConsent });
    expect([b.usedInferredTags, b.suggestions.map((s) => s.community.communityId)]).toEqual([true, [light.communityId, bakery.communityId]]);
    expect(b.suggestions[1]!.reasons).toEqual(['from what you buy: bakery']);

    // the leader invites their customers: the invitation counts most
    const quiet = await h.rpc.request(c.createCommunity, { actor: mine.leader, name: '团长的群', scope: 'pickup-point', pickupPointId: mine.pickupPointId });
    expect((await h.rpc.request(c.inviteMembers, { actor: mine.leader, communityId: quiet.communityId, segment: 'bound-customers' })).invited).toBe(2);
    expect(await codeOf(h.rpc.request(c.inviteMembers, { actor: place.leader, communityId: quiet.communityId, segment: 'bound-customers' }))).toBe('COMMUNITIES.NOT_POINT_LEADER');
    expect((await h.rpc.request(c.suggestCommunities, { actor: withoutConsent })).suggestions[0]!.community.communityId).toBe(quiet.communityId);
  });
});

describe('posts and moderation', () => {
  it('posts for members, with a per-member rate limit, and publishes each post', async () => {
    const community = await pointCommunity();
    const resident = await aResident(h, place);
    expect(await codeOf(h.rpc.request(c.createPost, { actor: resident, communityId: community.communityId, body: 'hello' }))).toBe('COMMUNITIES.NOT_MEMBER');
    await h.rpc.request(c.joinCommunity, { actor: resident, communityId: community.communityId });
    const skuId = randomUUID();
    for (let i = 0; i < 3; i++) await h.rpc.request(c.createPost, { actor: resident, communityId: community.communityId, body: `recipe ${i}`, linkedSkuId: skuId, imageRefs: ['posts/a.jpg'] });
    expect(await codeOf(h.rpc.request(c.createPost, { actor: resident, communityId: community.communityId, body: 'one too many' }))).toBe('COMMUNITIES.POST_RATE_LIMITED');
    expect(await h.db.communityPost.count({ where: { authorUserId: resident.userId } })).toBe(3);
    await h.events.waitFor(() => published(h, c.postCreated.subject, (d) => d.authorUserId === resident.userId && d.linkedSkuId === skuId).length === 3);
    // a new window lets the member post again
    await h.db.communityMember.update({ where: { communityId_userId: { communityId: community.communityId, userId: resident.userId } }, data: { postWindowStart: new Date(Date.now() - 601_000) } });
    await h.rpc.request(c.createPost, { actor: resident, communityId: community.communityId, body: 'next window' });
  });

  it('reports, queues, hides and restores posts, bans members; refuses moderators outside their community; audits it all', async () => {
    const community = await pointCommunity();
    const [author, reporter, mod] = [await aResident(h, place), await aResident(h, place), await aResident(h, place)];
    for (const actor of [author, reporter, mod]) await h.rpc.request(c.joinCommunity, { actor, communityId: community.communityId });
    await h.rpc.request(c.appointModerator, { actor: place.leader, communityId: community.communityId, userId: mod.userId });
    const post = await h.rpc.request(c.createPost, { actor: author, communityId: community.communityId, body: '加我微信买便宜货' });
    await h.rpc.request(c.addComment, { actor: reporter, postId: post.postId, body: '广告？' });
    expect((await h.rpc.request(c.react, { actor: reporter, postId: post.postId, kind: 'like' })).reactions).toEqual({ like: 1 });

    expect((await h.rpc.request(c.reportPost, { actor: reporter, postId: post.postId, reason: 'advertising' })).openReports).toBe(1);
    expect(await codeOf(h.rpc.request(c.reportPost, { actor: reporter, postId: post.postId, reason: 'again' }))).toBe('COMMUNITIES.ALREADY_REPORTED');
    const queue = await h.rpc.request(c.moderationQueue, { actor: mod, communityId: community.communityId });
    expect(queue.items.map((i) => [i.post.postId, i.reasons])).toEqual([[post.postId, ['advertising']]]);

    // a moderator of another community may not act here
    const otherCommunity = await h.rpc.request(c.createCommunity, { actor: ops, name: 'Other', scope: 'city' });
    const outsider = anActor();
    await h.rpc.request(c.joinCommunity, { actor: outsider, communityId: otherCommunity.communityId });
    await h.rpc.request(c.appointModerator, { actor: ops, communityId: otherCommunity.communityId, userId: outsider.userId });
    expect(await codeOf(h.rpc.request(c.moderatePost, { actor: outsider, postId: post.postId, action: 'hide', reason: 'x' }))).toBe('COMMUNITIES.NOT_MODERATOR');
    expect(await codeOf(h.rpc.request(c.moderationQueue, { actor: reporter, communityId: community.communityId }))).toBe('COMMUNITIES.NOT_MODERATOR');
    expect(await codeOf(h.rpc.request(c.banMember, { actor: outsider, communityId: community.communityId, userId: author.userId, until: new Date(Date.now() + 3_600_000).toISOString(), reason: 'spam' }))).toBe(
      'COMMUNITIES.NOT_MODERATOR',
    );

    const hidden = await h.rpc.request(c.moderatePost, { actor: mod, postId: post.postId, action: 'hide', reason: 'advertising' });
    expect([hidden.status, hidden.openReports]).toEqual(['hidden', 0]);
    expect((await h.rpc.request(c.listPosts, { actor: reporter, communityId: community.communityId })).posts.map((p) => p.postId)).not.toContain(post.postId);
    expect((await h.rpc.request(c.listPosts, { actor: mod, communityId: community.communityId })).posts.map((p) => p.postId)).toContain(post.postId);
    expect(await codeOf(h.rpc.request(c.getPost, { actor: reporter, postId: post.postId }))).toBe('COMMUNITIES.POST_NOT_FOUND');
    expect(await codeOf(h.rpc.request(c.listPosts, { actor: anActor(), communityId: community.communityId }))).toBe('COMMUNITIES.NOT_MEMBER');
    expect((await h.rpc.request(c.moderatePost, { actor: mod, postId: post.postId, action: 'restore' })).status).toBe('visible');
    expect((await h.rpc.request(c.getPost, { actor: reporter, postId: post.postId })).comments.map((m) => m.body)).toEqual(['广告？']);

    const until = new Date(Date.now() + 3_600_000).toISOString();
    await h.rpc.request(c.banMember, { actor: mod, communityId: community.communityId, userId: author.userId, until, reason: 'spam' });
    expect(await codeOf(h.rpc.request(c.createPost, { actor: author, communityId: community.communityId, body: 'still here' }))).toBe('COMMUNITIES.BANNED');
    expect(await codeOf(h.rpc.request(c.addComment, { actor: author, postId: post.postId, body: 'still here' }))).toBe('COMMUNITIES.BANNED');
    const event = await h.rpc.request(c.createEvent, {
      actor: mod,
      communityId: community.communityId,
      title: 'Tasting',
      startsAt: new Date(Date.now() + 3_600_000).toISOString(),
      endsAt: new Date(Date.now() + 7_200_000).toISOString(),
      address: 'Gate 2',
      capacity: 5,
    });
    expect(await codeOf(h.rpc.request(c.rsvp, { actor: author, eventId: event.eventId }))).toBe('COMMUNITIES.BANNED');
    expect(await h.db.eventRsvp.count({ where: { eventId: event.eventId } })).toBe(0);

    const { entries } = await h.rpc.request(c.moderationAudit, { actor: place.leader, communityId: community.communityId });
    expect(entries.map((e) => [e.action, e.actorUserId, e.targetId])).toEqual([
      ['ban', mod.userId, author.userId],
      ['restore-post', mod.userId, post.postId],
      ['hide-post', mod.userId, post.postId],
      ['appoint-moderator', place.leader.userId, mod.userId],
    ]);
  });
});
