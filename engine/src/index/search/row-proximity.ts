import { firstAtLeast, type Postings } from '../postings.ts';
import type { FieldRules } from './match-data.ts';
import type { QueryWord } from './query-terms.ts';
import { OccurrenceList } from './occurrence-list.ts';
import { slicePairProximity } from './ranking-rules.ts';

/** Tests turn reading proximity in the rows off, to compare with the occurrence chains. */
export const proximityPolicy = { fromRows: true };
/**
 * A row more than `gallopRatio` times longer than the ranked bucket is galloped through instead
 * of stepped through (tests force either way).
 */
export const rowProximityPolicy = { gallopRatio: 16 };

/**
 * Rows a query word may have for RowProximity: each costs a lookup per ranked document, where
 * chains cost a copy per occurrence. An exact word and its prefix row ("serv" and the row of
 * the words extending it) are two.
 */
const MAX_ROWS_PER_WORD = 4;

/**
 * The proximity rule read in the postings rows themselves, when every query word is a few rows
 * without typos: no phrase, no synonym or split alternative, and every field of the postings
 * searched, so that a document's occurrences of the word are exactly its pairs in those rows.
 * Two words' cost is then one merge of slices of `occ` (copied and sorted first only when a
 * document is in two rows of one word).
 *
 * Why: otherwise the matching pass copies every occurrence of every candidate into chains before
 * the rule can read them, and fills the match details of every document the rule ranks. For
 * `web serv` on debian-63k that is 1123 documents, of which the attribute rule after proximity
 * reads the 502 of the best bucket.
 */
export class RowProximity {
  readonly #postings: Postings;
  /** Rows of word i: entries firstRow[i] .. firstRow[i + 1] of rowStart/rowEnd. */
  readonly #firstRow: Int32Array;
  readonly #rowStart: Int32Array;
  readonly #rowEnd: Int32Array;
  /** Pair of each row (r) for each of the n documents ranked (k), at r * n + k; -1 when none. */
  #pairAt = new Int32Array(64);
  /** Per word, where its occurrences from several rows are merged. */
  readonly #merged: OccurrenceList[];

  constructor(rowsOfWords: readonly (readonly number[])[], postings: Postings) {
    const n = rowsOfWords.length;
    this.#postings = postings;
    this.#firstRow = new Int32Array(n + 1);
    const rows = rowsOfWords.flat();
    this.#rowStart = new Int32Array(rows.length);
    this.#rowEnd = new Int32Array(rows.length);
    let r = 0;
    for (let i = 0; i < n; i++) {
      for (const t of rowsOfWords[i]!) {
        // A term with no sealed row matches no document: an empty row.
        if (t < postings.sealedTermCount) {
          this.#rowStart[r] = postings.termStart[t]!;
          this.#rowEnd[r] = postings.termEnd[t]!;
        }
        r++;
      }
      this.#firstRow[i + 1] = r;
    }
    this.#merged = Array.from({ length: n }, () => new OccurrenceList());
  }

  /**
   * The proximity keys of `docs` into `out` (the rule's sum over consecutive active words).
   * Ascending documents (the usual bucket) are found in each row by one pass over the row.
   */
  keys(docs: ArrayLike<number>, activeMask: Uint32Array, out: Float64Array): void {
    const n = docs.length;
    for (let k = 1; k < n; k++) {
      if (docs[k]! < docs[k - 1]!) {
        for (let j = 0; j < n; j++) out[j] = this.key(docs[j]!, activeMask);
        return;
      }
    }
    const rows = this.#rowStart.length;
    if (this.#pairAt.length < rows * n) this.#pairAt = new Int32Array(Math.max(rows * n, 2 * this.#pairAt.length));
    const pairAt = this.#pairAt;
    const rowDocs = this.#postings.docs;
    for (let r = 0; r < rows; r++) {
      let p = this.#rowStart[r]!;
      const end = this.#rowEnd[r]!;
      const base = r * n;
      // A row much longer than the bucket (a filtered search, a small bucket) is galloped
      // through; otherwise stepped through, which costs less than galloping over short gaps.
      const sparse = end - p > rowProximityPolicy.gallopRatio * n;
      for (let k = 0; k < n; k++) {
        const d = docs[k]!;
        if (sparse) p = firstAtLeast(rowDocs, p, end, d);
        else while (p < end && rowDocs[p]! < d) p++;
        pairAt[base + k] = p < end && rowDocs[p] === d ? p : -1;
      }
    }
    for (let k = 0; k < n; k++) out[k] = this.#key(k, n, activeMask[docs[k]!]!);
  }

  /** The key of one document. */
  key(d: number, activeMask: Uint32Array): number {
    const rowDocs = this.#postings.docs;
    for (let r = 0; r < this.#rowStart.length; r++) {
      const end = this.#rowEnd[r]!;
      const p = firstAtLeast(rowDocs, this.#rowStart[r]!, end, d);
      this.#pairAt[r] = p < end && rowDocs[p] === d ? p : -1;
    }
    return this.#key(0, 1, activeMask[d]!);
  }

  /** The key of the k-th of n documents whose pairs are in pairAt. */
  #key(k: number, n: number, mask: number): number {
    const { occStart, occ } = this.#postings;
    const pairAt = this.#pairAt;
    const firstRow = this.#firstRow;
    let sum = 0;
    let prevSource = occ;
    let prevFrom = -1;
    let prevTo = 0;
    while (mask !== 0) {
      const i = 31 - Math.clz32(mask & -mask);
      mask &= mask - 1;
      // Word i's occurrences: its pair when in one of its rows (always, for an active word),
      // merged when in several.
      let found = -1;
      let rowsIn = 0;
      for (let r = firstRow[i]!, e = firstRow[i + 1]!; r < e; r++) {
        const p = pairAt[r * n + k]!;
        if (p >= 0) {
          found = p;
          rowsIn++;
        }
      }
      let source = occ;
      let from = found < 0 ? 0 : occStart[found]!;
      let to = found < 0 ? 0 : occStart[found + 1]!;
      if (rowsIn > 1) {
        const merged = this.#merge(i, k, n);
        source = merged.data;
        from = 0;
        to = merged.length;
      }
      if (prevFrom >= 0) sum += slicePairProximity(prevSource, prevFrom, prevTo, 0, source, from, to);
      prevSource = source;
      prevFrom = from;
      prevTo = to;
    }
    return sum;
  }

  /** Word i's occurrences in the k-th of n documents, from its rows, sorted. */
  #merge(i: number, k: number, n: number): OccurrenceList {
    const { occStart, occ } = this.#postings;
    const pairAt = this.#pairAt;
    let total = 0;
    for (let r = this.#firstRow[i]!; r < this.#firstRow[i + 1]!; r++) {
      const p = pairAt[r * n + k]!;
      if (p >= 0) total += occStart[p + 1]! - occStart[p]!;
    }
    // (Word i and the word before it may both be merged: one list each.)
    const merged = this.#merged[i]!.reset(total);
    const out = merged.data;
    let m = 0;
    for (let r = this.#firstRow[i]!; r < this.#firstRow[i + 1]!; r++) {
      const p = pairAt[r * n + k]!;
      if (p >= 0) for (let o = occStart[p]!; o < occStart[p + 1]!; o++) out[m++] = occ[o]!;
    }
    merged.length = m;
    return merged.sort();
  }
}

/** A RowProximity for `words` when each is a few rows without typos (see RowProximity), else null. */
export function rowProximityOf(words: readonly QueryWord[], postings: Postings, fields: FieldRules): RowProximity | null {
  if (!proximityPolicy.fromRows || fields.everyFieldMatches !== true || words.length < 2) return null;
  const rows: number[][] = [];
  for (const w of words) {
    if (w.phrase !== null || w.alternatives.length > 0 || w.derivations.length > MAX_ROWS_PER_WORD) return null;
    if (w.derivations.some((der) => der.typos > 0)) return null;
    rows.push(w.derivations.map((der) => der.term));
  }
  return new RowProximity(rows, postings);
}
