import { z } from 'zod';
import { baseConfigFragment, databaseConfigFragment, loadConfig } from '@linli/nest-kit';

export const LocalServicesConfigSchema = z.object({ ...baseConfigFragment, ...databaseConfigFragment });
export type LocalServicesConfig = z.infer<typeof LocalServicesConfigSchema>;

export function localServicesConfig(env: Record<string, string | undefined>): LocalServicesConfig {
  return loadConfig(LocalServicesConfigSchema, env);
}
