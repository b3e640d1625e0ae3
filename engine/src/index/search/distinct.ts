import type { FacetIndex } from '../facets.ts';

/**
 * The distinct attribute: among documents sharing a value of the attribute, only the best ranked
 * one is kept. A document with several values (an array) is dropped when any of them was already
 * taken; documents without the attribute are always kept, as in Meilisearch.
 */
export class DistinctFilter {
  /** CSR: groups of document d are groups[start[d] .. start[d+1]). */
  readonly #start: Uint32Array;
  readonly #groups: Uint32Array;
  #seen: Uint8Array;

  constructor(facets: FacetIndex, attribute: string, capacity: number) {
    const values = facets.field(attribute)?.docValues(capacity);
    this.#start = values?.start ?? new Uint32Array(capacity + 1);
    this.#groups = values?.values ?? new Uint32Array(0);
    this.#seen = new Uint8Array(values === undefined ? 0 : values.numbers.length + values.strings.length);
  }

  /** True if `doc` is the first of its group(s); records its groups. */
  admit(doc: number): boolean {
    const a = this.#start[doc] ?? 0;
    const b = this.#start[doc + 1] ?? a;
    for (let i = a; i < b; i++) if (this.#seen[this.#groups[i]!] === 1) return false;
    for (let i = a; i < b; i++) this.#seen[this.#groups[i]!] = 1;
    return true;
  }

  /** How many of `docs` survive distinct, in the given order (does not disturb admit's state). */
  countDistinct(docs: Uint32Array): number {
    const saved = this.#seen;
    this.#seen = new Uint8Array(saved.length);
    let n = 0;
    for (const d of docs) if (this.admit(d)) n++;
    this.#seen = saved;
    return n;
  }
}
