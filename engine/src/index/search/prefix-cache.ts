import { countSet, intersectInPlace, type DocSet } from '../doc-set.ts';
import type { WordMatches } from './match-data.ts';
import type { Derivation, ParsedQuery, QueryWord } from './query-terms.ts';
import { carryRanking, type HeldRanking } from './ranked-carry.ts';
import { WriteJournal, type SpanChanges, type WriteChanges } from './write-journal.ts';

/**
 * Read caches of one index: parsed queries, query-word derivations and query rankings are
 * kept over writes that cannot change them (see noteWrite, ranked-carry.ts); everything goes at
 * a settings change or any other break of the write journal. Among them, the match data of
 * prefixes with many extensions, computed over every live document: since prefix rows
 * (prefix-rows.ts) serve the short, common prefixes ("t", "li", "lib") from indexing time, this
 * is left to longer prefixes (over 4 bytes) that still expand to up to 1000 words.
 */

/**
 * Prefix words with more derivations than `minDerivations` (100) are worth caching; tests lower
 * it. `rankedWords: false` turns the ranking cache off (tests compare against it).
 */
export const prefixCachePolicy = { minDerivations: 100, rankedWords: true };
/** Number of prefixes kept (least recently used dropped first). */
export const PREFIX_CACHE_SIZE = 16;
/** Prefixes remembered as asked for once: the second time their matches are kept. */
export const PREFIX_SEEN = 256;

/** Number of query words whose derivations are kept, and of parsed query strings. */
export const DERIVATION_CACHE_SIZE = 256;

/** The key of a query word's derivations: the word, NUL, then 1 for a prefix or 0 (noteWrite reads it back). */
export function derivationKey(text: string, isPrefix: boolean): string {
  return `${text}\u0000${isPrefix ? 1 : 0}`;
}

/**
 * Queries whose ranking is kept, and the most documents kept over all of them (each
 * keeps at most `pagination.maxTotalHits` documents, 1000 by default).
 */
export const RANKED_WORD_CACHE_SIZE = 512;
export const RANKED_WORD_CACHE_DOCS = 1 << 21;

/**
 * The ranked documents of a query (see rankedQueryKey in search.ts) over every live document:
 * the first min(total, maxTotalHits) documents in the order the ranking rules give them, and how
 * many documents match. For one word this is its posting list sorted by the rules (what
 * FlexSearch and milli's prefix databases prepare at indexing time), prepared by the first
 * search for it and carried over later writes that cannot change it (ranked-carry.ts): any later
 * unfiltered search for it reads its page from here.
 */
export type RankedWord = HeldRanking;

interface RankedEntry {
  ranked: RankedWord;
  /** The epoch the ranking is valid at. */
  epoch: number;
  /** Clock of the last use (least recently used entries go first). */
  used: number;
  /** A search that ranks it again (see staleRankings). */
  search: KeptSearch;
}

/** The parameters of a search whose ranking is kept (the rest are absent). */
export interface KeptSearch {
  q: string;
  matchingStrategy: 'last' | 'all' | 'frequency';
}

/** Rankings brought up to date when the index is idle: the most recently used, at most this many. */
export const REFRESHED_RANKINGS = 64;
/** Queries of several words remembered after one search (see shouldKeep). */
export const WANTED_RANKINGS = 512;

/**
 * What a write changed in the vocabulary, for the derivations of query words: whether words were
 * added (or prefix rows created), and which words went from no document to some or back (null:
 * too many to list).
 */
export interface VocabularyChanges {
  grew: boolean;
  flipped: string[] | null;
  /** Terms whose number of documents changed (null: too many to list). */
  counted: ReadonlySet<number> | null;
}

/** What parsing a query string read besides the vocabulary and settings. */
export interface ParseReads {
  /** Terms whose number of documents was read (choosing split words). */
  counts: number[];
  /** Keys of the derivations it took from the cache (see derivations). */
  derivationKeys: string[];
}

interface ParsedEntry {
  parsed: ParsedQuery;
  reads: ParseReads;
}

/** Documents an entry accounts for in RANKED_WORD_CACHE_DOCS (its set of matches counts too). */
function rankedSize(ranked: RankedWord): number {
  return ranked.order.length + (ranked.matched === null ? 0 : ranked.matched.length);
}

export class PrefixCache {
  // The caches a break empties are replaced, not cleared: V8's Map.clear links the table it
  // drops to the new one (for live iterators), so a table the collector has moved to the old
  // generation kept every later table, and the query data in them, through young-generation
  // collections until the next full one (the README's collector notes).
  #entries = new Map<string, WordMatches>();
  /** Prefixes whose matches were asked for once (see seenBefore). */
  #seen = new Set<string>();
  #derivations = new Map<string, Derivation[]>();
  #parsed = new Map<string, ParsedEntry>();
  #ranked = new Map<string, RankedEntry>();
  #rankedDocs = 0;
  #clock = 0;
  #epoch = -1;
  readonly #journal = new WriteJournal();
  #refreshing = false;
  /** Rankings a refresh found changed, with their last use, until it ranks them again. */
  readonly #dropped = new Map<string, number>();
  /** Queries of several words searched once, not ranked to keep yet. */
  #wanted = new Map<string, KeptSearch>();
  /** Rankings carried over writes, and dropped by them (for tests and benchmarks). */
  readonly carryStats = { carried: 0, dropped: 0 };

  /**
   * Rankings (see rankedWord), derivations and parsed queries (see noteWrite) survive writes;
   * the match data of prefixes is valid for one epoch.
   */
  #sync(epoch: number): void {
    if (epoch === this.#epoch) return;
    this.#entries = new Map<string, WordMatches>();
    this.#epoch = epoch;
  }

  /**
   * A seal moved the index to `epoch` with these changes (null: too many to list). A word's
   * derivations read the vocabulary (typos, extensions, synonyms) and, for a prefix, which
   * words extending it are in some document (and its prefix row's count of them): they are kept
   * unless the vocabulary grew or such a word came or went. A parsed query is kept when its
   * words' derivations are, and the document counts it read (split words) did not change.
   */
  noteWrite(epoch: number, changes: WriteChanges | null, vocabulary: VocabularyChanges): void {
    this.#journal.recordWrite(epoch, changes);
    const { flipped, counted } = vocabulary;
    if (changes === null || vocabulary.grew || flipped === null || counted === null) {
      this.#derivations = new Map<string, Derivation[]>();
      this.#parsed = new Map<string, ParsedEntry>();
      return;
    }
    if (flipped.length > 0) {
      for (const key of [...this.#derivations.keys()]) {
        const [text, prefix] = key.split('\u0000');
        if (prefix === '1' && flipped.some((w) => w.startsWith(text!))) this.#derivations.delete(key);
      }
    }
    for (const [q, { reads }] of [...this.#parsed]) {
      if (reads.counts.some((t) => counted.has(t)) || reads.derivationKeys.some((k) => !this.#derivations.has(k))) this.#parsed.delete(q);
    }
  }

  /** What was written since `epoch` (null: something else happened since, or it is forgotten). */
  writtenSince(epoch: number): SpanChanges | null {
    return this.#journal.changesSince(epoch);
  }

  /** Anything else moved the index to `epoch` (settings, renumbering, cleared, caches dropped). */
  noteBreak(epoch: number): void {
    this.#journal.recordBreak(epoch);
    this.#wanted = new Map<string, KeptSearch>();
    this.#seen = new Set<string>();
    this.#ranked = new Map<string, RankedEntry>();
    this.#rankedDocs = 0;
    this.#derivations = new Map<string, Derivation[]>();
    this.#parsed = new Map<string, ParsedEntry>();
  }

  /** A parsed query string (words, derivations, alternatives; never modified once built). */
  parsedQuery(q: string, epoch: number): ParsedQuery | undefined {
    this.#sync(epoch);
    return this.#parsed.get(q)?.parsed;
  }

  /** What parsing `q` read, while its parse is kept. */
  parseReads(q: string): ParseReads | undefined {
    return this.#parsed.get(q)?.reads;
  }

  setParsedQuery(q: string, epoch: number, parsed: ParsedQuery, reads: ParseReads): ParsedQuery {
    this.#sync(epoch);
    this.#parsed.set(q, { parsed, reads });
    if (this.#parsed.size > DERIVATION_CACHE_SIZE) this.#parsed.delete(this.#parsed.keys().next().value!);
    return parsed;
  }

  /**
   * The ranking of a query (see RankedWord), carried over the writes since it was built
   * when they cannot have changed it; `words` are the query's words as derived now.
   */
  rankedWord(key: string, epoch: number, words: readonly QueryWord[]): RankedWord | undefined {
    this.#sync(epoch);
    const hit = this.#ranked.get(key);
    if (hit === undefined) return undefined;
    if (hit.epoch !== epoch) {
      const changes = this.#journal.changesSince(hit.epoch);
      const carried = changes === null ? null : carryRanking(hit.ranked, words, changes);
      this.#rankedDocs -= rankedSize(hit.ranked);
      if (carried === null) {
        this.#ranked.delete(key);
        this.carryStats.dropped++;
        // A refresh ranks it again at once: it keeps its last use (see setRankedWord).
        if (this.#refreshing) this.#dropped.set(key, hit.used);
        return undefined;
      }
      this.carryStats.carried++;
      hit.ranked = carried;
      hit.epoch = epoch;
      this.#rankedDocs += rankedSize(carried);
    }
    if (!this.#refreshing) hit.used = ++this.#clock;
    return hit.ranked;
  }

  /**
   * The searches of the most recently used rankings that a write since may have changed
   * (REFRESHED_RANKINGS at most, most recent first): searching each again while the index is
   * idle (`refreshing`) carries it over the writes or ranks it again, so the next user search
   * reads it. The refresh does not count as a use.
   */
  staleRankings(epoch: number): Array<{ key: string; search: KeptSearch }> {
    const recent = [...this.#ranked].sort((a, b) => b[1].used - a[1].used).slice(0, REFRESHED_RANKINGS);
    const stale = recent.filter(([, e]) => e.epoch !== epoch).map(([key, e]) => ({ key, search: e.search }));
    // Then queries of several words searched once, the most recent first.
    const wanted = [...this.#wanted].reverse().slice(0, Math.max(0, REFRESHED_RANKINGS - stale.length));
    return [...stale, ...wanted.map(([key, search]) => ({ key, search }))];
  }

  /**
   * After a refresh searched `key`'s query: forgets the ranking if it is still from before
   * `epoch` (the query now derives differently), and the query as wanted.
   */
  dropStale(key: string, epoch: number): void {
    this.#wanted.delete(key);
    const entry = this.#ranked.get(key);
    if (entry === undefined || entry.epoch === epoch) return;
    this.#ranked.delete(key);
    this.#rankedDocs -= rankedSize(entry.ranked);
  }

  /**
   * Whether a search should rank the query `key` to keep it: one word always (ranking them all
   * costs about what a page does), several words when searched before (they are remembered,
   * WANTED_RANKINGS at most) or when refreshing.
   */
  shouldKeep(key: string, search: KeptSearch, words: number): boolean {
    const wanted = this.#wanted.delete(key);
    if (words === 1 || this.#refreshing || wanted) return true;
    this.#wanted.set(key, search);
    if (this.#wanted.size > WANTED_RANKINGS) this.#wanted.delete(this.#wanted.keys().next().value!);
    return false;
  }

  /** Set while the index refreshes stale rankings (see staleRankings). */
  set refreshing(on: boolean) {
    this.#refreshing = on;
    if (!on) this.#dropped.clear();
  }

  setRankedWord(key: string, epoch: number, ranked: RankedWord, search: KeptSearch): void {
    this.#sync(epoch);
    if (rankedSize(ranked) > RANKED_WORD_CACHE_DOCS) return;
    const old = this.#ranked.get(key);
    if (old !== undefined) this.#rankedDocs -= rankedSize(old.ranked);
    // Ranked again by a refresh: it keeps its place among the most recently used.
    const used = this.#refreshing ? (old?.used ?? this.#dropped.get(key) ?? 0) : ++this.#clock;
    this.#ranked.set(key, { ranked, epoch, used, search });
    this.#rankedDocs += rankedSize(ranked);
    // Over the bounds, drop the least recently used (a scan: only when a word is added).
    while (this.#ranked.size > RANKED_WORD_CACHE_SIZE || this.#rankedDocs > RANKED_WORD_CACHE_DOCS) {
      let oldest: string | undefined;
      let oldestUse = Infinity;
      for (const [k, entry] of this.#ranked) {
        if (entry.used < oldestUse) {
          oldestUse = entry.used;
          oldest = k;
        }
      }
      this.#rankedDocs -= rankedSize(this.#ranked.get(oldest!)!.ranked);
      this.#ranked.delete(oldest!);
    }
  }

  /** Forgets the ranking of `key` if no search has used it (it was ranked by a refresh). */
  forgetUnused(key: string): void {
    const entry = this.#ranked.get(key);
    if (entry === undefined || entry.used !== 0) return;
    this.#ranked.delete(key);
    this.#rankedDocs -= rankedSize(entry.ranked);
  }

  /**
   * Derivations of a query word (prefix extensions and typos cost a dictionary walk); `key` is
   * its derivationKey.
   */
  derivations(key: string, epoch: number, compute: () => Derivation[]): Derivation[] {
    this.#sync(epoch);
    let hit = this.#derivations.get(key);
    if (hit === undefined) {
      hit = compute();
      this.#derivations.set(key, hit);
      if (this.#derivations.size > DERIVATION_CACHE_SIZE) this.#derivations.delete(this.#derivations.keys().next().value!);
    }
    return hit;
  }

  /** Whether the matches of `key` were asked for before (remembered for the last PREFIX_SEEN keys). */
  seenBefore(key: string): boolean {
    if (this.#seen.delete(key)) return true;
    this.#seen.add(key);
    if (this.#seen.size > PREFIX_SEEN) this.#seen.delete(this.#seen.values().next().value!);
    return false;
  }

  /** The cached matches of `key` if the index has not changed since (`epoch`). */
  get(key: string, epoch: number): WordMatches | undefined {
    this.#sync(epoch);
    const hit = this.#entries.get(key);
    if (hit !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, hit);
    }
    return hit;
  }

  set(key: string, epoch: number, matches: WordMatches): void {
    this.#sync(epoch);
    this.#entries.set(key, matches);
    if (this.#entries.size > PREFIX_CACHE_SIZE) this.#entries.delete(this.#entries.keys().next().value!);
  }
}

/** Cached matches seen through `candidates`: shared per-document arrays, own document set. */
export function restrict(matches: WordMatches, candidates: DocSet, everything: boolean): WordMatches {
  if (everything) return matches;
  const docs = intersectInPlace(matches.docs.slice(), candidates);
  return { ...matches, docs, count: countSet(docs) };
}
