/**
 * API key dates. Meilisearch accepts `expiresAt` as RFC 3339 or as three offset-less forms read as
 * UTC, and writes dates back through the `time` crate's RFC 3339 formatter: the offset given is
 * kept (`Z` for zero) and sub-seconds appear only when non-zero, trailing zeros trimmed.
 */

interface Parsed {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** Up to 9 digits, no trailing zeros; '' when whole seconds. */
  fraction: string;
  /** Offset east of UTC in minutes. */
  offsetMinutes: number;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})$/;
const NAIVE_T = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/;
const NAIVE_SPACE = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

function parse(input: string): Parsed | undefined {
  const m = RFC3339.exec(input) ?? NAIVE_T.exec(input) ?? NAIVE_SPACE.exec(input) ?? DATE_ONLY.exec(input);
  if (m === null) return undefined;
  const num = (i: number): number => (m[i] === undefined ? 0 : Number(m[i]));
  let offsetMinutes = 0;
  const offset = m[8];
  if (offset !== undefined && offset !== 'Z' && offset !== 'z') {
    const oh = Number(offset.slice(1, 3));
    const om = Number(offset.slice(4, 6));
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = (offset.startsWith('-') ? -1 : 1) * (oh * 60 + om);
  }
  const parsed: Parsed = {
    year: num(1),
    month: num(2),
    day: num(3),
    hour: num(4),
    minute: num(5),
    second: num(6),
    fraction: (m[7] ?? '').slice(0, 9).replace(/0+$/, ''),
    offsetMinutes,
  };
  const { year, month, day, hour, minute, second } = parsed;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  return parsed;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function epochMs(p: Parsed): number {
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not map years 0-99 to 1900-1999.
  date.setUTCFullYear(p.year, p.month - 1, p.day);
  date.setUTCHours(p.hour, p.minute, p.second, 0);
  return date.getTime() - p.offsetMinutes * 60_000 + Number(`0.${p.fraction || '0'}`) * 1000;
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

function format(p: Parsed): string {
  const base = `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;
  const fraction = p.fraction === '' ? '' : `.${p.fraction}`;
  if (p.offsetMinutes === 0) return `${base}${fraction}Z`;
  const abs = Math.abs(p.offsetMinutes);
  const sign = p.offsetMinutes < 0 ? '-' : '+';
  return `${base}${fraction}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/**
 * The stored form of a valid, future `expiresAt`, or undefined when Meilisearch would answer
 * `invalid_api_key_expires_at` (unparsable, or not strictly after `now`).
 */
export function parseExpiresAt(input: string, now: Date): string | undefined {
  const parsed = parse(input);
  if (parsed === undefined || !(epochMs(parsed) > now.getTime())) return undefined;
  return format(parsed);
}

/** Milliseconds since the epoch of a stored RFC 3339 date; undefined when unreadable. */
export function rfc3339ToEpochMs(value: string): number | undefined {
  const parsed = parse(value);
  return parsed === undefined ? undefined : epochMs(parsed);
}

/** `createdAt`/`updatedAt` as Meilisearch writes them: UTC, trimmed sub-seconds. */
export function formatTimestamp(date: Date): string {
  const ms = date.getUTCMilliseconds();
  const base = date.toISOString().slice(0, 19);
  return ms === 0 ? `${base}Z` : `${base}.${pad(ms, 3).replace(/0+$/, '')}Z`;
}
