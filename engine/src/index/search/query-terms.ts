import type { Settings } from '../../types/settings.ts';
import type { Tokenizer } from '../tokenizer.ts';
import type { Vocabulary } from '../vocabulary.ts';
import { PREFIX_ROW_MIN_WORDS, type PrefixRow } from '../prefix-rows.ts';
import { buildQueryWords } from './query-graph.ts';

/**
 * Query parsing and term derivation: the query string becomes an ordered list of query words
 * (a phrase counts as one word), each with the index terms it may match and what each costs.
 *
 * Syntax, as in Meilisearch: `"a phrase"` must match consecutive words; `-word` and
 * `-"a phrase"` exclude documents; the last word also matches as a prefix unless the query ends
 * with a separator (the user has finished typing it) or prefix search is disabled.
 *
 * Typo budget, from `typoTolerance`: words shorter than `oneTypo` characters must match exactly,
 * shorter than `twoTypos` may have one typo, longer two. A typo on the first letter costs two
 * (so a one-typo word never matches with a different first letter). Phrases never match with
 * typos. Derivation counts are bounded like Meilisearch's (MAX_* below).
 */

/** Bounds on derivations per query word (Meilisearch's limits.rs uses the same numbers). */
export const MAX_PREFIX_DERIVATIONS = 1000;
/**
 * milli's prefix databases (prefixSearch: indexingTime): prefixes of at most 4 UTF-8 bytes that
 * start at least 100 words match every word they start; other prefixes expand to at most
 * MAX_PREFIX_DERIVATIONS words.
 */
export const PREFIX_DB_MAX_BYTES = 4;
export const PREFIX_DB_MIN_WORDS = 100;
export const MAX_ONE_TYPO_DERIVATIONS = 150;
export const MAX_TWO_TYPO_DERIVATIONS = 50;
/** Query words beyond this are ignored (Meilisearch caps query terms as well). */
export const MAX_QUERY_WORDS = 10;

export interface Derivation {
  term: number;
  /** Typo cost of matching through this term: 0, 1 or 2. */
  typos: number;
  /** True for the query word itself (not a prefix extension, typo or synonym). */
  exact: boolean;
}

export interface QueryWord {
  /** The normalized query word (for a phrase, its words joined by spaces). */
  text: string;
  /** Set for phrases: the term id of each phrase word (undefined when unknown to the index). */
  phrase: Array<number | undefined> | null;
  derivations: Derivation[];
  isPrefix: boolean;
  /** Typos allowed for this word (0 for phrases). */
  typoBudget: number;
  /** Other word sequences this word may match: multi-word synonyms (cost 0), split words (1). */
  alternatives: PhraseAlternative[];
}

export interface PhraseAlternative {
  terms: number[];
  typos: number;
}

export interface ParsedQuery {
  words: QueryWord[];
  /** Excluded words and phrases. */
  negative: QueryWord[];
}

interface RawPart {
  words: string[];
  phrase: boolean;
  negative: boolean;
}

/** Splits the query text into words, phrases and negated parts. */
export function splitQuery(q: string, tokenizer: Tokenizer): { parts: RawPart[]; endsWithSeparator: boolean } {
  const parts: RawPart[] = [];
  let i = 0;
  while (i < q.length) {
    const quote = q.indexOf('"', i);
    const plainEnd = quote === -1 ? q.length : quote;
    pushPlain(q.slice(i, plainEnd), tokenizer, parts);
    if (quote === -1) break;
    const close = q.indexOf('"', quote + 1);
    const negative = quote > 0 && q[quote - 1] === '-' && (quote === 1 || /\s/.test(q[quote - 2]!));
    const inner = q.slice(quote + 1, close === -1 ? q.length : close);
    const words = tokenizer.words(inner);
    if (words.length > 0) parts.push({ words, phrase: true, negative });
    i = close === -1 ? q.length : close + 1;
  }
  const last = q[q.length - 1];
  const endsWithSeparator = last === undefined || last === '"' || !/[\p{L}\p{N}\p{M}]/u.test(last);
  return { parts, endsWithSeparator };
}

function pushPlain(text: string, tokenizer: Tokenizer, parts: RawPart[]): void {
  // A `-` directly before a word, at the start or after whitespace, negates that word.
  for (const chunk of text.split(/(\s+)/)) {
    if (chunk.length === 0 || /^\s+$/.test(chunk)) continue;
    const negative = chunk.length > 1 && chunk[0] === '-' && chunk !== '-"';
    const words = tokenizer.words(negative ? chunk.slice(1) : chunk);
    if (negative) {
      if (words.length > 0) parts.push({ words, phrase: words.length > 1, negative: true });
    } else {
      for (const w of words) parts.push({ words: [w], phrase: false, negative: false });
    }
  }
}

export interface DerivationOptions {
  vocabulary: Vocabulary;
  settings: Settings;
  stopWords: ReadonlySet<string>;
  synonyms: ReadonlyMap<string, string[][]>;
  prefixSearch: boolean;
  /** Number of documents containing a term (ranks prefix extensions when there are too many). */
  docCount?: (term: number) => number;
  /**
   * The postings row of a short common prefix built at indexing time (prefix-rows.ts): all the
   * words extending it, merged. A prefix-database prefix with a row derives that row instead of
   * each of its words.
   */
  prefixRow?: (prefix: string) => PrefixRow | undefined;
  /** Memoizes derivations by word and prefix flag while the index does not change. */
  cachedDerivations?: (text: string, isPrefix: boolean, compute: () => Derivation[]) => Derivation[];
}

/** Maximum typos allowed for a query word under the settings. */
export function typoBudget(word: string, settings: Settings): number {
  const tt = settings.typoTolerance;
  if (!tt.enabled) return 0;
  if (tt.disableOnWords.some((w) => w.toLowerCase() === word)) return 0;
  if (tt.disableOnNumbers && /^\p{N}+$/u.test(word)) return 0;
  const length = [...word].length;
  if (length >= tt.minWordSizeForTypos.twoTypos) return 2;
  if (length >= tt.minWordSizeForTypos.oneTypo) return 1;
  return 0;
}

/**
 * The fewest UTF-16 units of a word that may allow one typo, and two: shorter words allow fewer
 * (typo budgets count code points, never more than the units).
 */
export interface TypoLengths {
  one: number;
  two: number;
}

export function typoLengths(settings: Settings): TypoLengths {
  const tt = settings.typoTolerance;
  if (!tt.enabled) return { one: Infinity, two: Infinity };
  const { oneTypo, twoTypos } = tt.minWordSizeForTypos;
  return { one: Math.min(oneTypo, twoTypos), two: twoTypos };
}

/** Derives the terms of one (non-phrase) query word. */
export function deriveWord(word: string, isPrefix: boolean, options: DerivationOptions): Derivation[] {
  const { vocabulary } = options;
  const out: Derivation[] = [];
  const seen = new Map<number, number>(); // term -> index in out
  // With a prefix row, the prefix's extensions are all derived through it (as typos 0).
  let row: PrefixRow | undefined;
  const exactTerm = vocabulary.lookup(word);
  const add = (term: number, typos: number, exact: boolean): void => {
    if (row !== undefined && term !== exactTerm && vocabulary.term(term).startsWith(word)) return;
    const at = seen.get(term);
    if (at === undefined) {
      seen.set(term, out.length);
      out.push({ term, typos, exact });
    } else {
      const d = out[at]!;
      if (typos < d.typos || (typos === d.typos && exact && !d.exact)) out[at] = { term, typos, exact };
    }
  };
  const exact = exactTerm;
  if (exact !== undefined) add(exact, 0, true);
  const tree = vocabulary.tree();
  if (isPrefix) {
    // As milli: a prefix in the prefix database (at most 4 bytes, starting 100 words or more)
    // matches all its words; another one its first 1000 words in lexicographic order. Only
    // words still in some document count (milli's word list drops the others). A prefix row
    // holds all the words of a prefix of at most 4 bytes, which both rules match: from 100 words
    // all of them, below that fewer than 1000. So a row is read from PREFIX_ROW_MIN_WORDS words.
    const live = options.docCount ?? ((): number => 1);
    const words0 = exact !== undefined && live(exact) > 0 ? 1 : 0;
    const prefixRow = Buffer.byteLength(word, 'utf8') <= PREFIX_DB_MAX_BYTES ? options.prefixRow?.(word) : undefined;
    if (prefixRow !== undefined && words0 + prefixRow.liveWords >= PREFIX_ROW_MIN_WORDS) {
      add(prefixRow.term, 0, false);
      row = prefixRow;
    }
  }
  if (isPrefix && row === undefined) {
    const live = options.docCount ?? ((): number => 1);
    const extensions: number[] = [];
    let words = exact !== undefined && live(exact) > 0 ? 1 : 0;
    tree.forEachWithPrefix(word, (_key, term) => {
      if (term === exact || live(term) === 0) return;
      extensions.push(term);
      words++;
    });
    const prefixDb = words >= PREFIX_DB_MIN_WORDS && Buffer.byteLength(word, 'utf8') <= PREFIX_DB_MAX_BYTES;
    if (!prefixDb && extensions.length > MAX_PREFIX_DERIVATIONS) extensions.length = MAX_PREFIX_DERIVATIONS;
    for (const term of extensions) add(term, 0, false);
  }
  const budget = typoBudget(word, options.settings);
  if (budget > 0) {
    let one = 0;
    let two = 0;
    // Same first letter: the edit distance is the cost.
    tree.forEachFuzzy(
      word,
      budget,
      (_key, term, distance) => {
        // Distance 0 is the word itself or a prefix extension, both derived above.
        if (distance === 1 && one < MAX_ONE_TYPO_DERIVATIONS) {
          one++;
          add(term, 1, false);
        } else if (distance === 2 && two < MAX_TWO_TYPO_DERIVATIONS) {
          two++;
          add(term, 2, false);
        }
        // (Once no more derivations can be taken, the walk stops.)
        return one < MAX_ONE_TYPO_DERIVATIONS || (budget >= 2 && two < MAX_TWO_TYPO_DERIVATIONS);
      },
      { prefix: isPrefix, firstChar: 'same' },
    );
    // Different first letter: one edit there counts as two typos.
    if (budget >= 2 && two < MAX_TWO_TYPO_DERIVATIONS) {
      tree.forEachFuzzy(
        word,
        1,
        (_key, term) => {
          two++;
          add(term, 2, false);
          return two < MAX_TWO_TYPO_DERIVATIONS;
        },
        { prefix: isPrefix, firstChar: 'other' },
      );
    }
  }
  for (const synonym of options.synonyms.get(word) ?? []) {
    // Single-word synonyms are free derivations; multi-word ones become phrase alternatives.
    if (synonym.length === 1) {
      const term = vocabulary.lookup(synonym[0]!);
      if (term !== undefined) add(term, 0, false);
    }
  }
  return out;
}

/** Phrase alternatives from multi-word synonyms of `key` (words unknown to the index: none). */
export function synonymPhrases(key: string, options: DerivationOptions): PhraseAlternative[] {
  const out: PhraseAlternative[] = [];
  for (const synonym of options.synonyms.get(key) ?? []) {
    if (synonym.length < 2) continue;
    const terms = synonym.map((w) => options.vocabulary.lookup(w));
    if (terms.every((t) => t !== undefined)) out.push({ terms: terms as number[], typos: 0 });
  }
  return out;
}

/** Parses and derives a whole query (see query-graph.ts for n-grams and split words). */
export function parseQuery(q: string, tokenizer: Tokenizer, options: DerivationOptions): ParsedQuery {
  const { parts, endsWithSeparator } = splitQuery(q, tokenizer);
  const positives = parts.filter((p) => !p.negative);
  const negatives = parts.filter((p) => p.negative);
  // Stop words are dropped from the query, unless that would leave nothing to search.
  let kept = positives.filter((p) => p.phrase || !options.stopWords.has(p.words[0]!));
  if (kept.length === 0) kept = positives;
  kept = kept.slice(0, MAX_QUERY_WORDS);
  const lastPart = positives[positives.length - 1];
  const words = buildQueryWords(
    kept.map((part) => ({ words: part.words, phrase: part.phrase, isPrefix: options.prefixSearch && part === lastPart && !endsWithSeparator && !part.phrase })),
    options,
  );
  const negative = negatives.map((part) =>
    part.phrase
      ? phraseWord(part.words, options.vocabulary)
      : { text: part.words[0]!, phrase: null, derivations: exactOnly(part.words[0]!, options.vocabulary), isPrefix: false, typoBudget: 0, alternatives: [] },
  );
  return { words, negative };
}

function exactOnly(word: string, vocabulary: Vocabulary): Derivation[] {
  const term = vocabulary.lookup(word);
  return term === undefined ? [] : [{ term, typos: 0, exact: true }];
}

export function phraseWord(words: string[], vocabulary: Vocabulary): QueryWord {
  const phrase = words.map((w) => vocabulary.lookup(w));
  return { text: words.join(' '), phrase, derivations: [], isPrefix: false, typoBudget: 0, alternatives: [] };
}
