import { DocLists } from './doc-lists.ts';
import { GrowableU32 } from './growable.ts';
import { hasDoc, type DocSet } from './doc-set.ts';
import type { Postings } from './postings.ts';

/**
 * Per document, the word terms of its postings pairs, recorded when they are sealed: a seal then
 * looks a removed document up in its words' rows and their prefix rows (prefix-rows.ts) only,
 * instead of binary-searching every row of the index for it (a quarter of a one-document replace
 * on geonames-171k, 132k rows).
 */
export class DocTerms {
  readonly #lists = new DocLists();
  /** Every document below it was sealed (set by each seal's record): one without a list had no pairs. */
  #recordedUpTo = 0;
  /** Documents whose pairs came in two runs (never seen; then their list would be partial). */
  #partial = new Set<number>();
  readonly #scratch = new GrowableU32(256);

  /** Bytes of the recorded lists (see DocLists). */
  get byteLength(): number {
    return this.#lists.byteLength;
  }

  /**
   * Before a seal: records the terms of the pending pairs of alive documents (the pairs of one
   * document are contiguous); every document below `capacity` is then sealed.
   */
  record(postings: Postings, alive: DocSet, capacity: number): void {
    const { count, term, doc } = postings.pending();
    for (let from = 0; from < count; ) {
      const d = doc[from]!;
      let to = from + 1;
      while (to < count && doc[to] === d) to++;
      if (hasDoc(alive, d)) {
        if (this.#lists.has(d)) this.#partial.add(d);
        else {
          // (DocLists sorts what it is given: not the pending log itself.)
          this.#scratch.grow(to - from);
          this.#scratch.data.set(term.subarray(from, to));
          this.#lists.set(d, this.#scratch.data, 0, to - from);
        }
      }
      from = to;
    }
    this.#recordedUpTo = capacity;
  }

  /**
   * The terms of the rows that may hold `doc`: its words' and the rows `prefixRowsOf` gives for
   * each (duplicates possible); null when not known.
   */
  rowsOf(doc: number, prefixRowsOf: (term: number) => readonly number[]): number[] | null {
    if (this.#partial.has(doc)) return null;
    const out: number[] = [];
    // Never sealed since the last clear: no pairs in any row.
    if (doc >= this.#recordedUpTo) return out;
    this.#lists.forEach(doc, (t) => {
      out.push(t);
      for (const r of prefixRowsOf(t)) out.push(r);
    });
    return out;
  }

  /** Applies a monotonic document renumbering (-1: gone) to `capacity` ids. */
  remapDocs(mapping: Int32Array, capacity: number): void {
    this.#lists.remapDocs(mapping, capacity);
    this.#partial = new Set([...this.#partial].map((d) => (d < mapping.length ? mapping[d]! : -1)).filter((d) => d >= 0));
  }

  /** Applies a term renumbering that keeps their order (-1: dropped). */
  remapTerms(mapping: Int32Array): void {
    this.#lists.remapValues(mapping);
  }

  clear(): void {
    this.#lists.clear();
    this.#recordedUpTo = 0;
    this.#partial = new Set();
  }
}
