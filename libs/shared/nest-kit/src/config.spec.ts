import { z } from 'zod';
import { ConfigError, baseConfigFragment, databaseConfigFragment, loadConfig } from './config.js';

const schema = z.object({ ...baseConfigFragment, ...databaseConfigFragment, SECRET: z.string().min(32) });

describe('loadConfig', () => {
  it('applies defaults and coerces numbers', () => {
    const config = loadConfig(schema, { DATABASE_URL: 'postgresql://u@h/db', SECRET: 'x'.repeat(32), HEALTH_PORT: '9090' });
    expect(config.NATS_URL).toBe('nats://127.0.0.1:4222');
    expect(config.HEALTH_PORT).toBe(9090);
  });

  it('names every bad key and never prints a value', () => {
    const secret = 'short-secret-value';
    let error: unknown;
    try {
      loadConfig(schema, { DATABASE_URL: 'mysql://nope', SECRET: secret, HEALTH_PORT: 'abc' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const configError = error as ConfigError;
    expect(configError.keys.sort()).toEqual(['DATABASE_URL', 'HEALTH_PORT', 'SECRET']);
    expect(configError.message).not.toContain(secret);
    expect(configError.message).not.toContain('mysql://nope');
  });

  it('reports missing keys as required', () => {
    expect(() => loadConfig(schema, {})).toThrow(/DATABASE_URL is required/);
  });
});
