import { z } from 'zod';
import { baseConfigFragment, loadConfig, tokenConfigFragment } from '@linli/nest-kit';
import { gatewayConfigFragment, type GatewayConfig } from '@linli/gateway-feature';

export const GatewayConfigSchema = z.object({
  ...baseConfigFragment,
  ...tokenConfigFragment,
  ...gatewayConfigFragment,
});

export function gatewayConfig(env: Record<string, string | undefined>): GatewayConfig {
  return loadConfig(GatewayConfigSchema, env);
}
