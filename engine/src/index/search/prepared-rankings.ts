import { forEachNearPrefix, prefixBlock } from '../near-prefixes.ts';
import { bestSplit, MIN_SPLIT_LENGTH } from './query-graph.ts';
import type { Derivation, PhraseAlternative, QueryWord, TypoLengths } from './query-terms.ts';

/**
 * Rankings of one-word queries prepared while the index is idle, before anyone searches them:
 * what FlexSearch builds at indexing time for every prefix of every word, here for the prefixes
 * (and whole words) whose words are in a few documents or more together, the most matched first,
 * up to a bound. A search for such a word (as typed: a prefix, the last word of the query) reads
 * its page from here without parsing or matching anything: a first search of a common query
 * would otherwise rank thousands of documents, and even a rare word's walks the word tree for
 * typos (~0.1 ms).
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
  minDocuments: 5,
  /**
   * The most queries prepared (the most matched first): a write sets aside the prepared queries
   * its words derive from, to be carried over it while idle, which costs with their number.
   */
  maxQueries: 16384,
  /**
   * Ranked documents kept per query matching more than maxTotalHits (those matching fewer keep
   * them all); a page beyond them is ranked by the full pipeline.
   */
  keptDocuments: 200,
  /**
   * External ids kept per query for the first hits (a page of the default limit): see
   * PreparedRanking.firstIds.
   */
  pageIds: 20,
  /**
   * Whether a query whose last word is prepared takes that word's derivations from its entry
   * (PreparedRankings.derivationsOf) instead of walking the word tree; tests turn it off to
   * compare the two.
   */
  derivations: true,
};

/** A derivation as one number: the term, then its typos and whether it is the word itself. */
export function derivationCode({ term, typos, exact }: Derivation): number {
  return term * 8 + typos * 2 + (exact ? 1 : 0);
}

export function packDerivations(word: QueryWord): Float64Array {
  return Float64Array.from(word.derivations, derivationCode);
}

export function unpackDerivations(codes: Float64Array): Derivation[] {
  return Array.from(codes, (code) => ({ term: Math.floor(code / 8), typos: (code >> 1) & 3, exact: (code & 1) === 1 }));
}

/**
 * A seal that changed more terms than this sets every prepared ranking aside rather than
 * checking them one by one against each word.
 */
export const MAX_CHECKED_TERMS = 4096;

/** The most typos a query word allows. */
const MAX_TYPOS = 2;

/** A query's first documents in rule order and its number of matches. */
export interface PreparedRanking {
  /** Internal ids, the first min(total, maxTotalHits, keptDocuments). */
  order: Uint32Array;
  /**
   * The external ids of the first `pageIds` of `order`, in one array: a first page read from
   * them looks no document up in the index's table of every id (171k on geonames-171k), whose
   * entries for a page are as many cache misses on a search's first read (geonames-171k's cold
   * plain p50 in the benchmark, `--kinds plain --engines ours,flexsearch`: median 0.0225 → 0.017
   * ms over fourteen runs each way, alternating).
   */
  firstIds: ReadonlyArray<string | undefined>;
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
  /**
   * The query word's derivations when ranked, packed (prepare-ranking.ts): as a parsed query's
   * objects they cost ~5 times the memory, for tens of thousands of entries.
   */
  derivations: Float64Array;
  /** Its split words (it has no synonyms), as parsed. */
  alternatives: readonly PhraseAlternative[];
  /** The vocabulary's version then (see PreparedRankings.vocabulary). */
  vocabulary: number;
  /** The epoch it is valid at, and the index's capacity then (later documents are newer). */
  epoch: number;
  capacity: number;
  /** Typos the query word allows. */
  budget: number;
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
  /** The term of a word of the index (in some document or not). */
  termOf(word: string): number | undefined;
  /** A term's number of documents, after the seal. */
  documents(term: number): number;
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
  /**
   * The candidates long enough to allow typos, in code-unit order: a write's typo and split
   * checks walk them (only those match a word through typos or splits; the prepared queries are
   * among the candidates: only candidates are prepared, and those no longer listed go).
   */
  #sorted: readonly string[] = [];
  /** The same, long enough to allow two typos. */
  #long: readonly string[] = [];
  /** The same spelled backwards, in code-unit order: the queries ending with a word are a block. */
  #reversed: readonly string[] = [];
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
   * The derivations of `word` as a query's last word (a prefix), when it is a prepared query:
   * what parsing it derives now, since an entry stays only while no write could change its
   * ranking, which its derivations make. A query of several words ending with a common word then
   * skips that word's walk of the word tree for typos (`francisco`, two typos: a third of a cold
   * `san francisco` on geonames-171k).
   */
  derivationsOf(word: string): Derivation[] | undefined {
    const entry = preparePolicy.derivations ? this.#entries.get(word) : undefined;
    return entry === undefined ? undefined : unpackDerivations(entry.derivations);
  }

  /**
   * The next query to prepare: a suspect one first (with its ranking from before the writes),
   * then candidates not prepared yet; undefined when all are. `list` gives the candidates when
   * they must be listed again.
   */
  next(list: () => string[], typoLengths: TypoLengths): Suspect | undefined {
    for (const [q, suspect] of this.#suspects) {
      this.#suspects.delete(q);
      if (this.#wanted === null || this.#wanted.has(q)) return suspect;
    }
    if (this.#candidates === null) {
      this.#candidates = list();
      const typed = this.#candidates.filter((q) => q.length >= typoLengths.one);
      this.#sorted = typed.sort();
      this.#long = this.#sorted.filter((q) => q.length >= typoLengths.two);
      this.#reversed = typed.map(backwards).sort();
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
  }

  /** A seal merged writes: sets aside the rankings they may have changed (see the module comment). */
  noteWrite(changes: PreparedChanges): void {
    if (changes.vocabularyChanged) this.#vocabulary++;
    if (this.#entries.size === 0) return;
    const { wordOf, termOf, added, before } = changes;
    const terms = changes.terms();
    const counted = new Set(terms?.counted ?? []);
    const list = new Set(terms?.gained ?? []);
    for (const t of counted) list.add(t);
    for (let t = added[0]; t < added[1] && list.size <= MAX_CHECKED_TERMS; t++) list.add(t);
    if (terms === null || list.size > MAX_CHECKED_TERMS) {
      // Too many to check: all set aside, parsed again (counts they read may have changed).
      for (const q of [...this.#entries.keys()]) this.#invalidate(q, before, true);
      return;
    }
    const words: string[] = [];
    for (const t of list) {
      const word = wordOf(t);
      if (word === undefined || word.length === 0) continue;
      // Queries the word extends (its prefixes, itself included): the counts parsing read of
      // the word and its extensions only tell whether they are in some document, which a
      // vocabulary change says.
      for (let i = 1; i <= word.length; i++) {
        const q = word.slice(0, i);
        if (this.#entries.has(q)) this.#invalidate(q, before);
      }
      // (A prefix row's prefix splits nothing.)
      if (termOf(word) === t) this.#splitsWith(word, t, changes, list, counted.has(t) || t >= added[0]);
      words.push(word);
    }
    this.#typoNeighbours(words, before);
  }

  /**
   * Sets aside the queries with a prefix of a written word within their typos. A typo on the
   * first letter costs two, so a query keeping it may be its budget away; one changing it must
   * allow two and is then one edit away at most. Walks of the sorted candidates per word
   * (near-prefixes.ts), the bound of each as small as its queries allow (a walk within one edit
   * stops two or three letters down where one within two goes on): within one edit, the block
   * sharing the word's first letter; within two, that block's queries allowing two; within one,
   * every other query allowing two.
   */
  #typoNeighbours(words: readonly string[], before: PreparedChanges['before']): void {
    const visit = (list: readonly string[], first: number, sameFirst: boolean) => (i: number, distance: number): void => {
      const q = list[i]!;
      if ((q.charCodeAt(0) === first) !== sameFirst) return;
      const budget = this.#entries.get(q)?.budget ?? 0;
      if (distance > 0 && distance <= budget && (sameFirst || budget >= 2)) this.#invalidate(q, before);
    };
    const [sorted, long] = [this.#sorted, this.#long];
    for (const w of words) {
      const first = w.charCodeAt(0);
      const letter = w.slice(0, 1);
      forEachNearPrefix(sorted, w, 1, visit(sorted, first, true), prefixBlock(sorted, letter));
      forEachNearPrefix(long, w, MAX_TYPOS, visit(long, first, true), prefixBlock(long, letter));
      forEachNearPrefix(long, w, 1, visit(long, first, false));
    }
  }

  /**
   * Sets aside the queries that split into `word` (term `t`) and another word: a query allowing
   * typos also matches two adjacent words it splits into ("sunflower": "sun flower"), the split
   * whose rarer word is in the most documents (query-graph.ts). The split chosen is a derivation
   * like any other: a document may have gained it when it gained both its words. A word whose
   * number of documents changed (`counted`, or a new word completing a split that was not there)
   * may change the split chosen: the query's split is chosen again from the counts after the
   * seal, and the query is parsed again only when that is another split. (Without a vocabulary
   * change, which parses every set-aside query again, counts change nothing else in a parse.
   * Parsing again whenever the chosen split's own words were counted, as before, parsed ~700
   * queries again per added document on debian-63k, each with its typo walk.)
   */
  #splitsWith(word: string, t: number, changes: PreparedChanges, changed: ReadonlySet<number>, counted: boolean): void {
    const { termOf, documents, before } = changes;
    const visit = (q: string, left: number, right: number): void => {
      const held = this.#entries.get(q) ?? this.#suspects.get(q)?.entry;
      if (held == null || held.budget === 0 || q.length < MIN_SPLIT_LENGTH) return;
      const chosen = held.alternatives.find((a) => a.typos > 0);
      if (counted) {
        const now = bestSplit(q, termOf, documents);
        const same = now === null ? chosen === undefined : chosen !== undefined && chosen.terms[0] === now[0] && chosen.terms[1] === now[1];
        if (!same) return this.#invalidate(q, before, true);
      }
      const isChosen = chosen !== undefined && chosen.terms[0] === left && chosen.terms[1] === right;
      if (isChosen && changed.has(left) && changed.has(right)) this.#invalidate(q, before);
    };
    // (Proper prefixes and suffixes: the other word is not empty.)
    const [start, end] = prefixBlock(this.#sorted, word);
    for (let i = start; i < end; i++) {
      const q = this.#sorted[i]!;
      const other = q.length > word.length ? termOf(q.slice(word.length)) : undefined;
      if (other !== undefined) visit(q, t, other);
    }
    const [rStart, rEnd] = prefixBlock(this.#reversed, backwards(word));
    for (let i = rStart; i < rEnd; i++) {
      const q = backwards(this.#reversed[i]!);
      const other = q.length > word.length ? termOf(q.slice(0, q.length - word.length)) : undefined;
      if (other !== undefined) visit(q, other, t);
    }
  }

  /** Something else than a write changed the index (settings, renumbering, cleared): all go. */
  noteBreak(): void {
    this.#entries.clear();
    this.#suspects.clear();
    this.#candidates = null;
    this.#sorted = [];
    this.#long = [];
    this.#reversed = [];
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

/** `s` spelled backwards, by UTF-16 code unit (only ever compared with strings reversed alike). */
function backwards(s: string): string {
  let r = '';
  for (let i = s.length - 1; i >= 0; i--) r += s[i];
  return r;
}
