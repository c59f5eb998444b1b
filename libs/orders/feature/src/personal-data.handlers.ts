import { Inject, Injectable } from '@nestjs/common';
import { assertMayReadPersonalData, orders as c, personalDataExport, type RpcRequest } from '@linli/contracts';
import { OrdersDb, OrdersPersonalDataRepository } from '@linli/orders-data-access';
import { RpcHandler } from '@linli/nest-kit';

/** The orders service's part of a person's data copy (PIPL) and identity's pre-merge check. */
@Injectable()
export class OrdersPersonalDataHandlers {
  private readonly repository = new OrdersPersonalDataRepository();

  constructor(@Inject(OrdersDb) private readonly db: OrdersDb) {}

  @RpcHandler(personalDataExport.orders)
  async export(req: RpcRequest<typeof personalDataExport.orders>) {
    assertMayReadPersonalData(req);
    return { service: 'orders' as const, sections: await this.repository.sections(this.db, req.userIds) };
  }

  @RpcHandler(c.mergeCheck)
  async mergeCheck(req: RpcRequest<typeof c.mergeCheck>) {
    assertMayReadPersonalData({ actor: req.actor, userId: req.targetUserId });
    const [open, binding] = await Promise.all([
      this.repository.ordersByPickupPoint(this.db, req.sourceUserId, c.OPEN_ORDER_STATUSES),
      this.repository.bindingOf(this.db, req.targetUserId),
    ]);
    const elsewhere = open.filter((row) => row.pickupPointId !== binding?.pickupPointId);
    return {
      openOrders: open.reduce((sum, row) => sum + row.orders, 0),
      openOrdersElsewhere: elsewhere.reduce((sum, row) => sum + row.orders, 0),
      pickupPointIds: elsewhere.map((row) => row.pickupPointId),
    };
  }
}
