/**
 * The filter language, lexical layer. The grammar follows Meilisearch's filter-parser (v1.x), which
 * the parser in parse-string.ts mirrors production by production so that it accepts the same inputs
 * and reports errors at the same places:
 *
 * ```text
 * filter         = expression EOF
 * expression     = or
 * or             = and ("OR" WS+ and)*
 * and            = not ("AND" WS+ not)*
 * not            = ("NOT" WS+ not) | primary
 * primary        = (WS* "(" WS* expression WS* ")" WS*) | geoRadius | geoBoundingBox | in | notIn
 *                | condition | isNull | isNotNull | isEmpty | isNotEmpty | exists | notExists | to
 *                | contains | notContains | startsWith | notStartsWith
 * in             = value "IN" WS* "[" value_list "]" WS*
 * notIn          = value "NOT" WS+ "IN" WS* "[" value_list "]" WS*
 * condition      = value ("=" | "!=" | ">" | ">=" | "<" | "<=") value
 * isNull         = value "IS" WS+ "NULL"            isNotNull  = value "IS" WS+ "NOT" WS+ "NULL"
 * isEmpty        = value "IS" WS+ "EMPTY"           isNotEmpty = value "IS" WS+ "NOT" WS+ "EMPTY"
 * exists         = value "EXISTS"                   notExists  = value "NOT" WS+ "EXISTS"
 * to             = value value "TO" WS+ value
 * contains       = value "CONTAINS" value           notContains   = value "NOT" WS+ "CONTAINS" value
 * startsWith     = value "STARTS WITH" value        notStartsWith = value "NOT" WS+ "STARTS WITH" value
 * value          = WS* (word | singleQuoted | doubleQuoted) WS*
 * value_list     = (value ("," value)* ","?)?
 * singleQuoted   = "'" (any char, backslash escapes the next one)* "'"
 * doubleQuoted   = '"' (any char, backslash escapes the next one)* '"'
 * word           = (alphanumeric | "_" | "-" | ".")+   -- and not a keyword
 * geoRadius      = WS* "_geoRadius(" WS* float WS* "," WS* float WS* "," WS* float WS* ")"
 * geoBoundingBox = WS* "_geoBoundingBox(" WS* "[" float "," float "]" WS* "," WS* "[" float "," float "]" WS* ")"
 * float          = [+-]? (digit+ ("." digit*)? | "." digit+) ([eE] [+-]? digit+)?
 * ```
 *
 * Keywords (AND OR IN NOT TO EXISTS IS NULL EMPTY CONTAINS STARTS WITH _geoRadius _geoBoundingBox)
 * are case-sensitive; quote them to use them as attribute names or values. Values starting with
 * `_geoPoint`, `_geoDistance` or the word `_geo` are reserved (sort-only or internal names).
 * Quoted values then go through Rust-style escape sequences (see unescape.ts).
 */

export const KEYWORDS: ReadonlySet<string> = new Set([
  'AND', 'OR', 'IN', 'NOT', 'TO', 'EXISTS', 'IS', 'NULL', 'EMPTY', 'CONTAINS', 'STARTS', 'WITH',
  '_geoRadius', '_geoBoundingBox',
]);

/** The operators of `condition`, longest first so that `<=` is not read as `<`. */
export const COMPARISON_OPERATORS = ['<=', '>=', '!=', '<', '>', '='] as const;

const VALUE_COMPONENT = /[\p{Alphabetic}\p{N}_.\-]/u;

/** Rust's char::is_whitespace (Unicode White_Space); JavaScript's \s differs on U+0085 and U+FEFF. */
export function isUnicodeWhitespace(c: string): boolean {
  const code = c.codePointAt(0) ?? -1;
  return (
    (code >= 0x09 && code <= 0x0d) || code === 0x20 || code === 0x85 || code === 0xa0 || code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029 || code === 0x202f ||
    code === 0x205f || code === 0x3000
  );
}

/** Rust's `str::trim().is_empty()`: Meilisearch treats such filters as absent. */
export function isBlank(text: string): boolean {
  for (const c of text) if (!isUnicodeWhitespace(c)) return false;
  return true;
}

/** nom's `multispace`: the separators between tokens are ASCII only. */
export function isMultispace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n';
}

export function isValueComponent(c: string): boolean {
  return VALUE_COMPONENT.test(c);
}

/** Characters that end the excerpt quoted in "Was expecting a value but instead got `…`". */
export function isSyntaxComponent(c: string): boolean {
  return isUnicodeWhitespace(c) || c === '(' || c === ')' || c === '=' || c === '<' || c === '>' || c === '!';
}

/** The code point at `pos` as a string (two code units for astral characters). */
export function charAt(input: string, pos: number): string {
  const code = input.codePointAt(pos);
  return code === undefined ? '' : String.fromCodePoint(code);
}

export function skipMultispace(input: string, pos: number): number {
  let p = pos;
  while (p < input.length && isMultispace(input[p])) p++;
  return p;
}

export function skipUnicodeWhitespace(input: string, pos: number): number {
  let p = pos;
  while (p < input.length) {
    const c = charAt(input, p);
    if (!isUnicodeWhitespace(c)) break;
    p += c.length;
  }
  return p;
}

/** End of the run of value components starting at `pos` (pos itself when there is none). */
export function wordEnd(input: string, pos: number): number {
  let p = pos;
  while (p < input.length) {
    const c = charAt(input, p);
    if (!isValueComponent(c)) break;
    p += c.length;
  }
  return p;
}

/** The word at `pos`, as nom's `take_while1(is_value_component)` sees it ('' when none). */
export function wordAt(input: string, pos: number): string {
  return input.slice(pos, wordEnd(input, pos));
}

export function errorWordEnd(input: string, pos: number): number {
  let p = pos;
  while (p < input.length) {
    const c = charAt(input, p);
    if (isSyntaxComponent(c)) break;
    p += c.length;
  }
  return p;
}

const FLOAT_AT = /[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;

/** nom's `recognize_float`: the end of a float literal at `pos`, or -1. */
export function floatEnd(input: string, pos: number): number {
  FLOAT_AT.lastIndex = pos;
  return FLOAT_AT.test(input) ? FLOAT_AT.lastIndex : -1;
}

const RUST_F64 = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf|infinity|nan)$/i;

/**
 * Rust's `str::parse::<f64>` restricted to finite results, which is how Meilisearch decides that a
 * filter value is also a number. Number() alone would accept '', ' 1', '0x10' and '1_0'-free forms
 * that Rust rejects.
 */
export function parseFiniteFloat(text: string): number | null {
  if (!RUST_F64.test(text)) return null;
  const n = Number(text.replace(/^\+/, ''));
  return Number.isFinite(n) ? n : null;
}

export type TokenKind = 'word' | 'keyword' | 'quoted' | 'operator' | 'punct' | 'other';

export interface Token {
  kind: TokenKind;
  /** The source text of the token, quotes included. */
  text: string;
  start: number;
  end: number;
}

/**
 * Splits a filter string into tokens, for diagnostics, printing checks and tests; the parser
 * itself works on positions because Meilisearch's grammar is not context-free at the edges
 * (`STARTS WITH` is one tag, reserved `_geo…` prefixes, keyword prefixes like `EXISTSfoo`).
 * Unterminated quotes produce a 'quoted' token running to the end of the input.
 */
export function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let pos = skipUnicodeWhitespace(input, 0);
  while (pos < input.length) {
    const start = pos;
    const c = charAt(input, pos);
    let kind: TokenKind;
    if (c === '"' || c === "'") {
      pos = quotedEnd(input, pos + 1, c);
      kind = 'quoted';
    } else if (isValueComponent(c)) {
      pos = wordEnd(input, pos);
      kind = KEYWORDS.has(input.slice(start, pos)) ? 'keyword' : 'word';
    } else {
      const op = COMPARISON_OPERATORS.find((o) => input.startsWith(o, pos));
      kind = op !== undefined ? 'operator' : '()[],'.includes(c) ? 'punct' : 'other';
      pos += op?.length ?? c.length;
    }
    tokens.push({ kind, text: input.slice(start, pos), start, end: pos });
    pos = skipUnicodeWhitespace(input, pos);
  }
  return tokens;
}

export interface QuotedScan {
  /** Index of the closing quote, or null when the input ends first. */
  close: number | null;
  /** The input ended right after a backslash (Meilisearch: "Malformed value"). */
  danglingBackslash: boolean;
  /** The body contains a backslash-escaped quote of the same kind. */
  escapedQuote: boolean;
}

/** Scans the body of a quoted value starting after the opening quote; a backslash protects the next char. */
export function scanQuoted(input: string, pos: number, quote: string): QuotedScan {
  let escapedQuote = false;
  let p = pos;
  while (p < input.length) {
    const c = input[p];
    if (c === quote) return { close: p, danglingBackslash: false, escapedQuote };
    if (c === '\\') {
      if (p + 1 >= input.length) return { close: null, danglingBackslash: true, escapedQuote };
      if (input[p + 1] === quote) escapedQuote = true;
      p += 2;
    } else {
      p += 1;
    }
  }
  return { close: null, danglingBackslash: false, escapedQuote };
}

function quotedEnd(input: string, pos: number, quote: string): number {
  const { close } = scanQuoted(input, pos, quote);
  return close === null ? input.length : close + 1;
}
