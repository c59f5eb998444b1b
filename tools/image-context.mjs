#!/usr/bin/env node
// `npm run image:context [-- --out <dir>] [--no-build] [--no-install]`: lays out in one folder exactly
// what the platform image holds (the Dockerfile copies this folder to /app and nothing else):
//   package.json (without scripts), package-lock.json, .npmrc;
//   every workspace package's package.json and its compiled dist/ (no sources, no type declarations,
//   no source maps, no build info; the web console's whole bundle), the data-access libs' prisma/migrations
//   and prisma/functions; tools/migrate.mjs with tools/lib/services.mjs and tools/lib/cli.mjs (the chart's
//   migration Job runs them);
//   node_modules from `npm ci --omit=dev` — production dependencies only.
// Each service then runs as `node apps/<service>/dist/main.js` from the folder.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withHelp } from './lib/cli.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Workspace folders (apps/*, libs/<scope>/*) that have a package.json. */
export function workspaces() {
  const found = [];
  for (const app of readdirSync(join(root, 'apps'))) if (existsSync(join(root, 'apps', app, 'package.json'))) found.push(join('apps', app));
  for (const scope of readdirSync(join(root, 'libs'))) {
    for (const lib of readdirSync(join(root, 'libs', scope))) if (existsSync(join(root, 'libs', scope, lib, 'package.json'))) found.push(join('libs', scope, lib));
  }
  return found.sort();
}

/** Workspaces whose code never runs in the image (test support); only their package.json goes in, so the lock file still matches. */
const NOT_SHIPPED = new Set([join('libs', 'shared', 'testing')]);

/** Compiled output the image needs: JavaScript and JSON, no declarations, maps or build info. */
const shipped = (file) => /\.(m?js|cjs|json)$/.test(file) && !/\.d\.[cm]?ts$/.test(file) && !file.endsWith('.tsbuildinfo');

/** The web console's bundle (the gateway serves it): every file of its dist but source maps and Vite's manifest. */
const CONSOLE = join('apps', 'console');
const consoleShipped = (file) => !file.endsWith('.map') && !file.split(/[\\/]/).includes('.vite');

function copyTree(from, to, keep) {
  for (const entry of readdirSync(from)) {
    const source = join(from, entry);
    const target = join(to, entry);
    if (statSync(source).isDirectory()) copyTree(source, target, keep);
    else if (keep(source)) {
      mkdirSync(dirname(target), { recursive: true });
      cpSync(source, target);
    }
  }
}

function run(command, args, cwd, what) {
  const result = spawnSync(command, args, { cwd, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`${what} failed (exit ${result.status})`);
}

export function buildImageContext({ out, build = true, install = true, log = console.log }) {
  if (build) run(process.execPath, [join(root, 'tools', 'build.mjs')], root, 'build');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });

  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  delete manifest.scripts;
  writeFileSync(join(out, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  cpSync(join(root, 'package-lock.json'), join(out, 'package-lock.json'));
  if (existsSync(join(root, '.npmrc'))) cpSync(join(root, '.npmrc'), join(out, '.npmrc'));

  for (const workspace of workspaces()) {
    const from = join(root, workspace);
    const to = join(out, workspace);
    mkdirSync(to, { recursive: true });
    cpSync(join(from, 'package.json'), join(to, 'package.json'));
    if (NOT_SHIPPED.has(workspace)) continue;
    if (!existsSync(join(from, 'dist'))) throw new Error(`${workspace} is not built (no dist/); run npm run build`);
    copyTree(join(from, 'dist'), join(to, 'dist'), workspace === CONSOLE ? consoleShipped : shipped);
    for (const part of ['migrations', 'functions']) {
      if (existsSync(join(from, 'prisma', part))) cpSync(join(from, 'prisma', part), join(to, 'prisma', part), { recursive: true });
    }
  }
  for (const file of ['tools/migrate.mjs', 'tools/lib/services.mjs', 'tools/lib/cli.mjs']) {
    mkdirSync(dirname(join(out, file)), { recursive: true });
    cpSync(join(root, file), join(out, file));
  }
  if (install) {
    // Production dependencies only; install scripts stay off (package.json allowScripts, .npmrc).
    run('npm', ['ci', '--omit=dev', '--omit=optional', '--no-audit', '--no-fund', '--loglevel=error'], out, 'npm ci --omit=dev');
  }
  log(`image context in ${relative(process.cwd(), out) || out}`);
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = withHelp(`
npm run image:context [-- --out <dir>] [--no-build] [--no-install]
  Lays out in one folder (default .linli/image) exactly what the platform image holds: compiled
  packages, migrations and function files, the migration tool, production dependencies.
`);
  const at = args.indexOf('--out');
  const out = at >= 0 ? args[at + 1] : join(root, '.linli', 'image');
  try {
    buildImageContext({ out: resolve(out), build: !args.includes('--no-build'), install: !args.includes('--no-install') });
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
