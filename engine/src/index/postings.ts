import { GrowableU32 } from './growable.ts';

/**
 * The inverted index: term id -> documents -> occurrences (attribute and word position).
 *
 * Layout. Searches read a "sealed" form, rows of (term, document) pairs, large rows with room
 * to grow (rowRoom):
 *   termStart[t] .. termEnd[t]       the pairs (term t, document) of term t, by ascending doc id;
 *                                    the row owns the slots up to slotEnd[t] (laid out, that is
 *                                    termStart[t + 1]; a row moved to the end leaves its old
 *                                    slots unused until the rows are laid out again)
 *   termStart[termCount]             the end of the slots in use: the spare room starts there
 *   docs[p]                          the document of pair p
 *   occStart[p] .. occStart[p+1]     the occurrences of pair p in `occ` (for p < termEnd[t]:
 *                                    occStart[termEnd[t]] is where the row's occurrences end,
 *                                    occStart[slotEnd[t]] where its room for them ends;
 *                                    the two are one slot when the row is full)
 *   occ[k]                           (fieldId << 16) | position, ascending (so grouped by field)
 * Writes append to a pending log of pairs; `seal()` merges the log into the rows. Documents are
 * never updated in place: the index gives a replaced document a new internal id, larger than
 * every sealed one, so a write's pairs go at the end of their rows and the old id only has to
 * disappear. A small write (a few removed documents) is merged in place, in time proportional
 * to the rows it touches: a row without room for its new pairs is moved to the spare room at
 * the end, with room again; when that is used up, or after many removals, the seal lays every
 * row out again with new room, in one linear pass. The first search after a batch of writes pays for it.
 */
export const FIELD_SHIFT = 16;
export const POSITION_MASK = 0xffff;

export function packOccurrence(fieldId: number, position: number): number {
  return ((fieldId << FIELD_SHIFT) | position) >>> 0;
}

/** Indices of the pending pairs ordered by document (stable counting sort on dense ids). */
function pendingOrderByDoc(pDoc: Uint32Array, count: number): Uint32Array {
  let max = 0;
  for (let p = 0; p < count; p++) if (pDoc[p]! > max) max = pDoc[p]!;
  const start = new Uint32Array(max + 2);
  for (let p = 0; p < count; p++) start[pDoc[p]! + 1]!++;
  for (let d = 0; d <= max; d++) start[d + 1]! += start[d]!;
  const order = new Uint32Array(count);
  for (let p = 0; p < count; p++) order[start[pDoc[p]!]!++] = p;
  return order;
}

/**
 * Pairs to add at the next seal besides the pending log, built by the caller (prefix rows), in
 * ascending document order within each term (not necessarily overall): the seal scatters them
 * to their rows as they come.
 */
export class ExtraPairs {
  readonly term = new GrowableU32(1024);
  readonly doc = new GrowableU32(1024);
  /** Start of each pair's occurrences in `occ`; the end is the next pair's start (or occ.length). */
  readonly occStart = new GrowableU32(1024);
  readonly occ = new GrowableU32(4096);

  get count(): number {
    return this.term.length;
  }

  /** Starts the pair (term, doc); its occurrences follow through `occ.push` (ascending). */
  begin(term: number, doc: number): void {
    this.term.push(term);
    this.doc.push(doc);
    this.occStart.push(this.occ.length);
  }
}

/**
 * What the last seal changed, for read caches that outlive a write (search/ranked-carry.ts,
 * search/prefix-cache.ts): terms that gained (term, document) pairs, and terms found in some
 * document before and none after, or the reverse. Null when too many to list.
 */
export interface SealChanges {
  /** Documents the seal dropped (removed since the one before). */
  removed: readonly number[] | null;
  gained: Set<number> | null;
  flipped: number[] | null;
  /** Terms whose number of documents changed (flipped ones included). */
  counted: Set<number> | null;
}

/** The arrays of a sealed form (see Postings). */
interface Rows {
  termStart: Uint32Array;
  termEnd: Uint32Array;
  slotEnd: Uint32Array;
  docs: Uint32Array;
  occStart: Uint32Array;
  occ: Uint32Array;
}

/** Removed documents listed between seals (for the seal and for read caches; SealChanges). */
const REMOVED_LISTED = 1024;
/** Up to this many removed documents, a seal looks each up in every row instead of checking every pair. */
const REMOVED_LOOKED_UP = 32;

/**
 * Rows of at least `minPairs` pairs are laid out with room to grow (1/16 of their pairs and
 * occurrences, plus a slot past the last pair); smaller rows are laid out tight, as most of a
 * large vocabulary's rows hold one or two pairs (a vocabulary of random words: 2.6 M terms,
 * 6.6 M pairs, 110 MB tight, 212 MB with room in every row). A tight row still takes back in
 * place what a removal freed, when the new pairs fill it exactly (a document replaced with
 * the same words).
 */
export const rowRoom = {
  /** Rows of at least this many pairs get room (tests lower it to reach in-place appends often). */
  minPairs: 16,
  /** Room for 1/2^shift of the row's pairs and occurrences. */
  shift: 4,
};

/** Slots a row of `pairs` pairs is laid out with (see rowRoom). */
function rowSlots(pairs: number): number {
  return pairs < rowRoom.minPairs ? pairs : pairs + 1 + (pairs >>> rowRoom.shift);
}

/** Occurrences a row of `pairs` pairs holding `occs` of them is laid out with. */
function rowOccs(pairs: number, occs: number): number {
  return pairs < rowRoom.minPairs ? occs : occs + 4 + (occs >>> rowRoom.shift);
}

/** Spare room at the end of the arrays, for the rows of terms added by later writes. */
function tailRoom(used: number): number {
  return 1024 + (used >>> 5);
}

/** Index of `value` among the ascending values[start, end) (a row's documents, a pair's occurrences), or -1. */
export function sortedIndexOf(values: Uint32Array, start: number, end: number, value: number): number {
  let lo = start;
  let hi = end - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = values[mid]!;
    if (v === value) return mid;
    if (v < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/**
 * The first position in ascending values[lo, end) holding `value` or more (`end` when none):
 * galloping from `lo`, then binary search, so a walk of ascending lookups costs the log of each
 * step, not of the whole range.
 */
export function firstAtLeast(values: Uint32Array, lo: number, end: number, value: number): number {
  // A few steps one by one first: a dense walk's next value is usually near.
  for (const stop = Math.min(end, lo + 4); lo < stop; lo++) if (values[lo]! >= value) return lo;
  let step = 1;
  let hi = lo;
  while (hi < end && values[hi]! < value) {
    lo = hi + 1;
    hi += step;
    step *= 2;
  }
  if (hi > end) hi = end;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Alive documents among docs[start, end). */
function countAlive(docs: Uint32Array, start: number, end: number, alive: Uint32Array): number {
  let n = 0;
  for (let p = start; p < end; p++) {
    const d = docs[p]!;
    if ((alive[d >>> 5]! & (1 << (d & 31))) !== 0) n++;
  }
  return n;
}

/** Occurrences of the alive pairs among [start, end). */
function aliveOccurrences(docs: Uint32Array, occStart: Uint32Array, start: number, end: number, alive: Uint32Array): number {
  let n = 0;
  for (let p = start; p < end; p++) {
    const d = docs[p]!;
    if ((alive[d >>> 5]! & (1 << (d & 31))) !== 0) n += occStart[p + 1]! - occStart[p]!;
  }
  return n;
}

/**
 * Empty rows for `termCount` terms, row t with room for pairCount[t] pairs and occCount[t]
 * occurrences (rowSlots, rowOccs), and spare room at the end.
 */
function layOut(termCount: number, pairCount: ArrayLike<number>, occCount: ArrayLike<number>): Rows {
  const termStart = new Uint32Array(termCount + 1);
  let slots = 0;
  let occs = 0;
  for (let t = 0; t < termCount; t++) {
    termStart[t] = slots;
    slots += rowSlots(pairCount[t]!);
    occs += rowOccs(pairCount[t]!, occCount[t]!);
  }
  termStart[termCount] = slots;
  const occStart = new Uint32Array(slots + tailRoom(slots) + 1);
  let base = 0;
  for (let t = 0; t < termCount; t++) {
    occStart[termStart[t]!] = base;
    base += rowOccs(pairCount[t]!, occCount[t]!);
  }
  occStart[slots] = base;
  return {
    termStart,
    termEnd: termStart.slice(0, termCount),
    slotEnd: termStart.slice(1, termCount + 1),
    docs: new Uint32Array(slots + tailRoom(slots)),
    occStart,
    occ: new Uint32Array(occs + tailRoom(occs)),
  };
}

/** Appends the pair (row t, document d) with the occurrences src[from, to) (room is the caller's). */
function appendPair(rows: Rows, t: number, d: number, src: Uint32Array, from: number, to: number): void {
  const e = rows.termEnd[t]!;
  rows.docs[e] = d;
  let o = rows.occStart[e]!;
  const occ = rows.occ;
  for (let i = from; i < to; i++) occ[o++] = src[i]!;
  rows.occStart[e + 1] = o;
  rows.termEnd[t] = e + 1;
}

/** Appends row t of `from`, whole, to row u of `to` (which has room for it). */
function copyRow(from: Rows, t: number, to: Rows, u: number): void {
  const s = from.termStart[t]!;
  const e = from.termEnd[t]!;
  const w = to.termEnd[u]!;
  const first = from.occStart[s]!;
  const last = from.occStart[e]!;
  const wo = to.occStart[w]!;
  to.docs.set(from.docs.subarray(s, e), w);
  to.occ.set(from.occ.subarray(first, last), wo);
  const shift = wo - first;
  const src = from.occStart;
  const dst = to.occStart;
  for (let p = s; p <= e; p++) dst[w + p - s] = src[p]! + shift;
  to.termEnd[u] = w + (e - s);
}

/** Appends the alive pairs of row t of `from` to row t of `to`. */
function copyAlivePairs(from: Rows, to: Rows, t: number, alive: Uint32Array): void {
  const { docs, occStart, occ } = from;
  for (let p = from.termStart[t]!, e = from.termEnd[t]!; p < e; p++) {
    const d = docs[p]!;
    if ((alive[d >>> 5]! & (1 << (d & 31))) !== 0) appendPair(to, t, d, occ, occStart[p]!, occStart[p + 1]!);
  }
}

/**
 * Moves row t to the end of the slots in use (termStart[terms], which it advances), with `slots`
 * slots and room for `occs` occurrences; its old slots are left unused.
 */
function moveToEnd(rows: Rows, t: number, terms: number, slots: number, occs: number): void {
  const { termStart, termEnd, slotEnd, docs, occStart, occ } = rows;
  const s = termStart[t]!;
  const e = termEnd[t]!;
  const at = termStart[terms]!;
  const atOcc = occStart[at]!;
  docs.copyWithin(at, s, e);
  occ.copyWithin(atOcc, occStart[s]!, occStart[e]!);
  const shift = atOcc - occStart[s]!;
  for (let p = e; p >= s; p--) occStart[at + p - s] = occStart[p]! + shift;
  termStart[t] = at;
  termEnd[t] = at + (e - s);
  slotEnd[t] = at + slots;
  termStart[terms] = slotEnd[t]!;
  occStart[slotEnd[t]!] = atOcc + occs;
}

/** Removes pair p from its row t, moving the pairs after it (and their occurrences) back. */
function removePair(rows: Rows, t: number, p: number): void {
  const { docs, occStart, occ } = rows;
  const e = rows.termEnd[t]!;
  const gap = occStart[p + 1]! - occStart[p]!;
  occ.copyWithin(occStart[p]!, occStart[p + 1]!, occStart[e]!);
  docs.copyWithin(p, p + 1, e);
  for (let q = p; q < e; q++) occStart[q] = occStart[q + 1]! - gap;
  rows.termEnd[t] = e - 1;
}

/** Past these, a seal's changes are not listed (a bulk write: caches start over). */
const MAX_GAINED_TERMS = 1 << 16;
const MAX_FLIPPED_TERMS = 4096;

/**
 * What a seal changed, as SealChanges lists it: the terms that received pairs (`received[t] >
 * 0`), and among `count` old terms (`termAt(i)`), those whose pair count changed from `before`.
 */
function sealChanges(received: Uint32Array, count: number, termAt: (i: number) => number, before: (t: number) => number, rows: Rows): Omit<SealChanges, 'removed'> {
  const none = { gained: null, flipped: null, counted: null };
  const gained = new Set<number>();
  for (let t = 0; t < received.length; t++) {
    if (received[t] === 0) continue;
    gained.add(t);
    if (gained.size > MAX_GAINED_TERMS) return none;
  }
  let flipped: number[] | null = [];
  const counted = new Set<number>();
  for (let i = 0; i < count; i++) {
    const t = termAt(i);
    const was = before(t);
    const now = rows.termEnd[t]! - rows.termStart[t]!;
    if (was === now) continue;
    counted.add(t);
    if (counted.size > MAX_GAINED_TERMS) return none;
    if (was > 0 === now > 0 || flipped === null) continue;
    if (flipped.length === MAX_FLIPPED_TERMS) flipped = null;
    else flipped.push(t);
  }
  return { gained, flipped, counted };
}

/** The pairs a seal adds: the pending log and the extra pairs, both read as they are. */
interface Incoming {
  pCount: number;
  pTerm: Uint32Array;
  pDoc: Uint32Array;
  pOccStart: Uint32Array;
  pOcc: Uint32Array;
  /** Pending pairs in document order (null: they already are). */
  order: Uint32Array | null;
  xCount: number;
  xTerm: Uint32Array;
  xDoc: Uint32Array;
  xOccStart: Uint32Array;
  xOcc: Uint32Array;
}

/**
 * Where a removed document's pairs may be: the terms of every row that can hold it, or null when
 * that is not known (every row is searched then).
 */
export type RowsOfDocument = (doc: number) => ArrayLike<number> | null;

/** The pairs of the `removed` documents in rows [0, terms): (row, pair) flat, ascending. */
function removedPairs(rows: Rows, terms: number, removed: readonly number[], rowsOf: RowsOfDocument | null): number[] {
  if (removed.length === 0) return [];
  const listed = rowsOf === null ? null : removed.map(rowsOf);
  if (listed === null || listed.includes(null)) return removedPairsEverywhere(rows, terms, removed);
  const { termStart, termEnd, docs } = rows;
  const found: Array<[number, number]> = [];
  removed.forEach((d, i) => {
    const list = listed[i]!;
    for (let k = 0; k < list.length; k++) {
      const t = list[k]!;
      if (t >= terms) continue;
      const p = sortedIndexOf(docs, termStart[t]!, termEnd[t]!, d);
      if (p >= 0) found.push([t, p]);
    }
  });
  found.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const hits: number[] = [];
  // (A term listed twice finds its pair twice.)
  for (let i = 0; i < found.length; i++) if (i === 0 || found[i]![1] !== found[i - 1]![1] || found[i]![0] !== found[i - 1]![0]) hits.push(found[i]![0], found[i]![1]);
  return hits;
}

/** removedPairs by a lookup in every row (each binary-searched). */
function removedPairsEverywhere(rows: Rows, terms: number, removed: readonly number[]): number[] {
  const hits: number[] = [];
  const { termStart, termEnd, docs } = rows;
  const found: number[] = [];
  for (let t = 0; t < terms; t++) {
    const s = termStart[t]!;
    const e = termEnd[t]!;
    if (s === e) continue;
    for (const d of removed) {
      const p = sortedIndexOf(docs, s, e, d);
      if (p >= 0) found.push(p);
    }
    // Removed in any order; taken out of the row last first, so ascending here.
    if (found.length > 1) found.sort((a, b) => a - b);
    for (const p of found) hits.push(t, p);
    found.length = 0;
  }
  return hits;
}

/**
 * Adds to pairCount[t] and occCount[t] the incoming alive pairs of each term t and their
 * occurrences; returns the smallest of their documents (Infinity if none).
 */
function countIncoming(incoming: Incoming, alive: Uint32Array, pairCount: Uint32Array, occCount: Uint32Array): number {
  let first = Infinity;
  const count = (n: number, term: Uint32Array, doc: Uint32Array, occStart: Uint32Array): void => {
    for (let p = 0; p < n; p++) {
      const d = doc[p]!;
      if ((alive[d >>> 5]! & (1 << (d & 31))) === 0) continue;
      pairCount[term[p]!]!++;
      occCount[term[p]!]! += occStart[p + 1]! - occStart[p]!;
      if (d < first) first = d;
    }
  };
  count(incoming.pCount, incoming.pTerm, incoming.pDoc, incoming.pOccStart);
  count(incoming.xCount, incoming.xTerm, incoming.xDoc, incoming.xOccStart);
  return first;
}

/**
 * Appends the incoming alive pairs to their rows (which have room for them): the pending ones
 * in document order, then the extra ones (ascending by document within each term).
 */
function appendIncoming(rows: Rows, incoming: Incoming, alive: Uint32Array): void {
  const { pCount, pTerm, pDoc, pOccStart, pOcc, order, xCount, xTerm, xDoc, xOccStart, xOcc } = incoming;
  for (let k = 0; k < pCount; k++) {
    const p = order === null ? k : order[k]!;
    const d = pDoc[p]!;
    if ((alive[d >>> 5]! & (1 << (d & 31))) !== 0) appendPair(rows, pTerm[p]!, d, pOcc, pOccStart[p]!, pOccStart[p + 1]!);
  }
  for (let p = 0; p < xCount; p++) {
    const d = xDoc[p]!;
    if ((alive[d >>> 5]! & (1 << (d & 31))) !== 0) appendPair(rows, xTerm[p]!, d, xOcc, xOccStart[p]!, xOccStart[p + 1]!);
  }
}

export class Postings {
  termStart: Uint32Array = new Uint32Array(1);
  termEnd: Uint32Array = new Uint32Array(0);
  /** Per term: one past the last slot its row owns (see the layout above). */
  slotEnd: Uint32Array = new Uint32Array(0);
  docs: Uint32Array = new Uint32Array(0);
  occStart: Uint32Array = new Uint32Array(1);
  occ: Uint32Array = new Uint32Array(0);

  #pTerm = new GrowableU32(1024);
  #pDoc = new GrowableU32(1024);
  #pOccStart = new GrowableU32(1024);
  #pOcc = new GrowableU32(4096);
  #pendingSortedByDoc = true;
  #lastPendingDoc = 0;
  #needsSeal = false;
  /**
   * Documents removed since the last seal (every other sealed pair is alive), or null when more
   * than REMOVED_LISTED.
   */
  #removedSinceSeal: number[] | null = [];
  /** #sealInPlace's per-term counts, kept: two arrays of the vocabulary's size per write made the collector run every ~30 writes. */
  #perTermCounts = { pairs: new Uint32Array(0), occs: new Uint32Array(0) };
  /** What the last seal changed (see SealChanges). */
  lastSeal: SealChanges = { removed: null, gained: null, flipped: null, counted: null };
  /**
   * How the seals went (for benchmarks and tests): merged in place, or every row laid out again;
   * rows moved to the end by in-place seals.
   */
  readonly sealStats = { inPlace: 0, laidOut: 0, moved: 0 };

  /** Zeroed per-term counts for `terms` terms (views of kept arrays). */
  #perTerm(terms: number): { pairs: Uint32Array; occs: Uint32Array } {
    let { pairs, occs } = this.#perTermCounts;
    if (pairs.length < terms) {
      pairs = new Uint32Array(Math.ceil(terms * 1.25));
      occs = new Uint32Array(pairs.length);
      this.#perTermCounts = { pairs, occs };
    }
    return { pairs: pairs.subarray(0, terms).fill(0), occs: occs.subarray(0, terms).fill(0) };
  }

  get sealedTermCount(): number {
    return this.termEnd.length;
  }

  get needsSeal(): boolean {
    return this.#needsSeal;
  }

  /** Pairs written since the last seal (including those of documents replaced since). */
  get pendingPairCount(): number {
    return this.#pTerm.length;
  }

  get #rows(): Rows {
    return { termStart: this.termStart, termEnd: this.termEnd, slotEnd: this.slotEnd, docs: this.docs, occStart: this.occStart, occ: this.occ };
  }

  #setRows(rows: Rows): void {
    this.termStart = rows.termStart;
    this.termEnd = rows.termEnd;
    this.slotEnd = rows.slotEnd;
    this.docs = rows.docs;
    this.occStart = rows.occStart;
    this.occ = rows.occ;
  }

  /** Terms whose row is empty in the sealed form: every document that had them is gone. */
  emptyTermCount(): number {
    let empty = 0;
    for (let t = 0; t < this.sealedTermCount; t++) if (this.termStart[t] === this.termEnd[t]) empty++;
    return empty;
  }

  /**
   * Keeps the sealed rows that are not empty and that `keep` accepts (no pending pairs), under
   * new dense ids in the same order, and returns the old -> new term mapping (-1 = dropped).
   */
  retainTerms(keep: (term: number) => boolean): Int32Array {
    const old = this.#rows;
    const { termStart, termEnd, occStart } = old;
    const mapping = new Int32Array(this.sealedTermCount).fill(-1);
    const pairCount: number[] = [];
    const occCount: number[] = [];
    for (let t = 0; t < mapping.length; t++) {
      if (termStart[t] === termEnd[t] || !keep(t)) continue;
      mapping[t] = pairCount.length;
      pairCount.push(termEnd[t]! - termStart[t]!);
      occCount.push(occStart[termEnd[t]!]! - occStart[termStart[t]!]!);
    }
    const rows = layOut(pairCount.length, pairCount, occCount);
    for (let t = 0; t < mapping.length; t++) if (mapping[t] !== -1) copyRow(old, t, rows, mapping[t]!);
    this.#setRows(rows);
    return mapping;
  }

  /** Records that `doc` contains `term` at the packed occurrences occ[from..to) (ascending). */
  add(term: number, doc: number, occurrences: ArrayLike<number>, from: number, to: number): void {
    this.#pTerm.push(term);
    this.#pDoc.push(doc);
    this.#pOccStart.push(this.#pOcc.length);
    const pOcc = this.#pOcc;
    pOcc.grow(pOcc.length + (to - from));
    for (let i = from; i < to; i++) pOcc.data[pOcc.length++] = occurrences[i]!;
    if (doc < this.#lastPendingDoc) this.#pendingSortedByDoc = false;
    this.#lastPendingDoc = doc;
    this.#needsSeal = true;
  }

  /**
   * The pending pairs (not sealed yet): pair p is (term[p], doc[p]) with occurrences
   * occ[occStart[p] .. occStart[p + 1]), where occStart[count] is the end (read it before adding
   * pairs: `add` may reallocate these arrays). Pairs of one document are contiguous.
   */
  pending(): { count: number; term: Uint32Array; doc: Uint32Array; occStart: Uint32Array; occ: Uint32Array } {
    const count = this.#pTerm.length;
    const occStart = this.#pOccStart;
    occStart.grow(count + 1);
    occStart.data[count] = this.#pOcc.length;
    return { count, term: this.#pTerm.data, doc: this.#pDoc.data, occStart: occStart.data, occ: this.#pOcc.data };
  }

  /** Asks the next seal to drop the pairs of documents that are no longer alive. */
  markRemoved(doc: number): void {
    this.#needsSeal = true;
    if (this.#removedSinceSeal !== null && this.#removedSinceSeal.length < REMOVED_LISTED) this.#removedSinceSeal.push(doc);
    else this.#removedSinceSeal = null;
  }

  clear(): void {
    this.#setRows({ termStart: new Uint32Array(1), termEnd: new Uint32Array(0), slotEnd: new Uint32Array(0), docs: new Uint32Array(0), occStart: new Uint32Array(1), occ: new Uint32Array(0) });
    this.#clearPending();
    this.#needsSeal = false;
    this.#removedSinceSeal = [];
  }

  /** Drops the pending log, giving its (possibly large) buffers back to the allocator. */
  #clearPending(): void {
    this.#pTerm = new GrowableU32(1024);
    this.#pDoc = new GrowableU32(1024);
    this.#pOccStart = new GrowableU32(1024);
    this.#pOcc = new GrowableU32(4096);
    this.#pendingSortedByDoc = true;
    this.#lastPendingDoc = 0;
  }

  /**
   * Merges pending pairs for terms [0, termCount) and the `extra` pairs, and drops pairs whose
   * doc is not in the `alive` bitset: in place when the write is small enough (#sealInPlace),
   * otherwise by laying every row out again (#layOutAgain). `rowsOfRemoved` says where the
   * documents removed since the last seal can be; without it every row is searched for them.
   */
  seal(termCount: number, alive: Uint32Array, extra: ExtraPairs | null = null, rowsOfRemoved: RowsOfDocument | null = null): void {
    if (!this.#needsSeal && termCount === this.sealedTermCount && (extra === null || extra.count === 0)) {
      this.lastSeal = { removed: [], gained: new Set(), flipped: [], counted: new Set() };
      return;
    }
    this.#pOccStart.push(this.#pOcc.length); // sentinel: occ end of the last pending pair
    const pCount = this.#pTerm.length;
    if (extra !== null) extra.occStart.push(extra.occ.length);
    const incoming: Incoming = {
      pCount,
      pTerm: this.#pTerm.data,
      pDoc: this.#pDoc.data,
      pOccStart: this.#pOccStart.data,
      pOcc: this.#pOcc.data,
      order: this.#pendingSortedByDoc ? null : pendingOrderByDoc(this.#pDoc.data, pCount),
      xCount: extra === null ? 0 : extra.count,
      xTerm: extra?.term.data ?? new Uint32Array(0),
      xDoc: extra?.doc.data ?? new Uint32Array(0),
      xOccStart: extra?.occStart.data ?? new Uint32Array(1),
      xOcc: extra?.occ.data ?? new Uint32Array(0),
    };
    const removed = this.#removedSinceSeal;
    const changes = this.#sealInPlace(termCount, alive, incoming, removed, rowsOfRemoved) ?? this.#layOutAgain(termCount, alive, incoming, removed, rowsOfRemoved);
    this.#clearPending();
    this.#needsSeal = false;
    this.#removedSinceSeal = [];
    this.lastSeal = { removed, ...changes };
  }

  /**
   * A small write merged into the rows as they are: the removed documents' pairs taken out of
   * their rows, the new pairs appended to theirs (new documents have the largest ids), rows of
   * new terms put in the spare room at the end. Null, with nothing changed, when some row (or the
   * end) has no room left, or when the removed documents are too many to look up row by row.
   */
  #sealInPlace(termCount: number, alive: Uint32Array, incoming: Incoming, removed: readonly number[] | null, rowsOfRemoved: RowsOfDocument | null): Omit<SealChanges, 'removed'> | null {
    const oldTerms = this.sealedTermCount;
    if (oldTerms === 0 || termCount < oldTerms || removed === null || removed.length > REMOVED_LOOKED_UP) return null;
    const rows = this.#rows;
    const { termStart, termEnd, slotEnd, docs, occStart } = rows;
    // 1. Where the removed documents are.
    const hits = removedPairs(rows, oldTerms, removed, rowsOfRemoved);
    // 2. What each row receives.
    const { pairs: needPairs, occs: needOccs } = this.#perTerm(termCount);
    const firstNew = countIncoming(incoming, alive, needPairs, needOccs);
    // 3. Room: in each old row (what the removals free included), and at the end for new rows.
    const freed = new Map<number, number>();
    const freedOccs = new Map<number, number>();
    for (let i = 0; i < hits.length; i += 2) {
      const t = hits[i]!;
      const p = hits[i + 1]!;
      freed.set(t, (freed.get(t) ?? 0) + 1);
      freedOccs.set(t, (freedOccs.get(t) ?? 0) + occStart[p + 1]! - occStart[p]!);
    }
    // Rows without room for their new pairs move to the spare room at the end, with room again
    // whatever their size (they are the rows writes go to): two slots more than a row of 16
    // pairs gets, since a row's last slot takes a pair only if its occurrences fill the room
    // exactly. Their old slots stay unused until the rows are laid out again.
    const moved: number[] = [];
    const movedSlots: number[] = [];
    const movedOccs: number[] = [];
    let tailSlots = termStart[oldTerms]!;
    let tailOccs = occStart[tailSlots]!;
    for (let t = 0; t < oldTerms; t++) {
      const n = needPairs[t]!;
      if (n === 0) continue;
      const s = termStart[t]!;
      const e = termEnd[t]!;
      // New pairs go after the row's last one only if their documents come after it.
      if (e > s && docs[e - 1]! >= firstNew) return null;
      const slotsFree = slotEnd[t]! - e + (freed.get(t) ?? 0);
      const occsFree = occStart[slotEnd[t]!]! - occStart[e]! + (freedOccs.get(t) ?? 0);
      // A row whose every slot gets a pair ends its occurrences where its room for them ends:
      // only if they fill that room exactly.
      if (slotsFree >= n && occsFree >= needOccs[t]! && (slotsFree !== n || occsFree === needOccs[t]!)) continue;
      const pairs = e - s - (freed.get(t) ?? 0) + n;
      const occs = occStart[e]! - occStart[s]! - (freedOccs.get(t) ?? 0) + needOccs[t]!;
      moved.push(t);
      movedSlots.push(pairs + 2 + (pairs >>> rowRoom.shift));
      movedOccs.push(occs + 4 + (occs >>> rowRoom.shift));
      tailSlots += movedSlots[movedSlots.length - 1]!;
      tailOccs += movedOccs[movedOccs.length - 1]!;
    }
    for (let t = oldTerms; t < termCount; t++) {
      tailSlots += rowSlots(needPairs[t]!);
      tailOccs += rowOccs(needPairs[t]!, needOccs[t]!);
    }
    if (tailSlots > docs.length || tailSlots + 1 > occStart.length || tailOccs > rows.occ.length) return null;
    // The old rows the write changes, with their lengths before it.
    const before = new Map<number, number>();
    for (const t of freed.keys()) before.set(t, termEnd[t]! - termStart[t]!);
    for (let t = 0; t < oldTerms; t++) if (needPairs[t]! > 0) before.set(t, termEnd[t]! - termStart[t]!);
    // 4. Apply: removals (last first, so that the pairs still to remove stay where they were found).
    for (let i = hits.length - 2; i >= 0; i -= 2) removePair(rows, hits[i]!, hits[i + 1]!);
    moved.forEach((t, i) => moveToEnd(rows, t, oldTerms, movedSlots[i]!, movedOccs[i]!));
    if (termCount > oldTerms) {
      const grownStart = new Uint32Array(termCount + 1);
      grownStart.set(termStart.subarray(0, oldTerms + 1));
      const grownEnd = new Uint32Array(termCount);
      grownEnd.set(termEnd);
      const grownSlotEnd = new Uint32Array(termCount);
      grownSlotEnd.set(slotEnd);
      for (let t = oldTerms; t < termCount; t++) {
        const s = grownStart[t]!;
        grownEnd[t] = s;
        grownStart[t + 1] = s + rowSlots(needPairs[t]!);
        grownSlotEnd[t] = grownStart[t + 1]!;
        occStart[grownStart[t + 1]!] = occStart[s]! + rowOccs(needPairs[t]!, needOccs[t]!);
      }
      rows.termStart = grownStart;
      rows.termEnd = grownEnd;
      rows.slotEnd = grownSlotEnd;
    }
    this.sealStats.moved += moved.length;
    appendIncoming(rows, incoming, alive);
    this.#setRows(rows);
    this.sealStats.inPlace++;
    const touched = [...before.keys()];
    return sealChanges(needPairs, touched.length, (i) => touched[i]!, (t) => before.get(t)!, rows);
  }

  /**
   * Every row laid out again with new room: sizes per term first, then the old rows copied
   * (those holding a removed document pair by pair), then the incoming pairs appended.
   */
  #layOutAgain(termCount: number, alive: Uint32Array, incoming: Incoming, removed: readonly number[] | null, rowsOfRemoved: RowsOfDocument | null): Omit<SealChanges, 'removed'> {
    const old = this.#rows;
    const { termStart, termEnd, docs, occStart } = old;
    const oldTerms = this.sealedTermCount;
    // Pairs each old row loses: few removals (none, for pure additions) are looked up per row;
    // more, every pair is checked.
    const lost = new Uint32Array(oldTerms);
    if (removed !== null && removed.length <= REMOVED_LOOKED_UP) {
      const hits = removedPairs(old, oldTerms, removed, rowsOfRemoved);
      for (let i = 0; i < hits.length; i += 2) lost[hits[i]!]!++;
    } else {
      for (let t = 0; t < oldTerms; t++) lost[t] = termEnd[t]! - termStart[t]! - countAlive(docs, termStart[t]!, termEnd[t]!, alive);
    }
    const received = new Uint32Array(termCount);
    const pairCount = new Uint32Array(termCount);
    const occCount = new Uint32Array(termCount);
    countIncoming(incoming, alive, received, occCount);
    for (let t = 0; t < termCount; t++) {
      pairCount[t] = received[t]!;
      if (t >= oldTerms) continue;
      const s = termStart[t]!;
      const e = termEnd[t]!;
      pairCount[t]! += e - s - lost[t]!;
      occCount[t]! += lost[t] === 0 ? occStart[e]! - occStart[s]! : aliveOccurrences(docs, occStart, s, e, alive);
    }
    const rows = layOut(termCount, pairCount, occCount);
    for (let t = 0; t < oldTerms; t++) {
      if (lost[t] === 0) copyRow(old, t, rows, t);
      else copyAlivePairs(old, rows, t, alive);
    }
    appendIncoming(rows, incoming, alive);
    this.#setRows(rows);
    this.sealStats.laidOut++;
    return sealChanges(received, oldTerms, (i) => i, (t) => termEnd[t]! - termStart[t]!, rows);
  }

  /**
   * Fills rows that the last seal left empty and that are the last terms (prefix rows built in
   * bulk): `rowStart` maps each such term to the index of its first pair in `rowDocs`; pair i has
   * the occurrences rowOcc[rowOccStart[i] ..], up to the next pair's start.
   */
  fillTailRows(rowStart: ReadonlyMap<number, number>, rowDocs: Uint32Array, rowOccStart: Uint32Array, rowOcc: Uint32Array): void {
    const terms = this.sealedTermCount;
    let first = terms;
    for (const t of rowStart.keys()) first = Math.min(first, t);
    const old = this.#rows;
    const pairCount = new Uint32Array(terms);
    const occCount = new Uint32Array(terms);
    for (let t = 0; t < first; t++) {
      pairCount[t] = old.termEnd[t]! - old.termStart[t]!;
      occCount[t] = old.occStart[old.termEnd[t]!]! - old.occStart[old.termStart[t]!]!;
    }
    const occEnd = (i: number): number => (i + 1 < rowDocs.length ? rowOccStart[i + 1]! : rowOcc.length);
    const ends = new Map<number, number>();
    for (let t = first; t < terms; t++) {
      if (old.termEnd[t] !== old.termStart[t]) throw new Error('fillTailRows: the rows are not the last, empty, terms');
      const own = rowStart.get(t);
      if (own === undefined) continue;
      const end = nextStart(rowStart, t, terms, rowDocs.length);
      ends.set(t, end);
      pairCount[t] = end - own;
      occCount[t] = end > own ? occEnd(end - 1) - rowOccStart[own]! : 0;
    }
    const rows = layOut(terms, pairCount, occCount);
    for (let t = 0; t < first; t++) copyRow(old, t, rows, t);
    for (const [t, own] of rowStart) {
      for (let i = own, end = ends.get(t)!; i < end; i++) appendPair(rows, t, rowDocs[i]!, rowOcc, rowOccStart[i]!, occEnd(i));
    }
    this.#setRows(rows);
  }

  /** Applies a monotonic id renumbering to the sealed form (no pending pairs, all alive). */
  remapDocs(mapping: Int32Array): void {
    const { termStart, termEnd, docs } = this;
    for (let t = 0; t < termEnd.length; t++) {
      for (let p = termStart[t]!, e = termEnd[t]!; p < e; p++) docs[p] = mapping[docs[p]!]!;
    }
  }

  /** Number of documents containing the term (sealed form). */
  docCount(term: number): number {
    if (term >= this.sealedTermCount) return 0;
    return this.termEnd[term]! - this.termStart[term]!;
  }
}

/** Start of the first row after term t (an empty term starts where the next row does). */
function nextStart(rowStart: ReadonlyMap<number, number>, t: number, terms: number, end: number): number {
  for (let u = t + 1; u < terms; u++) {
    const s = rowStart.get(u);
    if (s !== undefined) return s;
  }
  return end;
}
