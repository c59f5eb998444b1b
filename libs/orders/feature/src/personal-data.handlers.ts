import { assertMayReadPersonalData, orders as c, personalDataExport } from '@linli/contracts';
import { OrdersDb, OrdersPersonalDataRepository } from '@linli/orders-data-access';
import { bind, rpcBindings } from '@linli/nest-kit';

const repository = new OrdersPersonalDataRepository();

/** The orders service's part of a person's data copy (PIPL) and identity's pre-merge check. */
export const OrdersPersonalDataHandlers = rpcBindings('orders personal data', [OrdersDb], (db) => [
  bind(personalDataExport.orders, async (req) => {
    assertMayReadPersonalData(req);
    return { service: 'orders' as const, sections: await repository.sections(db, req.userIds) };
  }),
  bind(c.mergeCheck, async (req) => {
    assertMayReadPersonalData({ actor: req.actor, userId: req.targetUserId });
    const [open, binding] = await Promise.all([
      repository.ordersByPickupPoint(db, req.sourceUserId, c.OPEN_ORDER_STATUSES),
      repository.bindingOf(db, req.targetUserId),
    ]);
    const elsewhere = open.filter((row) => row.pickupPointId !== binding?.pickupPointId);
    return {
      openOrders: open.reduce((sum, row) => sum + row.orders, 0),
      openOrdersElsewhere: elsewhere.reduce((sum, row) => sum + row.orders, 0),
      pickupPointIds: elsewhere.map((row) => row.pickupPointId),
    };
  }),
]);
