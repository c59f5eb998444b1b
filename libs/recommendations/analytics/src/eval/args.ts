/** Flag parsing for the evaluation CLI. Any problem is a {@link UsageError} (exit code 2). */

export class UsageError extends Error {}

export const USAGE = `usage: npm run eval -- <task> --data <dir> [options]

tasks:
  ltv    --data <dir> --calibration-end YYYY-MM-DD [--holdout-end YYYY-MM-DD] [--time-unit week|day]
  recs   --data <dir> --split random|last-basket [--test-fraction 0.25] [--seed 42] [--k 10 | --k 10,20]
         [--linli '<json config overrides>']
  tags   --data <dir> [--threshold 0.5]

common options:
  --out <file>   also write the result as JSON
  --quiet        no progress lines on stderr`;

export interface ParsedArgs {
  task: 'ltv' | 'recs' | 'tags';
  flags: Map<string, string>;
}

const ALLOWED: Record<ParsedArgs['task'], string[]> = {
  ltv: ['data', 'out', 'calibration-end', 'holdout-end', 'time-unit', 'quiet'],
  recs: ['data', 'out', 'split', 'test-fraction', 'seed', 'k', 'linli', 'quiet'],
  tags: ['data', 'out', 'threshold', 'quiet'],
};
const BOOLEAN = new Set(['quiet']);

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const [task, ...rest] = argv;
  if (task === undefined || task === '--help' || task === '-h') throw new UsageError('missing task');
  if (task !== 'ltv' && task !== 'recs' && task !== 'tags') throw new UsageError(`unknown task "${task}"`);
  const flags = new Map<string, string>();
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (!a.startsWith('--')) throw new UsageError(`unexpected argument "${a}"`);
    let name = a.slice(2);
    let value: string | undefined;
    const eq = name.indexOf('=');
    if (eq >= 0) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    if (!ALLOWED[task].includes(name)) throw new UsageError(`unknown option --${name} for task ${task}`);
    if (BOOLEAN.has(name)) {
      flags.set(name, 'true');
      continue;
    }
    if (value === undefined) {
      value = rest[++i];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`--${name} needs a value`);
    }
    if (flags.has(name)) throw new UsageError(`--${name} given twice`);
    flags.set(name, value);
  }
  if (!flags.get('data')) throw new UsageError('--data <dir> is required');
  return { task, flags };
}

export function dateFlag(flags: Map<string, string>, name: string, required: boolean): string | undefined {
  const v = flags.get(name);
  if (v === undefined) {
    if (required) throw new UsageError(`--${name} YYYY-MM-DD is required`);
    return undefined;
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || !Number.isFinite(Date.parse(`${v}T00:00:00Z`)) || new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) !== v) {
    throw new UsageError(`--${name} must be a date YYYY-MM-DD (got "${v}")`);
  }
  return v;
}

export function numberFlag(flags: Map<string, string>, name: string, def: number, check: (v: number) => boolean, what: string): number {
  const v = flags.get(name);
  if (v === undefined) return def;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || !check(n)) throw new UsageError(`--${name} must be ${what} (got "${v}")`);
  return n;
}

export function choiceFlag<T extends string>(flags: Map<string, string>, name: string, choices: readonly T[], def: T | undefined): T {
  const v = flags.get(name) ?? def;
  if (v === undefined) throw new UsageError(`--${name} ${choices.join('|')} is required`);
  if (!(choices as readonly string[]).includes(v)) throw new UsageError(`--${name} must be one of ${choices.join(', ')} (got "${v}")`);
  return v as T;
}

export function kListFlag(flags: Map<string, string>): number[] {
  const v = flags.get('k') ?? '10';
  const ks = v.split(',').map((s) => s.trim());
  if (ks.some((s) => !/^\d+$/.test(s) || Number(s) < 1 || Number(s) > 1000)) throw new UsageError(`--k must be a positive integer or a comma-separated list (got "${v}")`);
  return [...new Set(ks.map(Number))].sort((a, b) => a - b);
}
