import { randomUUID } from 'node:crypto';
import { identity, orders, personalDataExport } from '@linli/contracts';
import { waitUntil } from '@linli/testing';
import { aCampaign, aCatalog, aPickupPoint, aResident, placePaid, publishEvent, startOrders, type OrdersHarness } from './orders.fixture.js';

let h: OrdersHarness;

beforeAll(async () => {
  h = await startOrders();
});

afterAll(async () => {
  await h?.close();
});

const processed = (id: string, consumer = 'orders-identity-users') =>
  waitUntil(async () => (await h.db.processedEvent.count({ where: { eventId: id, consumer } })) === 1, 10_000, 'event processed');

describe('identity events in orders', () => {
  it('moves a merged account’s orders, quota and binding to the surviving account', async () => {
    const world = await aPickupPoint(h);
    const catalog = await aCatalog(h);
    const { campaign, milkOffer } = await aCampaign(h, world, catalog, { milkLimit: 2 });
    const source = await aResident(h, world);
    const target = await aResident(h, world);
    const order = await placePaid(h, source, campaign.campaignId, [{ offerId: milkOffer, quantity: 2 }], 1980);
    await placePaid(h, target, campaign.campaignId, [{ offerId: milkOffer, quantity: 1 }], 990);

    const id = await publishEvent(h, identity.userMerged, { mergeId: randomUUID(), sourceUserId: source.userId, targetUserId: target.userId, mergedAt: new Date().toISOString() });
    await processed(id);

    expect((await h.db.order.findUniqueOrThrow({ where: { id: order.orderId } })).userId).toBe(target.userId);
    expect(await h.db.order.count({ where: { userId: source.userId } })).toBe(0);
    expect(await h.db.residentBinding.count({ where: { userId: source.userId } })).toBe(0);
    const quota = await h.db.customerQuota.findFirstOrThrow({ where: { userId: target.userId, campaignId: campaign.campaignId } });
    expect(quota.quantity).toBe(3); // both accounts' units, the limit raised to hold them
    expect(quota.limitQty).toBe(3);
    const mine = await h.rpc.request(orders.listOrders, { actor: target });
    expect(mine.orders.map((o: { orderId: string }) => o.orderId)).toContain(order.orderId);
  });

  it('unlinks an erased user’s orders and removes the binding, quotas and profile copy', async () => {
    const world = await aPickupPoint(h);
    const catalog = await aCatalog(h);
    const { campaign, riceOffer } = await aCampaign(h, world, catalog);
    const resident = await aResident(h, world);
    const order = await placePaid(h, resident, campaign.campaignId, [{ offerId: riceOffer, quantity: 1 }], 700);
    const profile = await publishEvent(h, identity.profileUpdated, { userId: resident.userId, profile: { nickname: 'Neighbour', building: '7' }, declared: {} });
    await processed(profile, 'orders-resident-profiles');
    expect(await h.db.residentProfile.findUnique({ where: { userId: resident.userId } })).toMatchObject({ displayName: 'Neighbour', building: '7' });
    // The copy is part of the person's data export.
    const copy = await h.rpc.request(personalDataExport.orders, { actor: resident, userId: resident.userId, userIds: [resident.userId] });
    expect(copy.sections['sortingListProfiles']).toEqual([{ userId: resident.userId, displayName: 'Neighbour', building: '7', updatedAt: expect.anything() }]);

    const id = await publishEvent(h, identity.userErased, { userId: resident.userId, erasedAt: new Date().toISOString() });
    await processed(id);
    await processed(id, 'orders-resident-profiles');

    const kept = await h.db.order.findUniqueOrThrow({ where: { id: order.orderId } });
    expect(kept.userId).not.toBe(resident.userId); // the accounting record stays, linked to nobody
    expect(kept.paidCents).toBe(700);
    expect(await h.db.order.count({ where: { userId: resident.userId } })).toBe(0);
    expect(await h.db.residentBinding.count({ where: { userId: resident.userId } })).toBe(0);
    expect(await h.db.customerQuota.count({ where: { userId: resident.userId } })).toBe(0);
    expect(await h.db.residentProfile.count({ where: { userId: resident.userId } })).toBe(0);
  });
});
