import { Logger } from '@nestjs/common';
import { exitOnBootError, initTelemetry } from '@linli/nest-kit';
import { createGateway } from '@linli/gateway-feature';
import { gatewayConfig } from './config.js';

try {
  const config = gatewayConfig(process.env);
  const telemetry = initTelemetry({ serviceName: 'gateway', otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT });
  const gateway = await createGateway(config);
  // SIGTERM: stop accepting, finish in-flight requests, then drain NATS (see Gateway.close).
  gateway.app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  process.once('beforeExit', () => void telemetry.shutdown());
  const url = await gateway.listen({ host: '0.0.0.0', port: config.HTTP_PORT });
  new Logger('Gateway').log(`listening on ${url} (docs at ${url}/docs)`);
} catch (error) {
  exitOnBootError('gateway', error);
}
