// The supervisor behind `npm start` (tools/lib/supervisor.mjs), with real child processes: a child
// killed with SIGKILL is started again while its neighbour keeps running; one that keeps crashing is
// given up on; stop() ends everything and restarts nothing.
import { spawn } from 'node:child_process';
// @ts-expect-error plain ESM tool module without type declarations
import { Supervisor, restartDelay } from './supervisor.mjs';

const idle = () => spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
const crashing = () => spawn(process.execPath, ['-e', 'process.exit(3)'], { stdio: 'ignore' });
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('Supervisor', () => {
  let supervisor: InstanceType<typeof Supervisor>;
  const lines: string[] = [];
  afterEach(async () => {
    await supervisor?.stop();
    lines.length = 0;
  });

  it('restarts a child killed with SIGKILL and leaves the others running', async () => {
    supervisor = new Supervisor({ policy: { initialDelayMs: 50 }, log: (line: string) => lines.push(line) });
    supervisor.add({ name: 'orders', start: idle }).add({ name: 'gateway', start: idle });
    const first = supervisor.child('orders').pid as number;
    const gateway = supervisor.child('gateway').pid as number;

    const restarted = supervisor.nextSpawn('orders', 10_000);
    process.kill(first, 'SIGKILL');
    const event = await restarted;

    expect(event.pid).not.toBe(first);
    expect(alive(event.pid)).toBe(true);
    expect(alive(first)).toBe(false);
    expect(supervisor.restarts('orders')).toBe(1);
    expect(supervisor.state('orders')).toBe('running');
    expect(supervisor.child('gateway').pid).toBe(gateway);
    expect(alive(gateway)).toBe(true);
    expect(lines.join('\n')).toMatch(/orders exited \(SIGKILL\); restarting in 50 ms/);
  });

  it('gives up on a child that keeps crashing within the window', async () => {
    supervisor = new Supervisor({ policy: { initialDelayMs: 10, maxCrashes: 3, windowMs: 60_000 }, log: (line: string) => lines.push(line) });
    const gaveUp = new Promise((resolve) => supervisor.once('gave-up', resolve));
    supervisor.add({ name: 'identity', start: crashing, critical: false });

    expect(await gaveUp).toEqual({ name: 'identity', crashes: 3, critical: false });
    expect(supervisor.state('identity')).toBe('given-up');
    expect(supervisor.restarts('identity')).toBe(2);
    expect(lines.at(-1)).toMatch(/identity crashed 3 times within 60 s \(last: exit code 3\); giving up/);
  });

  it('stop() ends every child and restarts none', async () => {
    supervisor = new Supervisor({ policy: { initialDelayMs: 10 } });
    supervisor.add({ name: 'a', start: idle }).add({ name: 'b', start: idle });
    const pids = [supervisor.child('a').pid, supervisor.child('b').pid] as number[];
    let respawned = false;
    supervisor.on('spawn', () => (respawned = true));
    await supervisor.stop();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(pids.map(alive)).toEqual([false, false]);
    expect(respawned).toBe(false);
    expect([supervisor.state('a'), supervisor.state('b')]).toEqual(['stopped', 'stopped']);
  });

  it('doubles the delay with each crash of the window, up to the maximum', () => {
    const policy = { initialDelayMs: 250, maxDelayMs: 8000 };
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => restartDelay(n, policy))).toEqual([250, 500, 1000, 2000, 4000, 8000, 8000]);
  });
});
