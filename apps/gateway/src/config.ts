import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { baseConfigFragment, loadConfig, tokenConfigFragment } from '@linli/nest-kit';
import { gatewayConfigFragment, type GatewayConfig } from '@linli/gateway-feature';

/** apps/console/dist beside this app (from apps/gateway/dist/config.js or apps/gateway/src/config.ts). */
const consoleBuild = fileURLToPath(new URL('../../console/dist', import.meta.url));

export const GatewayConfigSchema = z.object({
  ...baseConfigFragment,
  ...tokenConfigFragment,
  ...gatewayConfigFragment,
  CONSOLE_DIR: gatewayConfigFragment.CONSOLE_DIR.transform((dir) => dir || consoleBuild),
});

export function gatewayConfig(env: Record<string, string | undefined>): GatewayConfig {
  return loadConfig(GatewayConfigSchema, env);
}
