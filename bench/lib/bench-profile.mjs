#!/usr/bin/env node
// Summarises V8 CPU profiles (`node --cpu-prof`, or `npm run bench -- flash-sale --cpu-prof`):
// self time by package and by function, and inclusive time of chosen functions.
// Usage: node bench/lib/bench-profile.mjs <file.cpuprofile> [--top 30] [--match name,name]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

/** Where a frame's code lives: a package under node_modules, a workspace lib, node itself, or V8. */
export function packageOf(url) {
  if (!url) return '(v8 / native)';
  if (url.startsWith('node:')) return 'node core';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 14).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const lib = /\/(libs\/[^/]+\/[^/]+|apps\/[^/]+)\//.exec(url);
  return lib ? lib[1] : url;
}

export function summarise(profile, { top = 30, match = [], byWallTime = false } = {}) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const selfMicros = new Map();
  const deltas = profile.timeDeltas ?? [];
  // By default each sample counts once (the sampling interval), not by its time delta: on a busy
  // machine a descheduled process shows one sample with a long delta, which would charge the wait to
  // whatever function happened to be running (often a socket write that woke the reader).
  const interval = profile.samples.length ? (profile.endTime - profile.startTime) / profile.samples.length : 0;
  profile.samples.forEach((id, i) => selfMicros.set(id, (selfMicros.get(id) ?? 0) + (byWallTime ? (deltas[i] ?? 0) : interval)));
  const total = [...selfMicros.values()].reduce((a, b) => a + b, 0);
  const byPackage = new Map();
  const byFunction = new Map();
  const inclusive = new Map(match.map((m) => [m, 0]));
  for (const [id, micros] of selfMicros) {
    const node = byId.get(id);
    const frame = node.callFrame;
    const name = frame.functionName || '(anonymous)';
    const pkg = ['(idle)', '(program)', '(garbage collector)'].includes(name) ? name : packageOf(frame.url);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + micros);
    const key = `${name} ${pkg}${frame.url && !frame.url.includes('node_modules') ? `:${frame.lineNumber + 1}` : ''}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + micros);
    if (match.length) {
      const seen = new Set();
      for (let at = id; at !== undefined; at = parent.get(at)) {
        const fn = byId.get(at).callFrame.functionName;
        for (const m of match) if (fn === m && !seen.has(m)) {
          seen.add(m);
          inclusive.set(m, inclusive.get(m) + micros);
        }
      }
    }
  }
  const share = (micros) => `${((100 * micros) / total).toFixed(1)}%`;
  const sorted = (map) => [...map].sort((a, b) => b[1] - a[1]);
  return {
    seconds: total / 1e6,
    packages: sorted(byPackage).slice(0, top).map(([k, v]) => [k, share(v)]),
    functions: sorted(byFunction).slice(0, top).map(([k, v]) => [k, share(v)]),
    inclusive: [...inclusive].map(([k, v]) => [k, share(v)]),
  };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '30' }, match: { type: 'string', default: '' }, 'wall-time': { type: 'boolean', default: false } } });
  for (const file of positionals) {
    const result = summarise(JSON.parse(readFileSync(file, 'utf8')), { top: Number(values.top), match: values.match ? values.match.split(',') : [], byWallTime: values['wall-time'] });
    console.log(`${file}: ${result.seconds.toFixed(1)} s sampled`);
    console.log('  by package (self time):');
    for (const [k, v] of result.packages) console.log(`    ${v.padStart(6)}  ${k}`);
    console.log('  by function (self time):');
    for (const [k, v] of result.functions) console.log(`    ${v.padStart(6)}  ${k}`);
    if (result.inclusive.length) {
      console.log('  inclusive:');
      for (const [k, v] of result.inclusive) console.log(`    ${v.padStart(6)}  ${k}`);
    }
  }
}
