import { distanceRows, hasPrefixWithin } from '../edit-rows.ts';
import { MIN_SPLIT_LENGTH } from './query-graph.ts';
import type { ParsedQuery } from './query-terms.ts';

/**
 * Rankings of one-word queries prepared while the index is idle, before anyone searches them:
 * what FlexSearch builds at indexing time for every prefix of every word, here for the prefixes
 * (and whole words) whose words are in many documents together, the queries whose first search
 * would otherwise rank thousands of documents. A search for such a word (as typed: a prefix,
 * the last word of the query) reads its page from here without parsing or matching anything.
 *
 * Unlike the read caches (prefix-cache.ts), which a search fills and which are checked against
 * the current derivations of the query, a prepared ranking is checked at every write, by the
 * words the write touched, so that a search can trust it by the query string alone. The ranking
 * of a one-word query `s` depends on the postings of the terms `s` derives (the word itself, the
 * words extending it or its prefix row, words within its typo budget) and on which terms exist
 * and are in some document; a write can change it only through a term whose documents changed or
 * that is new, and such a term's word either extends `s`, is within `s`'s typos of a prefix of
 * it, is one of the words whose document counts parsing `s` read (split words), or completes a
 * split of `s`. Those rankings are set aside (no search reads them) and, when the index is idle,
 * carried over the write or made again (prepare-ranking.ts). Queries with synonyms are not
 * prepared (their synonyms' terms are not related to them by spelling). Settings changes,
 * renumbering and cleared indexes drop them all; dropping the read caches leaves them.
 */

/** Which queries are prepared, and how much of each ranking is kept (tests lower the bounds). */
export const preparePolicy = {
  /** Words extending the query must be in at least this many documents together. */
  minDocuments: 500,
  /** The most queries prepared (the most matched first). */
  maxQueries: 16384,
  /**
   * Ranked documents kept per query matching more than maxTotalHits (those matching fewer keep
   * them all); a page beyond them is ranked by the full pipeline.
   */
  keptDocuments: 200,
};

/**
 * A seal that changed more terms than this sets every prepared ranking aside rather than
 * checking them one by one against each word.
 */
export const MAX_CHECKED_TERMS = 4096;

/** More new words than this in one seal: every query that may split is set aside. */
const MAX_SPLIT_CHECKED_WORDS = 64;

/** A query's first documents in rule order and its number of matches. */
export interface PreparedRanking {
  /** Internal ids, the first min(total, maxTotalHits, keptDocuments). */
  order: Uint32Array;
  /** Documents matching (at most: see `least`). */
  total: number;
}

/** A prepared ranking with what checking and carrying it over writes needs. */
export interface PreparedEntry extends PreparedRanking {
  /**
   * Fewest documents that may match: documents removed since it was ranked may or may not have
   * matched (it is carried only while min(least, maxTotalHits) = min(total, maxTotalHits)).
   */
  least: number;
  /** The query as parsed when ranked. */
  parsed: ParsedQuery;
  /** The vocabulary's version then (see PreparedRankings.vocabulary). */
  vocabulary: number;
  /** The epoch it is valid at, and the index's capacity then (later documents are newer). */
  epoch: number;
  capacity: number;
  /** Typos the query word allows. */
  budget: number;
  /** Terms read besides its derivations (split words and the document counts that chose them). */
  read: readonly number[];
}

/** What a seal changed, as the prepared rankings need it. */
export interface PreparedChanges {
  /**
   * Terms that gained documents, and terms whose number of documents changed (null: too many to
   * list); listed on demand.
   */
  terms(): { gained: Iterable<number>; counted: Iterable<number> } | null;
  /** New terms: ids from `added[0]` to `added[1]` (excluded). */
  added: readonly [number, number];
  /** The word of a term, or the prefix of a prefix row. */
  wordOf(term: number): string | undefined;
  /** Whether words were added, or went from no document to some or back. */
  vocabularyChanged: boolean;
  /**
   * The index's epoch and capacity before this seal: a ranking this write sets aside was valid
   * then (earlier writes did not set it aside), which is where carrying it starts from.
   */
  before: { epoch: number; capacity: number };
}

/** A prepared ranking set aside by a write, to be carried over it or made again. */
export interface Suspect {
  q: string;
  entry: PreparedEntry | null;
  /** Whether the query must be parsed again (a document count it read changed). */
  reparse: boolean;
}

export class PreparedRankings {
  readonly #entries = new Map<string, PreparedEntry>();
  /** Queries allowing one typo, by first UTF-16 unit (their typos keep the first letter). */
  readonly #oneTypo = new Map<number, Set<string>>();
  /** Queries allowing two typos (one of which may be on the first letter). */
  readonly #twoTypos = new Set<string>();
  /** Queries by the terms they read besides their derivations. */
  readonly #byRead = new Map<number, Set<string>>();
  /**
   * Set aside by writes that may have changed them, in the order they were: checked (carried
   * over the writes or prepared again) before any new query is prepared.
   */
  readonly #suspects = new Map<string, Suspect>();
  #vocabulary = 0;
  /** Rankings made, and carried over writes (for tests and benchmarks). */
  readonly stats = { made: 0, carried: 0 };
  /** The queries worth preparing, most matched first (null: to be listed again), and as a set. */
  #candidates: string[] | null = null;
  #wanted: Set<string> | null = null;
  #cursor = 0;

  /**
   * Changes whenever a write adds words or changes which words are in some document: the
   * derivations of a query parsed at the same version are the same (unless a document count its
   * parsing read changed).
   */
  get vocabulary(): number {
    return this.#vocabulary;
  }

  get size(): number {
    return this.#entries.size;
  }

  lookup(q: string): PreparedRanking | undefined {
    return this.#entries.get(q);
  }

  /**
   * The next query to prepare: a suspect one first (with its ranking from before the writes),
   * then candidates not prepared yet; undefined when all are. `list` gives the candidates when
   * they must be listed again.
   */
  next(list: () => string[]): Suspect | undefined {
    for (const [q, suspect] of this.#suspects) {
      this.#suspects.delete(q);
      if (this.#wanted === null || this.#wanted.has(q)) return suspect;
    }
    if (this.#candidates === null) {
      this.#candidates = list();
      this.#cursor = 0;
      // Words no longer common go: at most the candidates are prepared.
      this.#wanted = new Set(this.#candidates);
      for (const q of [...this.#entries.keys()]) if (!this.#wanted.has(q)) this.#drop(q);
    }
    while (this.#cursor < this.#candidates.length) {
      const q = this.#candidates[this.#cursor++]!;
      if (!this.#entries.has(q)) return { q, entry: null, reparse: true };
    }
    return undefined;
  }

  /** Lists the candidates again at the next `next` (the index's words changed much since). */
  relist(): void {
    this.#candidates = null;
  }

  store(q: string, entry: PreparedEntry): void {
    this.#drop(q);
    this.#suspects.delete(q);
    this.#entries.set(q, entry);
    const { budget, read } = entry;
    if (budget === 1) {
      const first = q.charCodeAt(0);
      let set = this.#oneTypo.get(first);
      if (set === undefined) this.#oneTypo.set(first, (set = new Set()));
      set.add(q);
    } else if (budget >= 2) {
      this.#twoTypos.add(q);
    }
    for (const t of read) {
      let set = this.#byRead.get(t);
      if (set === undefined) this.#byRead.set(t, (set = new Set()));
      set.add(q);
    }
  }

  /** A seal merged writes: sets aside the rankings they may have changed (see the module comment). */
  noteWrite(changes: PreparedChanges): void {
    if (changes.vocabularyChanged) this.#vocabulary++;
    if (this.#entries.size === 0) return;
    const { wordOf, added, before } = changes;
    const terms = changes.terms();
    const newTerms = added[1] - added[0];
    const counted = new Set(terms?.counted ?? []);
    const list = new Set(terms?.gained ?? []);
    for (const t of counted) list.add(t);
    for (let t = added[0]; t < added[1] && list.size <= MAX_CHECKED_TERMS; t++) list.add(t);
    if (terms === null || list.size > MAX_CHECKED_TERMS) {
      // Too many to check: all set aside, parsed again (counts they read may have changed).
      for (const q of [...this.#entries.keys()]) this.#invalidate(q, before, true);
      return;
    }
    if (newTerms > 0) this.#splitsGained(changes);
    const words: string[] = [];
    for (const t of list) {
      const readers = this.#byRead.get(t);
      // A split word that gained documents is carried like any derivation; a changed count may
      // change the split chosen.
      if (readers !== undefined) for (const q of [...readers]) this.#invalidate(q, before, counted.has(t));
      const word = wordOf(t);
      if (word === undefined || word.length === 0) continue;
      // Queries the word extends (its prefixes, itself included).
      for (let i = 1; i <= word.length; i++) {
        const q = word.slice(0, i);
        if (this.#entries.has(q)) this.#invalidate(q, before);
      }
      words.push(word);
    }
    this.#typoNeighbours(words, before);
  }

  /**
   * Sets aside the queries with a prefix of a written word within their typos (the rows of each
   * query computed once for all the words).
   */
  #typoNeighbours(words: readonly string[], before: PreparedChanges['before']): void {
    const check = (q: string, budget: number, candidates: readonly string[]): void => {
      const rows = distanceRows(q, budget);
      if (candidates.some((w) => hasPrefixWithin(rows, w))) this.#invalidate(q, before);
    };
    // One typo keeps the first letter.
    const byFirst = new Map<number, string[]>();
    for (const w of words) {
      const first = w.charCodeAt(0);
      const list = byFirst.get(first);
      if (list === undefined) byFirst.set(first, [w]);
      else list.push(w);
    }
    for (const [first, candidates] of byFirst) for (const q of [...(this.#oneTypo.get(first) ?? [])]) check(q, 1, candidates);
    if (words.length > 0) for (const q of [...this.#twoTypos]) check(q, 2, words);
  }

  /**
   * A query allowing typos also matches two adjacent words it splits into ("sunflower": "sun
   * flower"); parsing read the document counts of the splits it found (see `read`), but a new
   * word can complete a split that was not there: it starts or ends such a query.
   */
  #splitsGained({ added, wordOf, before }: PreparedChanges): void {
    const words: string[] = [];
    for (let t = added[0]; t < added[1]; t++) {
      const w = wordOf(t);
      if (w !== undefined && w.length > 0) words.push(w);
    }
    if (words.length === 0) return;
    const splittable = [...this.#entries].filter(([q, entry]) => entry.budget > 0 && q.length >= MIN_SPLIT_LENGTH);
    for (const [q] of splittable) {
      // Many new words (a bulk write): every query that can split goes.
      if (words.length > MAX_SPLIT_CHECKED_WORDS || words.some((w) => w.length < q.length && (q.startsWith(w) || q.endsWith(w)))) this.#invalidate(q, before);
    }
  }

  /** Something else than a write changed the index (settings, renumbering, cleared): all go. */
  noteBreak(): void {
    this.#entries.clear();
    this.#oneTypo.clear();
    this.#twoTypos.clear();
    this.#byRead.clear();
    this.#suspects.clear();
    this.#candidates = null;
    this.#wanted = null;
  }

  #invalidate(q: string, before: PreparedChanges['before'], reparse = false): void {
    const entry = this.#drop(q);
    if (entry !== undefined) this.#suspects.set(q, { q, entry: { ...entry, ...before }, reparse });
    else if (reparse) {
      const suspect = this.#suspects.get(q);
      if (suspect !== undefined) suspect.reparse = true;
    }
  }

  #drop(q: string): PreparedEntry | undefined {
    const entry = this.#entries.get(q);
    if (entry === undefined) return undefined;
    this.#entries.delete(q);
    if (entry.budget === 1) this.#oneTypo.get(q.charCodeAt(0))?.delete(q);
    else if (entry.budget >= 2) this.#twoTypos.delete(q);
    for (const t of entry.read) this.#byRead.get(t)?.delete(q);
    return entry;
  }
}

/**
 * The prefixes (whole words included) of the index's words whose words are in at least
 * `minDocuments` documents together (counted per word), the most first, at most `max`.
 * `forEachWord` visits each word with its number of documents in lexicographic order.
 */
export function commonPrefixes(forEachWord: (visit: (word: string, documents: number) => void) => void, minDocuments: number, max: number): string[] {
  const found: Array<{ prefix: string; documents: number }> = [];
  // sums[i]: documents of the words seen so far that extend the previous word's first i+1 units.
  const sums: number[] = [];
  let previous = '';
  const close = (length: number): void => {
    while (sums.length > length) {
      const n = sums.length;
      const documents = sums.pop()!;
      const last = previous.charCodeAt(n - 1);
      // Half a surrogate pair is no query.
      if (documents >= minDocuments && !(last >= 0xd800 && last <= 0xdbff)) found.push({ prefix: previous.slice(0, n), documents });
    }
  };
  forEachWord((word, documents) => {
    if (documents === 0) return;
    let shared = 0;
    const m = Math.min(previous.length, word.length);
    while (shared < m && previous.charCodeAt(shared) === word.charCodeAt(shared)) shared++;
    close(shared);
    while (sums.length < word.length) sums.push(0);
    for (let i = 0; i < sums.length; i++) sums[i]! += documents;
    previous = word;
  });
  close(0);
  found.sort((a, b) => b.documents - a.documents || (a.prefix < b.prefix ? -1 : 1));
  return found.slice(0, max).map((f) => f.prefix);
}
