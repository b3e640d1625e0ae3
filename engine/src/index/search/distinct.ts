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
    const field = facets.field(attribute);
    const lists: Array<{ data: Uint32Array; length: number }> = [];
    if (field !== undefined) {
      for (const docs of field.numbers.values()) lists.push(docs);
      for (const entry of field.strings.values()) lists.push(entry.docs);
    }
    const count = new Uint32Array(capacity + 1);
    for (const list of lists) for (let i = 0; i < list.length; i++) count[list.data[i]! + 1]!++;
    for (let d = 0; d < capacity; d++) count[d + 1]! += count[d]!;
    this.#start = count;
    this.#groups = new Uint32Array(count[capacity]!);
    const fill = count.slice(0, capacity);
    lists.forEach((list, g) => {
      for (let i = 0; i < list.length; i++) this.#groups[fill[list.data[i]!]!++] = g;
    });
    this.#seen = new Uint8Array(lists.length);
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
