// Runs a TypeScript entry point from source, the way the dev commands do: workspace packages
// resolve to their src/ (the `@linli/source` export condition) and @swc-node compiles on the fly
// (decorators and their metadata included). The one launcher for tools and benches.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../..', import.meta.url));

/** Node's arguments for running TypeScript source (`nodeArgs` first, e.g. `--expose-gc`). */
export function tsNodeArgs(nodeArgs = []) {
  return [...nodeArgs, '--conditions=@linli/source', '--import', '@swc-node/register/esm-register'];
}

/** Runs `entry` with `args` in the foreground and returns its exit status (`name` prefixes a start failure). */
export function runTsForStatus(name, entry, args = [], { nodeArgs = [] } = {}) {
  const result = spawnSync(process.execPath, [...tsNodeArgs(nodeArgs), entry, ...args], { cwd: root, stdio: 'inherit' });
  if (result.error) {
    console.error(`${name}: could not start node: ${result.error.message}`);
    return 1;
  }
  return result.status ?? 1;
}

/** Runs `entry` with `args` in the foreground and exits with its status. */
export function runTs(name, entry, args = [], options = {}) {
  process.exit(runTsForStatus(name, entry, args, options));
}
