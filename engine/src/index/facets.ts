import type { Document } from '../types/document.ts';
import { DocLists } from './doc-lists.ts';
import { GrowableU32, ensureLength, withRoom } from './growable.ts';
import { sortedIndexOf } from './postings.ts';
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
  docs: FacetList;
}

/**
 * The documents of one value of a field (`key`: the number or normalized string; null for the
 * field's EXISTS, IS NULL and IS EMPTY lists), with the slot under which documents record a
 * value's list (see FacetIndex's #docLists).
 */
export class FacetList extends GrowableU32 {
  readonly field: FacetField;
  readonly key: number | string | null;
  /** -1 until a document records the list. */
  slot = -1;

  constructor(field: FacetField, key: number | string | null) {
    super(4);
    this.field = field;
    this.key = key;
  }
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

/** A field's DocValues for documents below `capacity`, views of the `room` arrays. */
interface KeptDocValues {
  values: DocValues;
  capacity: number;
  room: { start: Uint32Array; values: Uint32Array };
}

export class FacetField {
  readonly strings = new Map<string, FacetString>();
  readonly numbers = new Map<number, FacetList>();
  readonly exists = new FacetList(this, null);
  readonly nulls = new FacetList(this, null);
  readonly empties = new FacetList(this, null);
  #sortedNumbers: Float64Array | null = null;
  #sortedStrings: string[] | null = null;
  /** Position of each string value in sortedStrings (built with it). */
  #stringIndex: Map<string, number> | null = null;
  /** Per-document structures and the capacity each covers: documents below it are in them. */
  /**
   * (`room`: the arrays the structures are views of, extended in place by writes: documents get
   * ids above every earlier one, so the views already handed out never see what is appended.)
   */
  readonly #sortRanks = new Map<'a' | 'd', { ranks: Uint32Array; capacity: number; room: Uint32Array }>();
  #docValues: KeptDocValues | null = null;
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
    let kept: KeptDocValues;
    if (cached !== null && added !== null) kept = this.#extendDocValues(cached, capacity, added);
    else {
      const values = this.#buildDocValues(capacity);
      kept = { values, capacity, room: { start: values.start, values: values.values } };
    }
    this.#docValues = kept;
    this.#covered = Math.max(this.#covered, capacity);
    return kept.values;
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

  /** `old` with the rows of the documents added in [old.capacity, capacity), appended in place. */
  #extendDocValues(
    old: KeptDocValues,
    capacity: number,
    added: Array<[doc: number, valueId: number]>,
  ): KeptDocValues {
    const from = old.capacity;
    // Each document's value ids ascending, as a fresh build lists them.
    added.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const used = old.values.start[from]!;
    const start = withRoom(old.room.start, from + 1, capacity + 1);
    const values = withRoom(old.room.values, used, used + added.length);
    let k = 0;
    for (let d = from; d < capacity; d++) {
      let end = start[d]!;
      for (; k < added.length && added[k]![0] === d; k++) values[end++] = added[k]![1];
      start[d + 1] = end;
    }
    const { numbers, strings } = old.values;
    return { values: { start: start.subarray(0, capacity + 1), values: values.subarray(0, start[capacity]!), numbers, strings }, capacity, room: { start, values } };
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
    let room: Uint32Array;
    if (cached !== undefined && added !== null) {
      room = withRoom(cached.room, cached.capacity, capacity);
      ranks = room.subarray(0, capacity);
      ranks.fill(0xffffffff, cached.capacity);
      const n = this.sortedNumbers().length;
      const s = this.sortedStrings().length;
      for (const [d, v] of added) {
        // The value's place in the sort direction (numbers first either way), as built below.
        const rank = ascending ? v : v < n ? n - 1 - v : n + (s - 1 - (v - n));
        if (rank < ranks[d]!) ranks[d] = rank;
      }
    } else {
      ranks = this.#buildSortRanks(ascending, capacity);
      room = ranks;
    }
    this.#sortRanks.set(key, { ranks, capacity, room });
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

/** Removed documents whose lists a seal cleans one by one; past it, it goes over every list. */
const REMOVED_LISTED = 256;

/** (document, value) pairs listed for extending per-document structures; past it they are built again. */
const ADDED_LISTED = 1 << 14;

/** Printable ASCII without surrounding spaces: facetKey is just lowercasing (NFKD is identity). */
const PLAIN_ASCII_RE = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;

/** facetKey with a shortcut for the common plain-ASCII value. */
function fastFacetKey(s: string): string {
  return s.length <= 468 && PLAIN_ASCII_RE.test(s) ? s.toLowerCase() : facetKey(s);
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

/**
 * Takes the distinct `docs` out of the ascending `list` (each found by binary search: a few
 * removals from a list of 171k documents need not look at every one); returns whether the list
 * is now empty.
 */
function removeSorted(list: GrowableU32, docs: number[]): boolean {
  const d = list.data;
  const at: number[] = [];
  for (const doc of docs) {
    const p = sortedIndexOf(d, 0, list.length, doc);
    if (p >= 0) at.push(p);
  }
  at.sort((a, b) => a - b);
  // Each kept stretch moves left by the number of positions dropped before it.
  let w = at.length === 0 ? list.length : at[0]!;
  for (let i = 0; i < at.length; i++) {
    const from = at[i]! + 1;
    const to = i + 1 < at.length ? at[i + 1]! : list.length;
    if (to > from) d.copyWithin(w, from, to);
    w += Math.max(0, to - from);
  }
  list.length = w;
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
  /** The documents removed since the last seal, or null when more than REMOVED_LISTED. */
  #removed: number[] | null = [];
  /** The largest id in any list: a document added below it makes the lists unsorted. */
  #largestDoc = -1;
  /**
   * Per document, the slots of the value lists it was added to: a seal after a few removals
   * cleans those lists only (going over every value, 171k names on geonames-171k, was half of a
   * one-document replace). A slot is given back when its list is forgotten; only documents
   * already removed can still name it, and those are not read again.
   */
  readonly #docLists = new DocLists();
  #listAt: Array<FacetList | undefined> = [];
  #freeSlots: number[] = [];
  /** Slots of the lists the document being added went into. */
  readonly #adding = new GrowableU32(64);

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
    if (doc < this.#largestDoc) this.#unsorted = true;
    else this.#largestDoc = doc;
    this.#adding.clear();
    forEachLeaf(document, (path, value, inArray) => this.#addLeaf(doc, path, value, inArray));
    // (Added twice, the document's lists are no longer all known: it is looked for everywhere.)
    if (this.#docLists.has(doc)) this.#docLists.delete(doc);
    else this.#docLists.set(doc, this.#adding.data, 0, this.#adding.length);
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
      if (this.isFaceted(parent)) this.#pushOnce(this.#fieldFor(parent).exists, doc);
    }
    // `_geo.lat` / `_geo.lng` are served from the lat/lng arrays (see filter-eval.ts): one
    // facet value per document would cost ~100 bytes each for nothing.
    if (!this.isFaceted(path) || path.startsWith('_geo.')) return;
    const field = this.#fieldFor(path);
    this.#pushOnce(field.exists, doc);
    if (value === null) {
      if (!inArray) this.#pushOnce(field.nulls, doc);
    } else if (value === EMPTY_CONTAINER) {
      if (!inArray) this.#pushOnce(field.empties, doc);
    } else if (typeof value === 'number') {
      if (!Number.isFinite(value)) return;
      let docs = field.numbers.get(value);
      if (docs === undefined) {
        docs = new FacetList(field, value);
        field.numbers.set(value, docs);
        field.invalidate();
      }
      if (this.#pushOnce(docs, doc)) field.noteAdded(doc, value);
    } else {
      const original = typeof value === 'boolean' ? String(value) : value;
      if (original === '') {
        if (!inArray) this.#pushOnce(field.empties, doc);
        return;
      }
      const key = fastFacetKey(original);
      let entry = field.strings.get(key);
      if (entry === undefined) {
        entry = { original, docs: new FacetList(field, key) };
        field.strings.set(key, entry);
        field.invalidate();
      }
      if (this.#pushOnce(entry.docs, doc)) field.noteAdded(doc, key);
    }
  }

  /**
   * Appends `doc` to `list` unless it is already last; whether it did. The lists of values are
   * noted for the document (EXISTS, IS NULL and IS EMPTY lists are few: a seal cleans them all).
   */
  #pushOnce(list: FacetList, doc: number): boolean {
    if (list.length !== 0 && list.data[list.length - 1] === doc) return false;
    list.push(doc);
    if (list.key === null) return true;
    if (list.slot < 0) {
      list.slot = this.#freeSlots.pop() ?? this.#listAt.length;
      this.#listAt[list.slot] = list;
    }
    this.#adding.push(list.slot);
    return true;
  }

  /** Drops removed documents from the lists, restores id order, forgets emptied values. */
  seal(isAlive: (doc: number) => boolean): void {
    const sort = this.#unsorted;
    const removed = this.#removed;
    if (!sort && removed !== null && removed.every((d) => this.#docLists.has(d))) this.#cleanListsOf(removed, isAlive);
    // Without removals or ids out of order the lists are already clean: going over every value
    // (171k names on geonames-171k) was most of a one-document write's seal.
    else if (this.#removedSinceSeal || sort) this.#cleanEveryList(isAlive, sort);
    else for (const field of this.fields.values()) field.invalidateDocs();
    if (removed !== null) for (const d of removed) this.#docLists.delete(d);
    this.#unsorted = false;
    this.#removedSinceSeal = false;
    this.#removed = [];
  }

  /**
   * The seal's clean-up when the value lists of every removed document are known: those lists,
   * and every field's EXISTS, IS NULL and IS EMPTY lists.
   */
  #cleanListsOf(removed: readonly number[], isAlive: (doc: number) => boolean): void {
    const dead = removed.filter((d) => !isAlive(d));
    const lists = new Map<FacetList, number[]>();
    for (const d of dead) {
      this.#docLists.forEach(d, (slot) => {
        const list = this.#listAt[slot]!;
        const docs = lists.get(list);
        if (docs === undefined) lists.set(list, [d]);
        else docs.push(d);
      });
    }
    const shrunk = new Set<FacetField>();
    for (const [list, docs] of lists) {
      if (!removeSorted(list, docs)) continue;
      const field = list.field;
      if (typeof list.key === 'number') field.numbers.delete(list.key);
      else field.strings.delete(list.key!);
      this.#forget(list);
      shrunk.add(field);
    }
    for (const field of this.fields.values()) {
      removeSorted(field.exists, dead);
      removeSorted(field.nulls, dead);
      removeSorted(field.empties, dead);
      if (shrunk.has(field)) field.invalidate();
      else field.invalidateDocs();
    }
  }

  #cleanEveryList(isAlive: (doc: number) => boolean, sort: boolean): void {
    for (const field of this.fields.values()) {
      const values = field.strings.size + field.numbers.size;
      // forEach, not for-of: an [key, value] array per value made ~15 MB of garbage per seal for
      // 171k values (deleting the visited entry is allowed).
      field.strings.forEach((entry, key) => {
        if (!cleanList(entry.docs, isAlive, sort)) return;
        field.strings.delete(key);
        this.#forget(entry.docs);
      });
      field.numbers.forEach((docs, key) => {
        if (!cleanList(docs, isAlive, sort)) return;
        field.numbers.delete(key);
        this.#forget(docs);
      });
      cleanList(field.exists, isAlive, sort);
      cleanList(field.nulls, isAlive, sort);
      cleanList(field.empties, isAlive, sort);
      // (A value that appeared since invalidated the field then.)
      if (field.strings.size + field.numbers.size !== values) field.invalidate();
      else field.invalidateDocs();
    }
  }

  /** A forgotten list gives its slot back. */
  #forget(list: FacetList): void {
    if (list.slot < 0) return;
    this.#listAt[list.slot] = undefined;
    this.#freeSlots.push(list.slot);
    list.slot = -1;
  }

  /** Applies a monotonic id renumbering (after seal: every listed document is alive). */
  remapDocs(mapping: Int32Array, capacity: number): void {
    this.#docLists.remapDocs(mapping, capacity);
    this.#largestDoc = capacity - 1;
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
    if (this.#removed !== null && this.#removed.length < REMOVED_LISTED) this.#removed.push(doc);
    else this.#removed = null;
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
    this.#removed = [];
    this.#largestDoc = -1;
    this.#docLists.clear();
    this.#listAt = [];
    this.#freeSlots = [];
  }
}
