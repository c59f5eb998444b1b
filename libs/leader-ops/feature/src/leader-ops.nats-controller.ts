import { Inject, Injectable } from '@nestjs/common';
import { leaderOps as c, type RpcRequest } from '@linli/contracts';
import { RpcHandler } from '@linli/nest-kit';
import { ApplicationsService } from './applications.service.js';
import { BindingsService } from './bindings.service.js';
import { CompoundsService } from './compounds.service.js';
import { PickupPointsService } from './pickup-points.service.js';

/** NATS request/reply surface of leader-ops; requests arrive validated against the contracts. */
@Injectable()
export class LeaderOpsNatsController {
  constructor(
    @Inject(CompoundsService) private readonly compounds: CompoundsService,
    @Inject(ApplicationsService) private readonly applications: ApplicationsService,
    @Inject(PickupPointsService) private readonly pickupPoints: PickupPointsService,
    @Inject(BindingsService) private readonly bindings: BindingsService,
  ) {}

  @RpcHandler(c.upsertCompound)
  upsertCompound(req: RpcRequest<typeof c.upsertCompound>) {
    return this.compounds.upsert(req.actor, req.compound);
  }

  @RpcHandler(c.listCompounds)
  listCompounds(req: RpcRequest<typeof c.listCompounds>) {
    return this.compounds.list(req);
  }

  @RpcHandler(c.applyAsLeader)
  apply(req: RpcRequest<typeof c.applyAsLeader>) {
    return this.applications.apply(req);
  }

  @RpcHandler(c.listApplications)
  listApplications(req: RpcRequest<typeof c.listApplications>) {
    return this.applications.list(req);
  }

  @RpcHandler(c.approveApplication)
  approve(req: RpcRequest<typeof c.approveApplication>) {
    return this.applications.approve(req.actor, req.applicationId);
  }

  @RpcHandler(c.rejectApplication)
  reject(req: RpcRequest<typeof c.rejectApplication>) {
    return this.applications.reject(req.actor, req.applicationId, req.reason);
  }

  @RpcHandler(c.createPickupPoint)
  createPickupPoint(req: RpcRequest<typeof c.createPickupPoint>) {
    return this.pickupPoints.create(req);
  }

  @RpcHandler(c.updatePickupPoint)
  updatePickupPoint(req: RpcRequest<typeof c.updatePickupPoint>) {
    return this.pickupPoints.update(req.actor, req.pickupPointId, req.patch);
  }

  @RpcHandler(c.getPickupPoint)
  getPickupPoint(req: RpcRequest<typeof c.getPickupPoint>) {
    return this.pickupPoints.get(req.pickupPointId);
  }

  @RpcHandler(c.listPickupPoints)
  listPickupPoints(req: RpcRequest<typeof c.listPickupPoints>) {
    return this.pickupPoints.list(req);
  }

  @RpcHandler(c.bindResident)
  bind(req: RpcRequest<typeof c.bindResident>) {
    return this.bindings.bind(req.actor, req.pickupPointId, req.compoundId);
  }

  @RpcHandler(c.getBinding)
  getBinding(req: RpcRequest<typeof c.getBinding>) {
    return this.bindings.get(req.actor, req.userId);
  }
}
