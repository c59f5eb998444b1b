// A benchmark's options (node:util parseArgs), with `--help` listing them and their defaults.
import { parseArgs } from 'node:util';

export function benchArgs(name, options, about = 'bench/README.md: what it measures') {
  const { values } = parseArgs({ options: { ...options, help: { type: 'boolean', short: 'h', default: false } } });
  if (values.help) {
    console.log(`npm run bench -- ${name} [options]   (${about})`);
    for (const [option, o] of Object.entries(options)) {
      const shown = o.default !== undefined && o.default !== '' && o.default !== false && !(Array.isArray(o.default) && o.default.length === 0);
      console.log(`  --${option}${o.type === 'string' ? ' <value>' : ''}${shown ? `   (default ${o.default})` : ''}`);
    }
    process.exit(0);
  }
  return values;
}
