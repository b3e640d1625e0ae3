/**
 * The chaos suite runs in two forms: the short one inside `npm test` (CI, a few minutes on 2
 * cores) and the full one under `npm run test:chaos` (CHAOS_FULL=1). Same tests, other counts.
 */
export const FULL = process.env['CHAOS_FULL'] === '1';

/** `full` under CHAOS_FULL=1, `ci` otherwise; CHAOS_<NAME>=n overrides either. */
export function count(name: string, full: number, ci: number): number {
  const override = process.env[`CHAOS_${name.toUpperCase()}`];
  if (override !== undefined && /^\d+$/.test(override)) return Number(override);
  return FULL ? full : ci;
}

/** One line per figure, on stdout and in test/chaos/results when CHAOS_FULL=1 (see README). */
export function report(line: string): void {
  process.stdout.write(`[chaos${FULL ? ' full' : ''}] ${line}\n`);
}
