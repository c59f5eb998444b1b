/**
 * RpcClient while its NATS connection is down: requests fail at once with COMMON.UNAVAILABLE instead
 * of waiting out their timeout, and work again after the client reconnects. The connection goes
 * through a TCP relay to the machine's NATS that the test cuts and restores.
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { createServer, connect as tcpConnect, type Server, type Socket } from 'node:net';
import { z } from 'zod';
import { LinliError, defineRpc } from '@linli/contracts';
import { natsTestUrl, testSubjectPrefix, waitUntil } from '@linli/testing';
import { RpcClient } from './rpc.js';
import { Subjects } from './subjects.js';

const ping = defineRpc('rpc.kit-test.ping.v1', z.object({}).strict(), z.object({ pong: z.boolean() }));
const prefix = testSubjectPrefix();
const subjects = new Subjects(prefix);
const upstream = new URL(natsTestUrl().split(',')[0]!);

let relay: Server;
let relayPort = 0;
const sockets = new Set<Socket>();
let responder: NatsConnection;
let client: NatsConnection;

function listen(port: number): Promise<void> {
  relay = createServer((socket) => {
    const target = tcpConnect({ host: upstream.hostname, port: Number(upstream.port || 4222) });
    sockets.add(socket).add(target);
    socket.pipe(target).pipe(socket);
    const close = () => (socket.destroy(), target.destroy());
    socket.on('error', close).on('close', close);
    target.on('error', close).on('close', close);
  });
  return new Promise((resolve) => relay.listen(port, '127.0.0.1', () => resolve()));
}

function cut(): Promise<void> {
  for (const socket of sockets) socket.destroy();
  sockets.clear();
  return new Promise((resolve) => relay.close(() => resolve()));
}

beforeAll(async () => {
  await listen(0);
  relayPort = (relay.address() as { port: number }).port;
  responder = await connect({ servers: natsTestUrl(), name: 'rpc-disconnect-responder' });
  responder.subscribe(subjects.of(ping.subject), { callback: (_error, msg) => msg.respond(JSON.stringify({ ok: true, data: { pong: true } })) });
  await responder.flush();
  client = await connect({ servers: `nats://127.0.0.1:${relayPort}`, name: 'rpc-disconnect-client', reconnectTimeWait: 100, maxReconnectAttempts: -1 });
});

afterAll(async () => {
  await client?.close();
  await responder?.close();
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => relay.close(() => resolve(undefined)));
});

it('answers COMMON.UNAVAILABLE at once while NATS is unreachable, and serves again after reconnecting', async () => {
  const rpc = new RpcClient(client, subjects, 5_000);
  expect(await rpc.request(ping, {})).toEqual({ pong: true });

  const disconnected = (async () => {
    for await (const status of client.status()) if (status.type === 'disconnect') return;
  })();
  await cut();
  await disconnected;
  const started = Date.now();
  const error = await rpc.request(ping, {}).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(LinliError);
  expect([(error as LinliError).code, (error as LinliError).message]).toEqual(['COMMON.UNAVAILABLE', expect.stringContaining('NATS is unreachable')]);
  expect(Date.now() - started).toBeLessThan(500);

  await listen(relayPort);
  await waitUntil(async () => (await rpc.request(ping, {}).then((r) => r.pong, () => false)) === true, 10_000, 'a reply after reconnecting');
});
