import { Logger } from '@nestjs/common';
import { createServer, type Server } from 'node:http';
import type { HealthResponse, ServiceName } from '@linli/contracts';

type Check = () => Promise<boolean> | boolean;

/** Collects readiness checks (NATS, database, …) and answers them over NATS and, when a port is set, HTTP. */
export class HealthService {
  private readonly checks = new Map<string, Check>();
  private readonly startedAt = Date.now();
  private server?: Server;
  private readonly logger = new Logger('Health');

  constructor(
    private readonly service: ServiceName,
    private readonly version: string,
  ) {}

  addCheck(name: string, check: Check): void {
    this.checks.set(name, check);
  }

  async report(): Promise<HealthResponse> {
    const checks: Record<string, 'up' | 'down'> = {};
    for (const [name, check] of this.checks) {
      try {
        checks[name] = (await withTimeout(Promise.resolve(check()), 2_000)) ? 'up' : 'down';
      } catch {
        checks[name] = 'down';
      }
    }
    const healthy = Object.values(checks).every((state) => state === 'up');
    return {
      service: this.service,
      status: healthy ? 'up' : 'degraded',
      version: this.version,
      uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000),
      checks,
    };
  }

  /** `/livez` answers while the event loop runs; `/readyz` answers 200 only when every check is up. */
  async listen(port: number): Promise<void> {
    if (!port) return;
    this.server = createServer((req, res) => {
      if (req.url === '/livez') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"up"}');
        return;
      }
      if (req.url === '/readyz') {
        void this.report().then((report) => {
          res.writeHead(report.status === 'up' ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(report));
        });
        return;
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, () => resolve());
    });
    this.logger.log(`health on :${port} (/livez, /readyz)`);
  }

  async close(): Promise<void> {
    if (!this.server) return;
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<T>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
