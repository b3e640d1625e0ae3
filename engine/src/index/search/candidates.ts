import { countSet, emptySet, hasDoc, intersectInPlace, setToArray, copySet, subtractInPlace, type DocSet } from '../doc-set.ts';
import type { CandidateList } from './bucket-sort.ts';
import type { WordMatches } from './match-data.ts';
import type { ScratchArrays } from './scratch.ts';

/**
 * The matching strategy decides which documents are candidates and, for each, which query
 * words are "active" (the words the ranking rules look at), as Meilisearch's query-graph
 * reductions do:
 *   last       drop words from the end: a document matching the first k words (k >= 1) is
 *              ranked on those k words; documents not matching the first word are out;
 *   all        every word must match;
 *   frequency  drop the most frequent words first; the rarest word must match.
 */
export type MatchingStrategy = 'last' | 'all' | 'frequency';

export interface Candidates {
  docs: Uint32Array;
  activeMask: Uint32Array;
  activeCount: Uint8Array;
}

function popcount(v: number): number {
  let n = 0;
  while (v !== 0) {
    v &= v - 1;
    n++;
  }
  return n;
}

export function selectCandidates(
  matches: WordMatches[],
  strategy: MatchingStrategy,
  capacity: number,
  scratch?: ScratchArrays,
  /**
   * The universe as an ascending list when it is a handful of documents: the kept word's
   * documents are listed from it instead of from the whole id space (`last`, `frequency`).
   */
  few?: Uint32Array,
): Candidates {
  const n = matches.length;
  const activeMask = scratch?.take(Uint32Array) ?? new Uint32Array(capacity);
  const activeCount = scratch?.take(Uint8Array) ?? new Uint8Array(capacity);
  const full = n >= 32 ? 0xffffffff : (1 << n) - 1;
  if (n === 0) return { docs: new Uint32Array(0), activeMask, activeCount };

  if (strategy === 'all') {
    const set: DocSet = copySet(matches[0]!.docs);
    for (let i = 1; i < n; i++) intersectInPlace(set, matches[i]!.docs);
    const docs = setToArray(set);
    for (let k = 0; k < docs.length; k++) {
      activeMask[docs[k]!] = full;
      activeCount[docs[k]!] = n;
    }
    return { docs, activeMask, activeCount };
  }

  // Removal order: from the end for `last`; by descending frequency for `frequency` (ties: the
  // later word goes first, like `last`).
  const order = Array.from({ length: n }, (_, i) => n - 1 - i);
  if (strategy === 'frequency') order.sort((a, b) => matches[b]!.count - matches[a]!.count || b - a);
  const kept = order[n - 1]!; // the word that is never removed
  const keptDocs = matches[kept]!.docs;
  const docs = few !== undefined ? few.filter((d) => hasDoc(keptDocs, d)) : setToArray(keptDocs);
  markActiveWords(docs, matches, order, activeMask, activeCount);
  return { docs, activeMask, activeCount };
}

/**
 * Each document's active words: every word, less words in removal order until all the rest
 * match it. A loop of its own: compiled on stack (OSR) in the middle of the first long call,
 * the loop inside selectCandidates left the code after it without type feedback, and that code
 * bailed out on every later call (~300-430 times while geonames-171k's prepared rankings were
 * made, `--trace-deopt`).
 */
function markActiveWords(docs: Uint32Array, matches: WordMatches[], order: number[], activeMask: Uint32Array, activeCount: Uint8Array): void {
  const n = matches.length;
  const full = n >= 32 ? 0xffffffff : (1 << n) - 1;
  for (let k = 0; k < docs.length; k++) {
    const d = docs[k]!;
    // Remove words in order until every remaining word matches the document (one word: none).
    let mask = full;
    for (let r = 0; r < n - 1; r++) {
      if (allMatch(matches, mask, d)) break;
      mask &= ~(1 << order[r]!);
    }
    activeMask[d] = mask;
    activeCount[d] = n === 1 ? 1 : popcount(mask);
  }
}

/**
 * selectCandidates for searches that rank only the top of their candidates: the documents at
 * once, but each document's active words only when a rule is about to read them (`prepare`),
 * and the words rule's buckets over all candidates straight from the words' document sets
 * (`wordBuckets`), without a key per candidate.
 */
export class LazyCandidates implements CandidateList {
  /** Number of candidates. */
  readonly count: number;
  #docs: Uint32Array | null = null;
  readonly activeMask: Uint32Array;
  readonly activeCount: Uint8Array;
  /** The candidates as a set. */
  readonly set: DocSet;
  readonly #matches: WordMatches[];
  /** Removal order (last / frequency); null when every candidate keeps every word (n = 1, all). */
  readonly #order: number[] | null;
  readonly #full: number;
  readonly #n: number;
  /** Documents whose active words are filled: marks equal to `#stamp` (or a set, without scratch). */
  readonly #prepared: Uint32Array;
  readonly #stamp: number;
  readonly #scratch: ScratchArrays | undefined;
  readonly #capacity: number;

  constructor(matches: WordMatches[], strategy: MatchingStrategy, capacity: number, scratch?: ScratchArrays) {
    const n = matches.length;
    this.#matches = matches;
    this.#n = n;
    this.#full = n >= 32 ? 0xffffffff : (1 << n) - 1;
    this.#scratch = scratch;
    this.#capacity = capacity;
    this.activeMask = scratch?.take(Uint32Array) ?? new Uint32Array(capacity);
    this.activeCount = scratch?.take(Uint8Array) ?? new Uint8Array(capacity);
    this.#prepared = scratch?.marks(0) ?? new Uint32Array(capacity);
    this.#stamp = scratch?.stamp() ?? 1;
    if (n === 0) {
      this.set = scratch?.bitset() ?? emptySet(capacity);
      this.#order = null;
    } else if (strategy === 'all' || n === 1) {
      const set: DocSet = scratch?.bitset() ?? emptySet(capacity);
      set.set(matches[0]!.docs);
      for (let i = 1; i < n; i++) intersectInPlace(set, matches[i]!.docs);
      this.set = set;
      this.#order = null;
    } else {
      const order = Array.from({ length: n }, (_, i) => n - 1 - i);
      if (strategy === 'frequency') order.sort((a, b) => matches[b]!.count - matches[a]!.count || b - a);
      this.#order = order;
      this.set = matches[order[n - 1]!]!.docs;
    }
    this.count = this.#order !== null ? matches[this.#order[n - 1]!]!.count : countSet(this.set);
  }

  /** The candidates, ascending (made when first asked for: the words rule may not need them). */
  docs(): Uint32Array {
    this.#docs ??= setToArray(this.set);
    return this.#docs;
  }

  /** Fills the active words of `docs` (candidates) not filled yet. */
  prepare(docs: ArrayLike<number>): void {
    const prepared = this.#prepared;
    const stamp = this.#stamp;
    const order = this.#order;
    const n = this.#n;
    for (let k = 0; k < docs.length; k++) {
      const d = docs[k]!;
      if (prepared[d] === stamp) continue;
      prepared[d] = stamp;
      let mask = this.#full;
      if (order !== null) {
        for (let r = 0; r < n - 1; r++) {
          if (allMatch(this.#matches, mask, d)) break;
          mask &= ~(1 << order[r]!);
        }
      }
      this.activeMask[d] = mask;
      this.activeCount[d] = popcount(mask);
    }
  }

  /**
   * The words rule's buckets of all candidates, best first (key = number of words removed),
   * each ascending: bucket k holds the documents matching every word left after removing k
   * words in removal order, but not those left after removing k - 1. Computed when reached.
   */
  *wordBuckets(): Generator<[number, Uint32Array]> {
    const order = this.#order;
    if (order === null) {
      yield [0, this.docs()];
      return;
    }
    const n = this.#n;
    // within[k] = documents matching every word left after removing k words.
    const within: DocSet[] = new Array(n);
    within[n - 1] = this.set;
    for (let k = n - 2; k >= 0; k--) {
      const set: DocSet = this.#scratch?.bitset() ?? emptySet(this.#capacity);
      set.set(within[k + 1]!);
      within[k] = intersectInPlace(set, this.#matches[order[k]!]!.docs);
    }
    // Buckets only live while the search ranks: from the scratch lists when there are some.
    const alloc = this.#scratch?.list;
    yield [0, setToArray(within[0]!, Infinity, alloc)];
    for (let k = 1; k < n; k++) {
      const bucket: DocSet = this.#scratch?.bitset() ?? emptySet(this.#capacity);
      bucket.set(within[k]!);
      yield [k, setToArray(subtractInPlace(bucket, within[k - 1]!), Infinity, alloc)];
    }
  }
}

function allMatch(matches: WordMatches[], mask: number, d: number): boolean {
  const word = d >>> 5;
  const bit = 1 << (d & 31);
  let m = mask;
  while (m !== 0) {
    const i = 31 - Math.clz32(m & -m);
    m &= m - 1;
    if ((matches[i]!.docs[word]! & bit) === 0) return false;
  }
  return true;
}

export { countSet };
