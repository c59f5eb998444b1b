import type { EventContract, RpcContract } from './define.js';
import { health, personalDataExport } from './common.js';
import * as communities from './communities.js';
import * as growth from './growth.js';
import * as identity from './identity.js';
import * as leaderOps from './leader-ops.js';
import * as leaderCustomers from './leader-customers.js';
import * as localServices from './local-services.js';
import * as orders from './orders.js';
import * as recommendations from './recommendations.js';

function collect<K extends 'rpc' | 'event'>(kind: K, ...modules: object[]) {
  const found: (K extends 'rpc' ? RpcContract : EventContract)[] = [];
  for (const module of modules) {
    for (const value of Object.values(module)) {
      if (value && typeof value === 'object' && (value as { kind?: string }).kind === kind) {
        found.push(value as K extends 'rpc' ? RpcContract : EventContract);
      }
    }
  }
  return found;
}

/** Every RPC contract, for tests and documentation. */
export const rpcContracts: RpcContract[] = collect('rpc', health, personalDataExport, communities, identity, leaderOps, leaderCustomers, localServices, orders, recommendations, growth);
/** Every event contract; consumers look schemas up by subject here. */
export const eventContracts: EventContract[] = collect('event', communities, identity, leaderOps, localServices, orders, recommendations, growth);

export const registry = {
  rpc: new Map(rpcContracts.map((c) => [c.subject, c])),
  event: new Map(eventContracts.map((c) => [c.subject, c])),
};
