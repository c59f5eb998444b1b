import type { FactoryProvider, InjectionToken, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { RpcClient } from './rpc.js';

class ProviderLifecycle<P extends { close?(): void }> implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly provider: P,
    private readonly rpc: RpcClient,
    private readonly start: (provider: P, rpc: RpcClient) => void,
  ) {}

  onApplicationBootstrap(): void {
    this.start(this.provider, this.rpc);
  }

  onApplicationShutdown(): void {
    this.provider.close?.();
  }
}

/**
 * Starts an adapter when the application has booted (`start`, given the adapter and the RPC client —
 * e.g. connecting a development payment provider's notifications to the service's callback subject)
 * and closes it (`close()`, its timers) on shutdown. List the returned provider in the module.
 */
export function providerLifecycle<P extends { close?(): void }>(token: InjectionToken, start: (provider: P, rpc: RpcClient) => void): FactoryProvider {
  return {
    provide: Symbol(`${String(token)} lifecycle`),
    inject: [token, RpcClient],
    useFactory: (provider: P, rpc: RpcClient) => new ProviderLifecycle(provider, rpc, start),
  };
}
