import type { Document } from '../types/document.ts';
import { GrowableU32, ensureLength } from './growable.ts';
import { EMPTY_CONTAINER, forEachLeaf, type LeafValue } from './fields.ts';
import { RadixTree } from './term-dictionary.ts';
import { normalizeWord } from './tokenizer.ts';
import { compareFacetStrings, documentGeoPoint, facetKey } from '../filter/index.ts';

/**
 * The facet index: for every filterable, sortable or distinct attribute, which documents hold
 * which value. It answers filters (equality maps, sorted numeric keys for ranges), facet
 * distributions and stats, sort orders and distinct groups.
 *
 * String values are keyed by the filter module's facetKey (normalized and cut like milli's), so
 * a filter and the index agree, and remember the first original spelling, which facet
 * distributions show. Booleans are indexed as the strings "true"/"false", as Meilisearch does.
 * Document lists are appended in id order and cleaned of removed documents by `seal()`, like
 * the postings.
 */
export interface FacetString {
  original: string;
  docs: GrowableU32;
}

/**
 * Document -> values of one field, as compressed rows over value ids: value id i is the i-th
 * number in ascending order, then the strings in ascending order (the index order).
 */
export interface DocValues {
  start: Uint32Array;
  values: Uint32Array;
  numbers: Float64Array;
  strings: string[];
}

export class FacetField {
  readonly strings = new Map<string, FacetString>();
  readonly numbers = new Map<number, GrowableU32>();
  readonly exists = new GrowableU32();
  readonly nulls = new GrowableU32();
  readonly empties = new GrowableU32();
  #sortedNumbers: Float64Array | null = null;
  #sortedStrings: string[] | null = null;
  /** Position of each string value in sortedStrings (built with it). */
  #stringIndex: Map<string, number> | null = null;
  /** Per-document structures and the capacity each covers: documents below it are in them. */
  readonly #sortRanks = new Map<'a' | 'd', { ranks: Uint32Array; capacity: number }>();
  #docValues: { values: DocValues; capacity: number } | null = null;
  /**
   * (document, value) pairs added since the per-document structures were first built, so that
   * writes extend them with the new documents instead of building them again (documents only
   * get ids above every earlier one; removed ones are simply never read). Null when a document
   * came out of order or too many came: the next reader builds afresh.
   */
  #added: { docs: number[]; values: Array<number | string> } | null = { docs: [], values: [] };
  /** Largest capacity a per-document structure was built or extended for. */
  #covered = 0;
  /** Total (value, document) entries, numbers and strings. */
  #entries = -1;
  #searchTree: RadixTree<string[]> | null = null;

  /**
   * Facet search dictionary: string values folded like query words (lowercase, no diacritics)
   * -> their normalized keys. Built on first use, dropped when the field changes.
   */
  searchTree(): RadixTree<string[]> {
    if (this.#searchTree === null) {
      const tree = new RadixTree<string[]>();
      for (const [key, entry] of this.strings) {
        const folded = normalizeWord(entry.original);
        const keys = tree.get(folded);
        if (keys === undefined) tree.set(folded, [key]);
        else keys.push(key);
      }
      this.#searchTree = tree;
    }
    return this.#searchTree;
  }

  entryCount(): number {
    if (this.#entries < 0) {
      let n = 0;
      for (const docs of this.numbers.values()) n += docs.length;
      for (const entry of this.strings.values()) n += entry.docs.length;
      this.#entries = n;
    }
    return this.#entries;
  }

  /** The values of every document (kept until the field's values change, extended by writes). */
  docValues(capacity: number): DocValues {
    const cached = this.#docValues;
    if (cached !== null && cached.capacity === capacity) return cached.values;
    const added = this.#addedSince(cached?.capacity ?? -1, capacity);
    const values = cached !== null && added !== null ? this.#extendDocValues(cached.values, cached.capacity, capacity, added) : this.#buildDocValues(capacity);
    this.#docValues = { values, capacity };
    this.#covered = Math.max(this.#covered, capacity);
    return values;
  }

  #buildDocValues(capacity: number): DocValues {
    const numbers = this.sortedNumbers();
    const strings = this.sortedStrings();
    const lists = [...Array.from(numbers, (n) => this.numbers.get(n)!), ...strings.map((k) => this.strings.get(k)!.docs)];
    const start = new Uint32Array(capacity + 1);
    for (const list of lists) for (let i = 0; i < list.length; i++) if (list.data[i]! < capacity) start[list.data[i]! + 1]!++;
    for (let d = 0; d < capacity; d++) start[d + 1]! += start[d]!;
    const values = new Uint32Array(start[capacity]!);
    const fill = start.slice(0, capacity);
    lists.forEach((list, v) => {
      for (let i = 0; i < list.length; i++) if (list.data[i]! < capacity) values[fill[list.data[i]!]!++] = v;
    });
    return { start, values, numbers, strings };
  }

  /** `old` (documents below `from`) with the rows of the documents added in [from, capacity). */
  #extendDocValues(old: DocValues, from: number, capacity: number, added: Array<[doc: number, valueId: number]>): DocValues {
    // Each document's value ids ascending, as a fresh build lists them.
    added.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const start = new Uint32Array(capacity + 1);
    start.set(old.start.subarray(0, from + 1));
    const values = new Uint32Array(old.values.length + added.length);
    values.set(old.values);
    let k = 0;
    for (let d = from; d < capacity; d++) {
      let end = start[d]!;
      for (; k < added.length && added[k]![0] === d; k++) values[end++] = added[k]![1];
      start[d + 1] = end;
    }
    return { start, values: values.subarray(0, start[capacity]!), numbers: old.numbers, strings: old.strings };
  }

  /**
   * The (document, value id) pairs added for documents in [from, capacity), or null when they
   * are not all known (nothing built yet: `from` -1).
   */
  #addedSince(from: number, capacity: number): Array<[number, number]> | null {
    const added = this.#added;
    if (from < 0 || added === null || from > capacity) return null;
    const out: Array<[number, number]> = [];
    for (let i = 0; i < added.docs.length; i++) {
      const d = added.docs[i]!;
      if (d >= from && d < capacity) out.push([d, this.#valueId(added.values[i]!)]);
    }
    return out;
  }

  /** Value id (see DocValues) of a number or a normalized string key. */
  #valueId(value: number | string): number {
    const numbers = this.sortedNumbers();
    if (typeof value === 'string') {
      this.sortedStrings();
      return numbers.length + this.#stringIndex!.get(value)!;
    }
    let lo = 0;
    let hi = numbers.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (numbers[mid]! < value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** A (document, value) pair was added (see #added). */
  noteAdded(doc: number, value: number | string): void {
    const added = this.#added;
    if (added === null) return;
    if (doc < this.#covered || added.docs.length >= ADDED_LISTED) {
      this.#added = null;
      return;
    }
    added.docs.push(doc);
    added.values.push(value);
  }

  /** Distinct numeric values, ascending. */
  sortedNumbers(): Float64Array {
    if (this.#sortedNumbers === null) {
      this.#sortedNumbers = Float64Array.from(this.numbers.keys()).sort();
    }
    return this.#sortedNumbers;
  }

  /** Distinct normalized string values, ascending in Meilisearch's (UTF-8 byte) order. */
  sortedStrings(): string[] {
    if (this.#sortedStrings === null) {
      this.#sortedStrings = [...this.strings.keys()].sort(compareFacetStrings);
      this.#stringIndex = new Map(this.#sortedStrings.map((k, i) => [k, i]));
    }
    return this.#sortedStrings;
  }

  /** The field's values changed (one appeared or went): everything derived goes. */
  invalidate(): void {
    this.#sortedNumbers = null;
    this.#sortedStrings = null;
    this.#stringIndex = null;
    this.#searchTree = null;
    this.#sortRanks.clear();
    this.#docValues = null;
    this.#added = { docs: [], values: [] };
    this.#covered = 0;
    this.#entries = -1;
  }

  /**
   * Only which documents have the values changed: the values' order (sorting 171k distinct
   * names took 150 ms) and the facet search dictionary stay, and the per-document structures
   * are extended with the added documents when next read.
   */
  invalidateDocs(): void {
    this.#entries = -1;
    // Extending needs every addition since the structures were first built.
    if (this.#added === null) {
      this.#sortRanks.clear();
      this.#docValues = null;
      this.#added = { docs: [], values: [] };
      this.#covered = 0;
    }
  }

  /**
   * Rank of every document when sorting on this field (lower first); documents without a value
   * get 0xffffffff. Numbers come before strings in both directions, as in Meilisearch; a
   * document with several values takes the first one met in the sort direction.
   */
  sortRanks(ascending: boolean, capacity: number): Uint32Array {
    const key = ascending ? 'a' : 'd';
    const cached = this.#sortRanks.get(key);
    if (cached !== undefined && cached.capacity === capacity) return cached.ranks;
    const added = this.#addedSince(cached?.capacity ?? -1, capacity);
    let ranks: Uint32Array;
    if (cached !== undefined && added !== null) {
      ranks = new Uint32Array(capacity).fill(0xffffffff);
      ranks.set(cached.ranks);
      const n = this.sortedNumbers().length;
      const s = this.sortedStrings().length;
      for (const [d, v] of added) {
        // The value's place in the sort direction (numbers first either way), as built below.
        const rank = ascending ? v : v < n ? n - 1 - v : n + (s - 1 - (v - n));
        if (rank < ranks[d]!) ranks[d] = rank;
      }
    } else {
      ranks = this.#buildSortRanks(ascending, capacity);
    }
    this.#sortRanks.set(key, { ranks, capacity });
    this.#covered = Math.max(this.#covered, capacity);
    return ranks;
  }

  #buildSortRanks(ascending: boolean, capacity: number): Uint32Array {
    const ranks = new Uint32Array(capacity).fill(0xffffffff);
    let rank = 0;
    const assign = (docs: GrowableU32): void => {
      const d = docs.data;
      for (let i = 0; i < docs.length; i++) if (ranks[d[i]!] === 0xffffffff) ranks[d[i]!] = rank;
      rank++;
    };
    const numbers = this.sortedNumbers();
    if (ascending) for (let i = 0; i < numbers.length; i++) assign(this.numbers.get(numbers[i]!)!);
    else for (let i = numbers.length - 1; i >= 0; i--) assign(this.numbers.get(numbers[i]!)!);
    const strings = this.sortedStrings();
    if (ascending) for (let i = 0; i < strings.length; i++) assign(this.strings.get(strings[i]!)!.docs);
    else for (let i = strings.length - 1; i >= 0; i--) assign(this.strings.get(strings[i]!)!.docs);
    return ranks;
  }
}

/** (document, value) pairs listed for extending per-document structures; past it they are built again. */
const ADDED_LISTED = 1 << 14;

/** Printable ASCII without surrounding spaces: facetKey is just lowercasing (NFKD is identity). */
const PLAIN_ASCII_RE = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;

/** facetKey with a shortcut for the common plain-ASCII value. */
function fastFacetKey(s: string): string {
  return s.length <= 468 && PLAIN_ASCII_RE.test(s) ? s.toLowerCase() : facetKey(s);
}

/** Appends `doc` unless it is already last; whether it did. */
function pushOnce(list: GrowableU32, doc: number): boolean {
  if (list.length !== 0 && list.data[list.length - 1] === doc) return false;
  list.push(doc);
  return true;
}

/** Drops dead documents and restores ascending order; returns whether the list is now empty. */
function cleanList(list: GrowableU32, isAlive: (doc: number) => boolean, sort: boolean): boolean {
  const d = list.data;
  let w = 0;
  for (let i = 0; i < list.length; i++) if (isAlive(d[i]!)) d[w++] = d[i]!;
  list.length = w;
  if (sort && w > 1) {
    const v = d.subarray(0, w).sort();
    let u = 1;
    for (let i = 1; i < w; i++) if (v[i] !== v[u - 1]) v[u++] = v[i]!;
    list.length = u;
  }
  return w === 0;
}

export class FacetIndex {
  readonly fields = new Map<string, FacetField>();
  /** Latitude/longitude of `_geo` per document (NaN when absent). */
  lat = new Float64Array(0);
  lng = new Float64Array(0);
  readonly #isFaceted: (path: string) => boolean;
  readonly #facetedCache = new Map<string, boolean>();
  #unsorted = false;
  /** Whether a document was removed since the last seal (its ids are still in the lists). */
  #removedSinceSeal = false;
  #lastDoc = -1;

  constructor(isFaceted: (path: string) => boolean) {
    this.#isFaceted = isFaceted;
  }

  isFaceted(path: string): boolean {
    let v = this.#facetedCache.get(path);
    if (v === undefined) {
      v = this.#isFaceted(path);
      this.#facetedCache.set(path, v);
    }
    return v;
  }

  field(path: string): FacetField | undefined {
    return this.fields.get(path);
  }

  #fieldFor(path: string): FacetField {
    let f = this.fields.get(path);
    if (f === undefined) {
      f = new FacetField();
      this.fields.set(path, f);
    }
    return f;
  }

  addDocument(doc: number, document: Document): void {
    if (doc < this.#lastDoc) this.#unsorted = true;
    this.#lastDoc = doc;
    forEachLeaf(document, (path, value, inArray) => this.#addLeaf(doc, path, value, inArray));
    const point = documentGeoPoint(document);
    if (point !== null) {
      const { lat, lng } = point;
      {
        if (this.lat.length <= doc) {
          const oldLength = this.lat.length;
          this.lat = ensureLength(this.lat, doc + 1);
          this.lng = ensureLength(this.lng, doc + 1);
          this.lat.fill(NaN, oldLength);
          this.lng.fill(NaN, oldLength);
        }
        this.lat[doc] = lat;
        this.lng[doc] = lng;
      }
    }
  }

  /**
   * Facet semantics follow the filter module (and milli): numbers and strings never mix, booleans
   * are the strings "true"/"false", "" is not a string value, and null / empty values only count
   * for IS NULL / IS EMPTY when set directly on the key, not inside an array.
   */
  #addLeaf(doc: number, path: string, value: LeafValue, inArray: boolean): void {
    // EXISTS holds for the leaf path and each faceted parent (`a EXISTS` when `a.b` is set).
    for (let i = path.indexOf('.'); i !== -1; i = path.indexOf('.', i + 1)) {
      const parent = path.slice(0, i);
      if (this.isFaceted(parent)) pushOnce(this.#fieldFor(parent).exists, doc);
    }
    // `_geo.lat` / `_geo.lng` are served from the lat/lng arrays (see filter-eval.ts): one
    // facet value per document would cost ~100 bytes each for nothing.
    if (!this.isFaceted(path) || path.startsWith('_geo.')) return;
    const field = this.#fieldFor(path);
    pushOnce(field.exists, doc);
    if (value === null) {
      if (!inArray) pushOnce(field.nulls, doc);
    } else if (value === EMPTY_CONTAINER) {
      if (!inArray) pushOnce(field.empties, doc);
    } else if (typeof value === 'number') {
      if (!Number.isFinite(value)) return;
      let docs = field.numbers.get(value);
      if (docs === undefined) {
        docs = new GrowableU32(4);
        field.numbers.set(value, docs);
        field.invalidate();
      }
      if (pushOnce(docs, doc)) field.noteAdded(doc, value);
    } else {
      const original = typeof value === 'boolean' ? String(value) : value;
      if (original === '') {
        if (!inArray) pushOnce(field.empties, doc);
        return;
      }
      const key = fastFacetKey(original);
      let entry = field.strings.get(key);
      if (entry === undefined) {
        entry = { original, docs: new GrowableU32(4) };
        field.strings.set(key, entry);
        field.invalidate();
      }
      if (pushOnce(entry.docs, doc)) field.noteAdded(doc, key);
    }
  }

  /** Drops removed documents from every list, restores id order, forgets emptied values. */
  seal(isAlive: (doc: number) => boolean): void {
    const sort = this.#unsorted;
    // Without removals or ids out of order the lists are already clean: going over every value
    // (171k names on geonames-171k) was most of a one-document write's seal.
    const clean = this.#removedSinceSeal || sort;
    for (const field of this.fields.values()) {
      if (!clean) {
        field.invalidateDocs();
        continue;
      }
      const values = field.strings.size + field.numbers.size;
      // forEach, not for-of: an [key, value] array per value made ~15 MB of garbage per seal for
      // 171k values (deleting the visited entry is allowed).
      field.strings.forEach((entry, key) => {
        if (cleanList(entry.docs, isAlive, sort)) field.strings.delete(key);
      });
      field.numbers.forEach((docs, key) => {
        if (cleanList(docs, isAlive, sort)) field.numbers.delete(key);
      });
      cleanList(field.exists, isAlive, sort);
      cleanList(field.nulls, isAlive, sort);
      cleanList(field.empties, isAlive, sort);
      // (A value that appeared since invalidated the field then.)
      if (field.strings.size + field.numbers.size !== values) field.invalidate();
      else field.invalidateDocs();
    }
    this.#unsorted = false;
    this.#removedSinceSeal = false;
    this.#lastDoc = -1;
  }

  /** Applies a monotonic id renumbering (after seal: every listed document is alive). */
  remapDocs(mapping: Int32Array, capacity: number): void {
    const remap = (list: GrowableU32): void => {
      const d = list.data;
      for (let i = 0; i < list.length; i++) d[i] = mapping[d[i]!]!;
    };
    for (const field of this.fields.values()) {
      for (const entry of field.strings.values()) remap(entry.docs);
      for (const docs of field.numbers.values()) remap(docs);
      remap(field.exists);
      remap(field.nulls);
      remap(field.empties);
      field.invalidate();
    }
    const lat = new Float64Array(capacity).fill(NaN);
    const lng = new Float64Array(capacity).fill(NaN);
    for (let d = 0; d < Math.min(this.lat.length, mapping.length); d++) {
      const to = mapping[d]!;
      if (to >= 0) {
        lat[to] = this.lat[d]!;
        lng[to] = this.lng[d]!;
      }
    }
    this.lat = lat;
    this.lng = lng;
  }

  /** Document `doc` is no longer alive: the next seal drops it from the lists. */
  removeDocument(doc: number): void {
    this.#removedSinceSeal = true;
    if (doc < this.lat.length) {
      this.lat[doc] = NaN;
      this.lng[doc] = NaN;
    }
  }

  clear(): void {
    this.fields.clear();
    this.#facetedCache.clear();
    this.lat = new Float64Array(0);
    this.lng = new Float64Array(0);
    this.#unsorted = false;
    this.#removedSinceSeal = false;
    this.#lastDoc = -1;
  }
}
