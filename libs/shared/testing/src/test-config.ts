/** The servers tests talk to: the machine's PostgreSQL and NATS unless overridden. Read once, here. */
export function testServerUrl(): string {
  return process.env['TEST_DATABASE_SERVER'] ?? 'postgresql://postgres@127.0.0.1:5432';
}

export function natsTestUrl(): string {
  return process.env['TEST_NATS_URL'] ?? 'nats://127.0.0.1:4222';
}
