import type { Document } from '../../types/document.ts';
import { matchesAttributePattern } from '../fields.ts';
import { normalizeWord } from '../tokenizer.ts';
import type { FormatOptions } from './format.ts';

/**
 * `_formatted` and `_matchesPosition`. A word of an attribute matches when its normalized form is
 * one of the terms the query words derived (exact, typo or synonym), a word of a phrase, or
 * starts with the last query word when that word is a prefix; a prefix match highlights only
 * the typed part, as Meilisearch does ("<em>Ari</em>el").
 *
 * Cropping keeps `cropLength` words (or `attr:N`) around the window holding the most distinct
 * matched query words, and puts the crop marker where text was cut. Match positions are in
 * UTF-8 bytes, as Meilisearch reports them.
 */

/** Default crop length in words (Meilisearch DEFAULT_CROP_LENGTH). */
export const DEFAULT_CROP_LENGTH = 10;
export const DEFAULT_CROP_MARKER = '…';
export const DEFAULT_HIGHLIGHT_PRE_TAG = '<em>';
export const DEFAULT_HIGHLIGHT_POST_TAG = '</em>';

interface Matcher {
  /** Normalized term -> query word index. */
  terms: Map<string, number>;
  /** Prefix query words: normalized text -> query word index. */
  prefixes: Array<[string, number]>;
}

interface Token {
  start: number;
  end: number;
  /** End of the highlighted part (< end for prefix matches); -1 when not a match. */
  matchEnd: number;
  word: number;
}

function buildMatcher(options: FormatOptions): Matcher {
  const terms = new Map<string, number>();
  const prefixes: Array<[string, number]> = [];
  options.words.forEach((w, i) => {
    for (const alt of w.alternatives) for (const t of alt.terms) if (!terms.has(options.vocabulary.term(t))) terms.set(options.vocabulary.term(t), i);
    if (w.phrase !== null) {
      for (const t of w.phrase) if (t !== undefined) terms.set(options.vocabulary.term(t), i);
      return;
    }
    terms.set(w.text, i);
    for (const d of w.derivations) {
      if (options.vocabulary.isReserved(d.term)) continue; // a prefix row: found through `prefixes`
      const term = options.vocabulary.term(d.term);
      // Prefix extensions are found through `prefixes`, which highlights only the typed part.
      if (w.isPrefix && term.startsWith(w.text) && d.typos === 0) continue;
      if (!terms.has(term)) terms.set(term, i);
    }
    if (w.isPrefix) prefixes.push([w.text, i]);
  });
  return { terms, prefixes };
}

/** Number of UTF-16 units of `raw` whose normalization covers `prefix`. */
function originalPrefixLength(raw: string, prefix: string): number {
  for (let k = 1; k <= raw.length; k++) if (normalizeWord(raw.slice(0, k)).length >= prefix.length) return k;
  return raw.length;
}

function tokenize(text: string, matcher: Matcher, options: FormatOptions): Token[] {
  const tokens: Token[] = [];
  options.tokenizer.forEach(text, (word, _position, start, end) => {
    let matchEnd = -1;
    let index = matcher.terms.get(word);
    if (index !== undefined) {
      matchEnd = end;
    } else {
      for (const [prefix, i] of matcher.prefixes) {
        if (word.startsWith(prefix)) {
          index = i;
          matchEnd = start + originalPrefixLength(text.slice(start, end), prefix);
          break;
        }
      }
    }
    tokens.push({ start, end, matchEnd, word: index ?? -1 });
  });
  return tokens;
}

function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** Index of the first word of the crop window. */
function cropWindow(tokens: Token[], length: number): number {
  if (tokens.length <= length) return 0;
  let best = 0;
  let bestScore = -1;
  for (let s = 0; s + length <= tokens.length; s++) {
    const words = new Set<number>();
    let first = -1;
    let last = -1;
    for (let i = s; i < s + length; i++) {
      if (tokens[i]!.matchEnd >= 0) {
        words.add(tokens[i]!.word);
        if (first < 0) first = i;
        last = i;
      }
    }
    if (words.size === 0) continue;
    // Prefer more distinct words, then matches centered in the window.
    const balance = Math.abs(first - s - (s + length - 1 - last));
    const score = words.size * 10000 - balance;
    if (score > bestScore) {
      bestScore = score;
      best = s;
    }
  }
  return best;
}

function render(text: string, tokens: Token[], highlight: boolean, crop: number | null, options: FormatOptions): string {
  const pre = options.params.highlightPreTag ?? DEFAULT_HIGHLIGHT_PRE_TAG;
  const post = options.params.highlightPostTag ?? DEFAULT_HIGHLIGHT_POST_TAG;
  const marker = options.params.cropMarker ?? DEFAULT_CROP_MARKER;
  let from = 0;
  let to = text.length;
  let first = 0;
  let last = tokens.length;
  let prefix = '';
  let suffix = '';
  if (crop !== null) {
    if (crop === 0 || tokens.length === 0) return crop === 0 ? '' : text;
    first = cropWindow(tokens, crop);
    last = Math.min(tokens.length, first + crop);
    from = tokens[first]!.start;
    to = tokens[last - 1]!.end;
    if (first > 0) prefix = marker;
    if (last < tokens.length) suffix = marker;
  }
  if (!highlight) return prefix + text.slice(from, to) + suffix;
  let out = prefix;
  let cursor = from;
  for (let i = first; i < last; i++) {
    const t = tokens[i]!;
    if (t.matchEnd < 0) continue;
    out += text.slice(cursor, t.start) + pre + text.slice(t.start, t.matchEnd) + post;
    cursor = t.matchEnd;
  }
  return out + text.slice(cursor, to) + suffix;
}

function selected(list: readonly string[] | null | undefined, path: string): boolean {
  return list !== null && list !== undefined && list.some((p) => matchesAttributePattern(p.replace(/:\d+$/, ''), path));
}

function cropLengthFor(path: string, options: FormatOptions): number | null {
  const list = options.params.attributesToCrop;
  if (list === null || list === undefined) return null;
  let length: number | null = null;
  for (const entry of list) {
    const m = /^(.*):(\d+)$/.exec(entry);
    const pattern = m === null ? entry : m[1]!;
    if (matchesAttributePattern(pattern, path)) {
      length = m === null ? (options.params.cropLength ?? DEFAULT_CROP_LENGTH) : Number(m[2]);
      if (m !== null) break;
    }
  }
  return length;
}

export function formatAttributes(visible: Document, hit: Document, options: FormatOptions): { formatted: Document; matchesPosition: Record<string, Array<Record<string, unknown>>> } {
  const matcher = buildMatcher(options);
  const matchesPosition: Record<string, Array<Record<string, unknown>>> = {};
  const hasWords = options.words.length > 0;

  const formatValue = (value: unknown, path: string, indices: number[]): unknown => {
    if (Array.isArray(value)) return value.map((v, i) => formatValue(v, path, [...indices, i]));
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = formatValue(v, `${path}.${k}`, indices);
      return out;
    }
    const highlight = selected(options.params.attributesToHighlight, path);
    const crop = cropLengthFor(path, options);
    if (typeof value !== 'string' && typeof value !== 'number') return value;
    const text = String(value);
    if (!highlight && crop === null) return value;
    const tokens = hasWords ? tokenize(text, matcher, options) : [];
    if (tokens.length === 0 && crop !== null) {
      const all: Token[] = [];
      options.tokenizer.forEach(text, (_w, _p, start, end) => all.push({ start, end, matchEnd: -1, word: -1 }));
      return render(text, all, false, crop, options);
    }
    return render(text, tokens, highlight && hasWords, crop, options);
  };

  const collectPositions = (value: unknown, path: string, indices: number[]): void => {
    if (Array.isArray(value)) {
      value.forEach((v, i) => collectPositions(v, path, [...indices, i]));
      return;
    }
    if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) collectPositions(v, `${path}.${k}`, indices);
      return;
    }
    if (typeof value !== 'string' && typeof value !== 'number') return;
    const text = String(value);
    for (const t of tokenize(text, matcher, options)) {
      if (t.matchEnd < 0) continue;
      const entry: Record<string, unknown> = { start: utf8Length(text.slice(0, t.start)), length: utf8Length(text.slice(t.start, t.matchEnd)) };
      if (indices.length > 0) entry['indices'] = [...indices];
      (matchesPosition[path] ??= []).push(entry);
    }
  };

  const formatted: Document = {};
  for (const [key, value] of Object.entries(hit)) formatted[key] = formatValue(value, key, []);
  if (options.params.showMatchesPosition === true && hasWords) {
    for (const [key, value] of Object.entries(visible)) collectPositions(value, key, []);
  }
  return { formatted, matchesPosition };
}
