// Where the CPU goes during a benchmark phase: CPU seconds of each process group (from /proc), the
// machine's total (so load from anything else on the machine shows up as "other"), and samples of
// what the benchmark's PostgreSQL backends are doing or waiting for.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

let ticksPerSecond = 100;
try {
  ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
} catch {
  // keep the usual 100
}

/** CPU seconds (user + system) a process has used, or 0 once it is gone. */
export function processCpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  } catch {
    return 0;
  }
}

/** Busy and total CPU seconds of the whole machine (all cores). */
export function machineCpuSeconds() {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = values[3] + (values[4] ?? 0);
  const total = values.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: (total - idle) / ticksPerSecond, total: total / ticksPerSecond };
}

/** Pids whose command name is `name` (e.g. `nats-server`). */
export function pidsNamed(name) {
  const pids = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === name) pids.push(Number(entry));
    } catch {
      // gone
    }
  }
  return pids;
}

/**
 * Measures CPU per group between `start()` and `stop()`. `groups` maps a name to a function that
 * returns the group's pids (called at both ends: a pid that appears in between counts from zero, as
 * a database backend opened during the run does; one that ends in between is missed).
 */
export class CpuMeter {
  constructor(groups) {
    this.groups = groups;
  }

  async snapshot() {
    const perGroup = {};
    for (const [name, pidsOf] of Object.entries(this.groups)) {
      const pids = await pidsOf();
      perGroup[name] = new Map(pids.map((pid) => [pid, processCpuSeconds(pid)]));
    }
    return { at: performance.now(), machine: machineCpuSeconds(), self: process.cpuUsage(), perGroup };
  }

  async start() {
    this.first = await this.snapshot();
  }

  /** Cores used by each group over the interval (1.0 = one core busy the whole time). */
  async stop() {
    const last = await this.snapshot();
    const seconds = (last.at - this.first.at) / 1000;
    const cores = {};
    let ours = 0;
    for (const name of Object.keys(this.groups)) {
      let used = 0;
      for (const [pid, cpu] of last.perGroup[name]) used += cpu - (this.first.perGroup[name].get(pid) ?? 0);
      cores[name] = used / seconds;
      ours += used;
    }
    const self = (last.self.user + last.self.system - this.first.self.user - this.first.self.system) / 1e6;
    cores['load generator'] = self / seconds;
    ours += self;
    const busy = last.machine.busy - this.first.machine.busy;
    cores['other (not the benchmark)'] = Math.max(0, busy - ours) / seconds;
    cores.total = busy / seconds;
    for (const key of Object.keys(cores)) cores[key] = Math.round(cores[key] * 100) / 100;
    const processes = Object.fromEntries(Object.keys(this.groups).map((name) => [name, [this.first.perGroup[name].size, last.perGroup[name].size]]));
    return { seconds: Math.round(seconds * 100) / 100, cores, processes };
  }
}

/**
 * Samples what the backends of the given databases are doing every `intervalMs`: running on CPU,
 * waiting on a lock, on WAL/IO, or idle (in a transaction or not). Returns shares of the samples.
 */
export class PgActivitySampler {
  constructor(client, databases, intervalMs = 50) {
    this.client = client;
    this.databases = databases;
    this.intervalMs = intervalMs;
    this.counts = {};
    this.samples = 0;
  }

  start() {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        const { rows } = await this.client.query(
          `SELECT state, wait_event_type, wait_event FROM pg_stat_activity WHERE datname = ANY($1) AND pid <> pg_backend_pid()`,
          [this.databases],
        );
        this.samples += 1;
        for (const row of rows) {
          const key =
            row.state === 'active'
              ? row.wait_event_type
                ? `waiting: ${row.wait_event_type}/${row.wait_event}`
                : 'active (on CPU)'
              : row.state === 'idle in transaction'
                ? 'idle in transaction (waiting for the client)'
                : `${row.state ?? 'unknown'}`;
          this.counts[key] = (this.counts[key] ?? 0) + 1;
        }
        await new Promise((resolve) => setTimeout(resolve, this.intervalMs));
      }
    })();
  }

  /** Average number of backends in each state over the samples. */
  async stop() {
    this.running = false;
    await this.loop;
    const result = {};
    for (const [key, count] of Object.entries(this.counts).sort((a, b) => b[1] - a[1])) {
      result[key] = Math.round((count / Math.max(1, this.samples)) * 100) / 100;
    }
    return { samples: this.samples, averageBackends: result };
  }
}
