import { GrowableU32 } from './growable.ts';

/**
 * Per document, a set of small integers written once and read when the document is removed: the
 * term ids of its postings rows (postings.ts) and the slots of its facet lists (facets.ts). With
 * it, a seal after a few removals visits the rows and lists of those documents only, instead of
 * every row and every facet value of the index (one document replaced on geonames-171k: 13 ms,
 * mostly looking for it everywhere).
 *
 * Each set is kept ascending, delta-coded as LEB128 varints in one byte log, and a document costs
 * 4 bytes more (where its set starts). Removed documents' bytes stay in the log until the ids are
 * renumbered (`remapDocs`), which the core does once dead ids outnumber live ones, so the
 * garbage is bounded by the live part.
 */
export class DocLists {
  #bytes = new Uint8Array(1024);
  #length = 0;
  /** Per document: where its set starts in the log (NONE: no set recorded). */
  #start = new Uint32Array(0);

  /** Bytes held by the log (for stats and tests). */
  get byteLength(): number {
    return this.#length;
  }

  /** Whether `doc` has a recorded set (possibly empty). */
  has(doc: number): boolean {
    return doc < this.#start.length && this.#start[doc] !== NONE;
  }

  /**
   * Records the set of `doc` (which must have none): `values[from, to)`, sorted here in place
   * (duplicates kept once). Written as the number of values, then the first one and the
   * differences, all as varints.
   */
  set(doc: number, values: Uint32Array, from = 0, to = values.length): void {
    const list = values.subarray(from, to).sort();
    let unique = 0;
    for (let i = 0; i < list.length; i++) if (i === 0 || list[i] !== list[i - 1]) list[unique++] = list[i]!;
    this.#reserve(doc, 5 * (unique + 1));
    this.#start[doc] = this.#length;
    this.#write(unique);
    for (let i = 0; i < unique; i++) this.#write(i === 0 ? list[0]! : list[i]! - list[i - 1]!);
  }

  /** Calls `f` with each value of `doc`'s set, ascending (nothing when it has none). */
  forEach(doc: number, f: (value: number) => void): void {
    if (this.has(doc)) decode(this.#bytes, this.#start[doc]!, f);
  }

  /** Forgets `doc`'s set (its bytes stay in the log until the next renumbering). */
  delete(doc: number): void {
    if (doc < this.#start.length) this.#start[doc] = NONE;
  }

  /**
   * Applies a monotonic document renumbering (-1: the document is gone) to `capacity` ids,
   * dropping the bytes of every document not kept.
   */
  remapDocs(mapping: Int32Array, capacity: number): void {
    this.#rewrite(capacity, (old, set) => {
      for (let d = 0; d < Math.min(mapping.length, old.#start.length); d++) if (mapping[d]! >= 0 && old.has(d)) set(mapping[d]!, d, null);
    });
  }

  /**
   * Maps every value through `mapping` (old -> new, -1: dropped), which keeps their order (term
   * ids renumbered after dead terms are forgotten).
   */
  remapValues(mapping: Int32Array): void {
    this.#rewrite(this.#start.length, (old, set) => {
      for (let d = 0; d < old.#start.length; d++) if (old.has(d)) set(d, d, mapping);
    });
  }

  clear(): void {
    this.#bytes = new Uint8Array(1024);
    this.#length = 0;
    this.#start = new Uint32Array(0);
  }

  /**
   * A new log of `capacity` documents: `each` calls `set(to, from, mapping)` to give document
   * `to` the set `old` has for `from` (values mapped when `mapping` is given).
   */
  #rewrite(capacity: number, each: (old: DocLists, set: (to: number, from: number, mapping: Int32Array | null) => void) => void): void {
    const old = new DocLists();
    old.#bytes = this.#bytes;
    old.#length = this.#length;
    old.#start = this.#start;
    this.#bytes = new Uint8Array(Math.max(1024, this.#length));
    this.#length = 0;
    this.#start = new Uint32Array(capacity).fill(NONE);
    const buffer = new GrowableU32(64);
    each(old, (to, from, mapping) => {
      buffer.clear();
      old.forEach(from, (v) => {
        const value = mapping === null ? v : v < mapping.length ? mapping[v]! : -1;
        if (value >= 0) buffer.push(value);
      });
      this.set(to, buffer.data, 0, buffer.length);
    });
  }

  #reserve(doc: number, bytes: number): void {
    // (Grown by half: these are kept for the index's life, and doubling left a quarter unused on average.)
    if (this.#start.length <= doc) {
      const grown = new Uint32Array(Math.max(doc + 1, Math.ceil(this.#start.length * 1.5), 64)).fill(NONE);
      grown.set(this.#start);
      this.#start = grown;
    }
    if (this.#length + bytes > this.#bytes.length) {
      const grown = new Uint8Array(Math.max(this.#length + bytes, Math.ceil(this.#bytes.length * 1.5)));
      grown.set(this.#bytes.subarray(0, this.#length));
      this.#bytes = grown;
    }
  }

  #write(value: number): void {
    const bytes = this.#bytes;
    let v = value;
    while (v >= 0x80) {
      bytes[this.#length++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    bytes[this.#length++] = v;
  }
}

/** #start of a document without a recorded set. */
const NONE = 0xffffffff;

/** Calls `f` with each value of the set written at bytes[start] (see DocLists.set). */
function decode(bytes: Uint8Array, start: number, f: (value: number) => void): void {
  let p = start;
  const next = (): number => {
    let value = 0;
    let shift = 0;
    let b: number;
    do {
      b = bytes[p++]!;
      value += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b >= 0x80);
    return value;
  };
  const count = next();
  let value = 0;
  for (let i = 0; i < count; i++) {
    value = i === 0 ? next() : value + next();
    f(value);
  }
}
