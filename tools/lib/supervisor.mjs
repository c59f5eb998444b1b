// Process supervision for `npm start` (and the fault bench): each child is restarted when it exits
// without being asked to, after a delay that doubles with every crash in the recent window, and given
// up on — loudly — once it has crashed `maxCrashes` times within `windowMs`. A child that stays up for
// `stableMs` starts again from the shortest delay. The others keep running throughout: one crashed
// service does not take the platform down.
import { EventEmitter } from 'node:events';

/** @typedef {{ name: string, start: () => import('node:child_process').ChildProcess, critical?: boolean }} ChildSpec */

export const DEFAULT_POLICY = Object.freeze({
  /** Delay before the first restart after a crash. */
  initialDelayMs: 250,
  /** Longest delay between restarts. */
  maxDelayMs: 8_000,
  /** Crashes within `windowMs` after which the child is given up on. */
  maxCrashes: 5,
  windowMs: 60_000,
  /** Up this long, a child's crash history is forgotten. */
  stableMs: 30_000,
  /** SIGTERM first, SIGKILL after this long. */
  stopGraceMs: 15_000,
});

/** The delay before restarting after the `crashes`-th crash of the window (1-based). */
export function restartDelay(crashes, policy = DEFAULT_POLICY) {
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, crashes - 1));
}

/**
 * Events: `spawn` {name, pid, restarts}, `exit` {name, code, signal, expected}, `restart-scheduled`
 * {name, delayMs, crashes}, `gave-up` {name, crashes, critical}.
 */
export class Supervisor extends EventEmitter {
  /** @param {{ policy?: Partial<typeof DEFAULT_POLICY>, log?: (line: string) => void, now?: () => number }} [options] */
  constructor(options = {}) {
    super();
    this.policy = { ...DEFAULT_POLICY, ...options.policy };
    this.log = options.log ?? (() => undefined);
    this.now = options.now ?? Date.now;
    /** @type {Map<string, { spec: ChildSpec, child?: import('node:child_process').ChildProcess, crashes: number[], restarts: number, startedAt: number, timer?: NodeJS.Timeout, state: 'running'|'waiting'|'given-up'|'stopped' }>} */
    this.entries = new Map();
    this.stopping = false;
  }

  /** @param {ChildSpec} spec */
  add(spec) {
    if (this.entries.has(spec.name)) throw new Error(`${spec.name} is supervised already`);
    const entry = { spec, crashes: [], restarts: 0, startedAt: 0, state: 'stopped' };
    this.entries.set(spec.name, entry);
    if (!this.stopping) this.#spawn(entry);
    return this;
  }

  /** The running child of `name` (undefined while it waits for a restart or was given up on). */
  child(name) {
    const entry = this.entries.get(name);
    return entry?.state === 'running' ? entry.child : undefined;
  }

  /** `running`, `waiting` (for a restart), `given-up` or `stopped`. */
  state(name) {
    return this.entries.get(name)?.state;
  }

  /** How often `name` has been restarted since it was added. */
  restarts(name) {
    return this.entries.get(name)?.restarts ?? 0;
  }

  /** Resolves with the next `spawn` of `name` (e.g. its restart after a crash). */
  nextSpawn(name, timeoutMs = 30_000) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => (this.off('spawn', onSpawn), reject(new Error(`${name} was not started again within ${timeoutMs} ms`))), timeoutMs);
      const onSpawn = (event) => {
        if (event.name !== name) return;
        clearTimeout(timer);
        this.off('spawn', onSpawn);
        resolve(event);
      };
      this.on('spawn', onSpawn);
    });
  }

  #spawn(entry) {
    const child = entry.spec.start();
    entry.child = child;
    entry.state = 'running';
    entry.startedAt = this.now();
    child.once('exit', (code, signal) => this.#exited(entry, child, code, signal));
    // A child that cannot be started at all (ENOENT, EACCES) reports an error and then exits.
    child.once('error', (error) => this.log(`${entry.spec.name}: ${error.message}`));
    this.emit('spawn', { name: entry.spec.name, pid: child.pid, restarts: entry.restarts });
  }

  #exited(entry, child, code, signal) {
    if (entry.child !== child) return;
    const { name } = entry.spec;
    const expected = this.stopping || entry.state === 'stopped';
    entry.child = undefined;
    this.emit('exit', { name, code, signal, expected });
    if (expected) {
      entry.state = 'stopped';
      return;
    }
    const now = this.now();
    if (now - entry.startedAt >= this.policy.stableMs) entry.crashes = [];
    entry.crashes = entry.crashes.filter((at) => now - at < this.policy.windowMs);
    entry.crashes.push(now);
    const crashes = entry.crashes.length;
    if (crashes >= this.policy.maxCrashes) {
      entry.state = 'given-up';
      this.log(
        `\x1b[31m${name} crashed ${crashes} times within ${Math.round(this.policy.windowMs / 1000)} s (last: ${signal ?? `exit code ${code}`}); ` +
          `giving up on it — the rest of the platform keeps running, ${name}'s routes answer 503\x1b[0m`,
      );
      this.emit('gave-up', { name, crashes, critical: entry.spec.critical === true });
      return;
    }
    const delayMs = restartDelay(crashes, this.policy);
    entry.state = 'waiting';
    this.log(`${name} exited (${signal ?? `exit code ${code}`}); restarting in ${delayMs} ms (crash ${crashes} of ${this.policy.maxCrashes} allowed in ${Math.round(this.policy.windowMs / 1000)} s)`);
    this.emit('restart-scheduled', { name, delayMs, crashes });
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      if (this.stopping || entry.state !== 'waiting') return;
      entry.restarts += 1;
      this.#spawn(entry);
    }, delayMs);
  }

  /** Stops every child (SIGTERM, SIGKILL after the grace period) and restarts none of them. */
  async stop() {
    this.stopping = true;
    await Promise.all([...this.entries.values()].map((entry) => this.#stopEntry(entry)));
  }

  #stopEntry(entry) {
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = undefined;
    const child = entry.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      entry.state = 'stopped';
      return Promise.resolve();
    }
    entry.state = 'stopped';
    return new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), this.policy.stopGraceMs).unref();
    });
  }
}
