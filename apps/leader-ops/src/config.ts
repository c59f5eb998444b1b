import { z } from 'zod';
import { baseConfigFragment, databaseConfigFragment, loadConfig } from '@linli/nest-kit';

export const LeaderOpsConfigSchema = z.object({ ...baseConfigFragment, ...databaseConfigFragment });
export type LeaderOpsConfig = z.infer<typeof LeaderOpsConfigSchema>;

export function leaderOpsConfig(env: Record<string, string | undefined>): LeaderOpsConfig {
  return loadConfig(LeaderOpsConfigSchema, env);
}
