/**
 * Timestamps in dumps are RFC 3339 strings with up to nanosecond precision (Rust `time`), which
 * a JS Date cannot hold. They are kept as the original strings; these helpers compare them and
 * derive durations exactly, using BigInt nanoseconds.
 */

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/** Nanoseconds since the Unix epoch, or null when the string is not RFC 3339. */
export function parseTimestamp(value: string): bigint | null {
  const m = RFC3339.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, , sign, oh, om] = m;
  let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (Number.isNaN(ms)) return null;
  if (sign !== undefined) {
    const offsetMs = (Number(oh) * 60 + Number(om)) * 60_000;
    ms += sign === '+' ? -offsetMs : offsetMs;
  }
  const nanos = frac === undefined ? 0n : BigInt(frac.padEnd(9, '0'));
  return BigInt(ms) * 1_000_000n + nanos;
}

export function isTimestamp(value: unknown): value is string {
  return typeof value === 'string' && parseTimestamp(value) !== null;
}

/** Negative when a is before b. Unparsable strings sort first (they never occur in valid dumps). */
export function compareTimestamps(a: string, b: string): number {
  const x = parseTimestamp(a) ?? -1n;
  const y = parseTimestamp(b) ?? -1n;
  return x < y ? -1 : x > y ? 1 : 0;
}

const NANOS_PER_SECOND = 1_000_000_000n;
const SECONDS_PER_DAY = 86_400n;

/**
 * The task `duration` Meilisearch shows: ISO 8601 from startedAt to finishedAt, days split off,
 * the fraction printed with 3, 6 or 9 digits depending on its precision (`PT0.012S`,
 * `PT1.000123S`, `P1DT2S`). Null when a bound is missing or the interval is negative.
 */
export function isoDuration(startedAt: string | null, finishedAt: string | null): string | null {
  if (startedAt === null || finishedAt === null) return null;
  const start = parseTimestamp(startedAt);
  const end = parseTimestamp(finishedAt);
  if (start === null || end === null || end < start) return null;
  const total = end - start;
  const wholeSeconds = total / NANOS_PER_SECOND;
  const nanos = total % NANOS_PER_SECOND;
  const days = wholeSeconds / SECONDS_PER_DAY;
  const secs = wholeSeconds % SECONDS_PER_DAY;
  let out = 'P';
  if (days !== 0n) out += `${days}D`;
  if (secs !== 0n || nanos !== 0n || days === 0n) {
    if (nanos === 0n) out += `T${secs}S`;
    else if (nanos % 1_000_000n === 0n) out += `T${secs}.${String(nanos / 1_000_000n).padStart(3, '0')}S`;
    else if (nanos % 1_000n === 0n) out += `T${secs}.${String(nanos / 1_000n).padStart(6, '0')}S`;
    else out += `T${secs}.${String(nanos).padStart(9, '0')}S`;
  }
  return out;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Meilisearch's dump uid: the UTC start time as `YYYYMMDD-HHMMSSmmm` (e.g. `20220621-161029217`). */
export function dumpUidFor(date: Date): string {
  return `${pad(date.getUTCFullYear(), 4)}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}-`
    + `${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}${pad(date.getUTCMilliseconds(), 3)}`;
}
