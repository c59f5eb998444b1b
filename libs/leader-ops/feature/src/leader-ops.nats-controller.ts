import { leaderOps as c } from '@linli/contracts';
import { bind, rpcBindings } from '@linli/nest-kit';
import { ApplicationsService } from './applications.service.js';
import { BindingsService } from './bindings.service.js';
import { CompoundsService } from './compounds.service.js';
import { PickupPointsService } from './pickup-points.service.js';

/** NATS request/reply surface of leader-ops; requests arrive validated against the contracts. */
export const LeaderOpsNatsController = rpcBindings('leader-ops', [CompoundsService, ApplicationsService, PickupPointsService, BindingsService], (compounds, applications, pickupPoints, bindings) => [
  bind(c.upsertCompound, (req) => compounds.upsert(req.actor, req.compound)),
  bind(c.listCompounds, (req) => compounds.list(req)),
  bind(c.applyAsLeader, (req) => applications.apply(req)),
  bind(c.listApplications, (req) => applications.list(req)),
  bind(c.approveApplication, (req) => applications.approve(req.actor, req.applicationId)),
  bind(c.rejectApplication, (req) => applications.reject(req.actor, req.applicationId, req.reason)),
  bind(c.createPickupPoint, (req) => pickupPoints.create(req)),
  bind(c.updatePickupPoint, (req) => pickupPoints.update(req.actor, req.pickupPointId, req.patch)),
  bind(c.getPickupPoint, (req) => pickupPoints.get(req.pickupPointId)),
  bind(c.listPickupPoints, (req) => pickupPoints.list(req)),
  bind(c.bindResident, (req) => bindings.bind(req.actor, req.pickupPointId, req.compoundId)),
  bind(c.getBinding, (req) => bindings.get(req.actor, req.userId)),
]);
