// What every command in tools/ shares: `--help` (or `-h`) prints its usage and exits 0.

/** Prints `usage` and exits when the arguments ask for help; returns the arguments otherwise. */
export function withHelp(usage, args = process.argv.slice(2)) {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(usage.trim());
    process.exit(0);
  }
  return args;
}
