import type { z } from 'zod';
import type { GatewayRoute } from '../route.js';
import { communitiesRoutes, communitiesSchemaNames } from './communities.routes.js';
import { growthRoutes, growthSchemaNames } from './growth.routes.js';
import { identityRoutes, identitySchemaNames } from './identity.routes.js';
import { leaderCustomersRoutes, leaderCustomersSchemaNames } from './leader-customers.routes.js';
import { leaderOpsRoutes, leaderOpsSchemaNames } from './leader-ops.routes.js';
import { localServicesRoutes, localServicesSchemaNames } from './local-services.routes.js';
import { ordersRoutes, ordersSchemaNames } from './orders.routes.js';
import { partnerRoutes } from './partner.routes.js';
import { recommendationsRoutes, recommendationsSchemaNames } from './recommendations.routes.js';

/**
 * Every RPC-backed route of the gateway, one file per domain. A domain adds its routes in
 * `<domain>.routes.ts` and one line here; the route-table test and the OpenAPI document pick them up.
 */
export const routes: readonly GatewayRoute[] = [
  ...identityRoutes,
  ...leaderOpsRoutes,
  ...leaderCustomersRoutes,
  ...localServicesRoutes,
  ...partnerRoutes,
  ...ordersRoutes,
  ...recommendationsRoutes,
  ...communitiesRoutes,
  ...growthRoutes,
];

/** Response schemas documented once, by name, in the OpenAPI components (one map per domain). */
export const schemaNames: ReadonlyMap<z.ZodType, string> = new Map([
  ...identitySchemaNames,
  ...leaderOpsSchemaNames,
  ...leaderCustomersSchemaNames,
  ...localServicesSchemaNames,
  ...ordersSchemaNames,
  ...recommendationsSchemaNames,
  ...communitiesSchemaNames,
  ...growthSchemaNames,
]);
