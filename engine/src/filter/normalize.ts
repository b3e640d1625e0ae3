/**
 * Facet string normalization shared by the filter evaluator and the search core's facet index.
 * Meilisearch (milli `normalize_facet`) trims, applies Unicode compatibility decomposition (NFKD)
 * and lowercases. It does not remove diacritics: "é" becomes "e" + U+0301, which still differs
 * from "e", but precomposed and decomposed spellings of "é" compare equal.
 */
import { isUnicodeWhitespace } from './grammar.ts';

/** Bytes of a facet string kept in the index (milli MAX_FACET_VALUE_LENGTH = 500 - 32). */
export const MAX_FACET_VALUE_BYTES = 468;

function trimUnicode(s: string): string {
  const chars = Array.from(s);
  let start = 0;
  let end = chars.length;
  while (start < end && isUnicodeWhitespace(chars[start] ?? '')) start++;
  while (end > start && isUnicodeWhitespace(chars[end - 1] ?? '')) end--;
  return start === 0 && end === chars.length ? s : chars.slice(start, end).join('');
}

/** The normalized form of a facet string or of a filter value compared against facet strings. */
export function normalizeFacetString(s: string): string {
  return trimUnicode(s).normalize('NFKD').toLowerCase();
}

function utf8Length(codePoint: number): number {
  return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
}

/**
 * The key a document string is indexed under: normalized, then cut to the longest prefix of at
 * most 468 UTF-8 bytes (LMDB key limits). Filter values are normalized but not cut, so `=` never
 * matches a document string longer than that, as in Meilisearch.
 */
export function facetKey(s: string): string {
  const normalized = normalizeFacetString(s);
  if (normalized.length * 3 <= MAX_FACET_VALUE_BYTES) return normalized;
  let bytes = 0;
  let end = 0;
  for (const c of normalized) {
    bytes += utf8Length(c.codePointAt(0) ?? 0);
    if (bytes > MAX_FACET_VALUE_BYTES) break;
    end += c.length;
  }
  return normalized.slice(0, end);
}

/**
 * Order of facet strings as Meilisearch stores them (UTF-8 bytes, i.e. code points). JavaScript's
 * `<` compares UTF-16 code units, which misorders astral characters against U+E000–U+FFFF.
 */
export function compareFacetStrings(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xSurrogate = x >= 0xd800 && x <= 0xdfff;
    const ySurrogate = y >= 0xd800 && y <= 0xdfff;
    if (xSurrogate !== ySurrogate) return xSurrogate ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}
