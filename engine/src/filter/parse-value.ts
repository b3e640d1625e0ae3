/**
 * The `value` production (attribute names and operands) and the error plumbing shared by the
 * parser modules. Errors come in two strengths, as in Meilisearch's nom parser: a soft error lets
 * the caller try another production; a hard error (thrown) ends parsing at once.
 */
import type { ErrorCode } from '../errors/codes.ts';
import { FilterSyntaxError, messages, withPosition, type SourceSpan } from './errors.ts';
import {
  KEYWORDS, charAt, errorWordEnd, scanQuoted, skipMultispace, skipUnicodeWhitespace, wordAt, wordEnd,
} from './grammar.ts';
import { unescapeValue } from './unescape.ts';

export interface ParseContext {
  input: string;
  code: ErrorCode;
}

export interface SoftError {
  soft: true;
  diagnostic: string;
  start: number;
  end: number;
  /** The value was a bare keyword: a primary reports this instead of "expecting an operation". */
  keyword: boolean;
}

export interface ParsedValue {
  soft?: undefined;
  /** The value with quotes removed and escapes resolved. */
  text: string;
  /** Span of the token (inside the quotes for quoted values), for error positions. */
  start: number;
  end: number;
  /** Where parsing continues: after the token and any ASCII whitespace. */
  next: number;
}

export function span(ctx: ParseContext, start: number, end: number): SourceSpan {
  return { source: ctx.input, start, end };
}

export function hardError(ctx: ParseContext, diagnostic: string, start: number, end: number): FilterSyntaxError {
  const where = span(ctx, start, end);
  return new FilterSyntaxError(withPosition(diagnostic, where), where, ctx.code);
}

export function harden(ctx: ParseContext, error: SoftError): FilterSyntaxError {
  return hardError(ctx, error.diagnostic, error.start, error.end);
}

export function softError(diagnostic: string, start: number, end: number, keyword = false): SoftError {
  return { soft: true, diagnostic, start, end, keyword };
}

/** Many Meilisearch errors quote "the rest of the input" from some position. */
export function restError(ctx: ParseContext, diagnostic: (excerpt: string) => string, start: number): FilterSyntaxError {
  return hardError(ctx, diagnostic(ctx.input.slice(start)), start, ctx.input.length);
}

/** Meilisearch refuses these wherever a value is expected, before looking at what follows. */
function checkReservedGeo(ctx: ParseContext, pos: number): void {
  const { input } = ctx;
  const word = wordAt(input, pos);
  const start = pos;
  const end = input.length;
  if (input.startsWith('_geoPoint', pos)) throw hardError(ctx, messages.reservedGeo('_geoPoint'), start, end);
  if (input.startsWith('_geoDistance', pos)) throw hardError(ctx, messages.reservedGeo('_geoDistance'), start, end);
  if (word === '_geo') throw hardError(ctx, messages.reservedGeo('_geo'), start, end);
  if (word === '_geoRadius') throw hardError(ctx, messages.misusedGeoRadius(), start, end);
  if (word === '_geoBoundingBox') throw hardError(ctx, messages.misusedGeoBoundingBox(), start, end);
}

export function parseValue(ctx: ParseContext, from: number): ParsedValue | SoftError {
  const { input } = ctx;
  const pos = skipUnicodeWhitespace(input, from);
  checkReservedGeo(ctx, pos);
  const c = charAt(input, pos);
  let raw: string;
  let start: number;
  let end: number;
  let next: number;
  if (c === "'" || c === '"') {
    const scan = scanQuoted(input, pos + 1, c);
    if (scan.danglingBackslash) {
      throw hardError(ctx, messages.malformedValue(input.slice(pos + 1)), pos + 1, input.length);
    }
    if (scan.close === null) {
      throw hardError(ctx, messages.missingClosingDelimiter(input.slice(pos), c), pos, input.length);
    }
    start = pos + 1;
    end = scan.close;
    raw = input.slice(start, end);
    // Meilisearch first turns \<quote> into <quote>, then resolves the remaining escapes.
    if (scan.escapedQuote) raw = raw.replaceAll('\\' + c, c);
    next = skipMultispace(input, end + 1);
  } else {
    end = wordEnd(input, pos);
    const word = input.slice(pos, end);
    if (word === '' || KEYWORDS.has(word)) {
      const stop = errorWordEnd(input, pos);
      const excerpt = input.slice(pos, stop);
      const diagnostic = word === '' ? messages.expectedValue(excerpt) : messages.expectedValueKeyword(excerpt);
      return softError(diagnostic, pos, stop, word !== '');
    }
    start = pos;
    raw = word;
    next = skipMultispace(input, end);
  }
  const unescaped = unescapeValue(raw);
  if (!unescaped.ok) {
    const excerpt = input.slice(start, end);
    const diagnostic = unescaped.error === 'malformed' ? messages.malformedValue(excerpt) : messages.invalidEscapedNumber(excerpt);
    return softError(diagnostic, start, end);
  }
  return { text: unescaped.value, start, end, next };
}
