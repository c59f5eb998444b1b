import { z } from 'zod';
import { baseConfigFragment, databaseConfigFragment, loadConfig } from '@linli/nest-kit';

export const CommunitiesConfigSchema = z.object({ ...baseConfigFragment, ...databaseConfigFragment });
export type CommunitiesConfig = z.infer<typeof CommunitiesConfigSchema>;

export function communitiesConfig(env: Record<string, string | undefined>): CommunitiesConfig {
  return loadConfig(CommunitiesConfigSchema, env);
}
