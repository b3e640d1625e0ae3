/**
 * Filter errors, worded like Meilisearch's filter-parser and milli so that clients matching on
 * messages keep working. Every message ends with "\n<start>:<end> <input>" where start/end are
 * 1-based columns (in code points, counted from the last newline, as nom_locate does) of the part
 * of the input the error is about.
 */
import { EngineError } from '../errors/engine-error.ts';
import type { ErrorCode } from '../errors/codes.ts';

/** A part of one filter string: the string and a [start, end) range of UTF-16 offsets in it. */
export interface SourceSpan {
  source: string;
  start: number;
  end: number;
}

/**
 * Raised for any filter that Meilisearch would refuse before looking at the index. It is an
 * EngineError (code `invalid_search_filter` unless the caller asks for another, e.g.
 * `invalid_document_filter` on document routes), so it reaches clients with the right shape.
 */
export class FilterSyntaxError extends EngineError {
  readonly span: SourceSpan | null;

  constructor(message: string, span: SourceSpan | null, code: ErrorCode = 'invalid_search_filter') {
    super(code, message);
    this.name = 'FilterSyntaxError';
    this.span = span;
  }

  /** The same error under another code (document routes answer `invalid_document_filter`). */
  withCode(code: ErrorCode): FilterSyntaxError {
    return new FilterSyntaxError(this.message, this.span, code);
  }
}

function codePointCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** "\n<start>:<end> <source>" as Meilisearch appends it. */
export function positionSuffix(span: SourceSpan): string {
  const lineStart = span.source.lastIndexOf('\n', span.start - 1) + 1;
  const column = codePointCount(span.source.slice(lineStart, span.start)) + 1;
  const size = codePointCount(span.source.slice(span.start, span.end));
  return `\n${column}:${column + size} ${span.source}`;
}

export function withPosition(diagnostic: string, span: SourceSpan | null): string {
  return span === null ? diagnostic : diagnostic + positionSuffix(span);
}

const NOT_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;
const GRAPHEME_EXTEND = /\p{Grapheme_Extend}/u;

/** Rust's `str::escape_debug`, used by Meilisearch on the excerpt quoted in a message. */
export function escapeDebug(s: string): string {
  let out = '';
  let first = true;
  for (const c of s) {
    const code = c.codePointAt(0) ?? 0;
    if (c === '\t') out += '\\t';
    else if (c === '\r') out += '\\r';
    else if (c === '\n') out += '\\n';
    else if (c === '\\' || c === "'" || c === '"') out += '\\' + c;
    else if (c === '\0') out += '\\0';
    else if ((c !== ' ' && NOT_PRINTABLE.test(c)) || (first && GRAPHEME_EXTEND.test(c))) out += `\\u{${code.toString(16)}}`;
    else out += c;
    first = false;
  }
  return out;
}

/** Rust's `Display` for f64: shortest round-trip digits, never in exponent notation. */
export function formatRustFloat(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  const text = Object.is(n, -0) ? '-0' : String(n);
  const match = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (match === null) return text;
  const [, sign = '', lead = '', rest = '', exp = '0'] = match;
  const digits = lead + rest;
  const point = 1 + Number(exp);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return sign + digits + '0'.repeat(point - digits.length);
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

const OPERATIONS =
  '`=`, `!=`, `>=`, `>`, `<=`, `<`, `IN`, `NOT IN`, `TO`, `EXISTS`, `NOT EXISTS`, `IS NULL`, `IS NOT NULL`, ' +
  '`IS EMPTY`, `IS NOT EMPTY`, `CONTAINS`, `NOT CONTAINS`, `STARTS WITH`, `NOT STARTS WITH`, `_geoRadius`, or `_geoBoundingBox`';
const GEO_RULES =
  'Use the `_geoRadius(latitude, longitude, distance)` or `_geoBoundingBox([latitude, longitude], [latitude, longitude])` built-in rules to filter on `_geo` coordinates.';

/** The diagnostic line of each parse error, keyed like Meilisearch's ErrorKind; `excerpt` is the spanned text. */
export const messages = {
  expectedValue: (excerpt: string) =>
    excerpt.trim() === '' ? 'Was expecting a value but instead got nothing.' : `Was expecting a value but instead got \`${escapeDebug(excerpt)}\`.`,
  expectedValueKeyword: (excerpt: string) =>
    `Was expecting a value but instead got \`${escapeDebug(excerpt)}\`, which is a reserved keyword. To use \`${escapeDebug(excerpt)}\` as a field name or a value, surround it by quotes.`,
  malformedValue: (excerpt: string) => `Malformed value: \`${escapeDebug(excerpt)}\`.`,
  invalidEscapedNumber: (excerpt: string) => `Found an invalid escaped sequence number: \`${escapeDebug(excerpt)}\`.`,
  missingClosingDelimiter: (excerpt: string, delimiter: string) =>
    `Expression \`${escapeDebug(excerpt)}\` is missing the following closing delimiter: \`${delimiter}\`.`,
  invalidPrimary: (excerpt: string) =>
    `Was expecting an operation ${OPERATIONS} ${excerpt.trim() === '' ? 'but instead got nothing.' : `at \`${escapeDebug(excerpt)}\`.`}`,
  expectedEof: (excerpt: string) =>
    `Found unexpected characters at the end of the filter: \`${escapeDebug(excerpt)}\`. You probably forgot an \`OR\` or an \`AND\` rule.`,
  geoRadius: () => 'The `_geoRadius` filter expects three arguments: `_geoRadius(latitude, longitude, radius)`.',
  geoBoundingBox: () =>
    'The `_geoBoundingBox` filter expects two pairs of arguments: `_geoBoundingBox([latitude, longitude], [latitude, longitude])`.',
  reservedGeo: (name: string) => `\`${name}\` is a reserved keyword and thus can't be used as a filter expression. ${GEO_RULES}`,
  misusedGeoRadius: () => 'The `_geoRadius` filter is an operation and can\'t be used as a value.',
  misusedGeoBoundingBox: () => 'The `_geoBoundingBox` filter is an operation and can\'t be used as a value.',
  inOpeningBracket: () => 'Expected `[` after `IN` keyword.',
  inClosingBracket: () => 'Expected matching `]` after the list of field names given to `IN[`',
  inExpectedValue: (excerpt: string) =>
    `Expected only comma-separated field names inside \`IN[..]\` but instead found \`${escapeDebug(excerpt)}\`.`,
  nonFiniteFloat: () => 'Non finite floats are not supported',
  depthLimit: () =>
    'The filter exceeded the maximum depth limit. Try rewriting the filter so that it contains fewer nested conditions.',
  badLatitude: (lat: number) =>
    `Bad latitude \`${formatRustFloat(lat)}\`. Latitude must be contained between -90 and 90 degrees.`,
  badLongitude: (lng: number) => {
    const r = (lng + 180) % 360;
    const suggestion = (r < 0 ? r + 360 : r) - 180;
    return `Bad longitude \`${formatRustFloat(lng)}\`. Longitude must be contained between -180 and 180 degrees. Hint: try using \`${formatRustFloat(suggestion)}\` instead.`;
  },
  topBelowBottom: (top: number, bottom: number) =>
    `The top latitude \`${formatRustFloat(top)}\` is below the bottom latitude \`${formatRustFloat(bottom)}\`.`,
  invalidExpression: (expected: string, found: unknown) =>
    `Invalid syntax for the filter parameter: \`expected ${expected}, found: ${JSON.stringify(found) ?? String(found)}\`.`,
} as const;
