import { GrowableU32 } from './growable.ts';

/**
 * The inverted index: term id -> documents -> occurrences (attribute and word position).
 *
 * Layout. Searches read a compact "sealed" form (compressed sparse rows):
 *   termStart[t] .. termStart[t+1]   the pairs (term t, document) of term t, by ascending doc id
 *   docs[p]                          the document of pair p
 *   occStart[p] .. occStart[p+1]     the occurrences of pair p in `occ`
 *   occ[k]                           (fieldId << 16) | position, ascending (so grouped by field)
 * Writes append to a pending log of pairs; `seal()` merges the log into a new sealed form and
 * drops the pairs of removed documents, in one linear pass. The first search after a batch of
 * writes pays for it. Documents are never updated in place: the index gives a replaced document
 * a new internal id, so the old id only has to disappear, which the seal does.
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
/** Start of the first row after term t (an empty term starts where the next row does). */
function nextStart(rowStart: ReadonlyMap<number, number>, t: number, terms: number, end: number): number {
  for (let u = t + 1; u < terms; u++) {
    const s = rowStart.get(u);
    if (s !== undefined) return s;
  }
  return end;
}

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

/** The three arrays of a sealed form (see Postings). */
interface SealedForm {
  docs: Uint32Array;
  occStart: Uint32Array;
  occ: Uint32Array;
}

/** Removed documents listed between seals (for the seal and for read caches; SealChanges). */
const REMOVED_LISTED = 1024;
/** Up to this many removed documents, a seal looks each up in every row instead of checking every pair. */
const REMOVED_LOOKED_UP = 32;

/** How many of `listed` (documents no longer alive) the sorted docs[start, end) hold. */
function countListed(docs: Uint32Array, start: number, end: number, listed: readonly number[]): number {
  let n = 0;
  for (const d of listed) {
    let lo = start;
    let hi = end - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = docs[mid]!;
      if (v === d) {
        n++;
        break;
      }
      if (v < d) lo = mid + 1;
      else hi = mid - 1;
    }
  }
  return n;
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
 * Copies the alive pairs of from[start, end) to to[w..], occurrences to to.occ[wo..], a run of
 * alive pairs at a time; returns the occurrence end.
 */
function copyAlivePairs(from: SealedForm, to: SealedForm, start: number, end: number, w: number, wo: number, alive: Uint32Array): number {
  let p = start;
  while (p < end) {
    let q = p;
    while (q < end && (alive[from.docs[q]! >>> 5]! & (1 << (from.docs[q]! & 31))) !== 0) q++;
    if (q > p) {
      copyRun(from, to, p, q, w, wo);
      w += q - p;
      wo += from.occStart[q]! - from.occStart[p]!;
    }
    p = q + 1;
  }
  return wo;
}

/** Copies the pairs from[start, end) and their occurrences as they are, to to[w..] and to.occ[wo..]. */
function copyRun(from: SealedForm, to: SealedForm, start: number, end: number, w: number, wo: number): void {
  to.docs.set(from.docs.subarray(start, end), w);
  const first = from.occStart[start]!;
  to.occ.set(from.occ.subarray(first, from.occStart[end]!), wo);
  const shift = wo - first;
  const occStart = to.occStart;
  const src = from.occStart;
  for (let p = start; p < end; p++) occStart[w + p - start] = src[p]! + shift;
}

function gain(gained: Set<number>, term: number): Set<number> | null {
  gained.add(term);
  return gained.size > MAX_GAINED_TERMS ? null : gained;
}

/** Past these, a seal's changes are not listed (a bulk write: caches start over). */
const MAX_GAINED_TERMS = 1 << 16;
const MAX_FLIPPED_TERMS = 4096;

export class Postings {
  termStart = new Uint32Array(1);
  docs = new Uint32Array(0);
  occStart = new Uint32Array(1);
  occ = new Uint32Array(0);

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
  /** What the last seal changed (see SealChanges). */
  lastSeal: SealChanges = { removed: null, gained: null, flipped: null, counted: null };

  get sealedTermCount(): number {
    return this.termStart.length - 1;
  }

  get needsSeal(): boolean {
    return this.#needsSeal;
  }

  /** Pairs written since the last seal (including those of documents replaced since). */
  get pendingPairCount(): number {
    return this.#pTerm.length;
  }

  /** Terms whose row is empty in the sealed form: every document that had them is gone. */
  emptyTermCount(): number {
    let empty = 0;
    for (let t = 0; t < this.sealedTermCount; t++) if (this.termStart[t] === this.termStart[t + 1]) empty++;
    return empty;
  }

  /**
   * Keeps the sealed rows that are not empty and that `keep` accepts (no pending pairs), under
   * new dense ids in the same order, and returns the old -> new term mapping (-1 = dropped).
   */
  retainTerms(keep: (term: number) => boolean): Int32Array {
    const { termStart, docs, occStart, occ } = this;
    const mapping = new Int32Array(this.sealedTermCount).fill(-1);
    let terms = 0;
    let pairs = 0;
    let occs = 0;
    for (let t = 0; t < mapping.length; t++) {
      if (termStart[t] === termStart[t + 1] || !keep(t)) continue;
      mapping[t] = terms++;
      pairs += termStart[t + 1]! - termStart[t]!;
      occs += occStart[termStart[t + 1]!]! - occStart[termStart[t]!]!;
    }
    const nextTermStart = new Uint32Array(terms + 1);
    const nextDocs = new Uint32Array(pairs);
    const nextOccStart = new Uint32Array(pairs + 1);
    const nextOcc = new Uint32Array(occs);
    let w = 0;
    let wo = 0;
    for (let t = 0; t < mapping.length; t++) {
      if (mapping[t] === -1) continue;
      nextTermStart[mapping[t]!] = w;
      const from = termStart[t]!;
      const to = termStart[t + 1]!;
      nextDocs.set(docs.subarray(from, to), w);
      const occFrom = occStart[from]!;
      for (let p = from; p < to; p++) nextOccStart[w + p - from] = occStart[p]! - occFrom + wo;
      nextOcc.set(occ.subarray(occFrom, occStart[to]!), wo);
      w += to - from;
      wo += occStart[to]! - occFrom;
    }
    nextTermStart[terms] = w;
    nextOccStart[w] = wo;
    this.termStart = nextTermStart;
    this.docs = nextDocs;
    this.occStart = nextOccStart;
    this.occ = nextOcc;
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
    this.termStart = new Uint32Array(1);
    this.docs = new Uint32Array(0);
    this.occStart = new Uint32Array(1);
    this.occ = new Uint32Array(0);
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
   * Merges pending pairs for terms [0, termCount) and drops pairs whose doc is not in the
   * `alive` bitset. Every pass reads its input sequentially: sizes per term first, then the old
   * sealed rows are copied, then pending pairs are scattered to their term's row (pending pairs
   * are appended by document, so each row stays sorted by document).
   */
  seal(termCount: number, alive: Uint32Array, extra: ExtraPairs | null = null): void {
    if (!this.#needsSeal && termCount === this.sealedTermCount && (extra === null || extra.count === 0)) {
      this.lastSeal = { removed: [], gained: new Set(), flipped: [], counted: new Set() };
      return;
    }
    this.#pOccStart.push(this.#pOcc.length); // sentinel: occ end of the last pending pair
    const xCount = extra === null ? 0 : extra.count;
    if (extra !== null) extra.occStart.push(extra.occ.length);
    const xTerm = extra?.term.data ?? new Uint32Array(0);
    const xDoc = extra?.doc.data ?? new Uint32Array(0);
    const xOccStart = extra?.occStart.data ?? new Uint32Array(1);
    const xOcc = extra?.occ.data ?? new Uint32Array(0);
    const pCount = this.#pTerm.length;
    const pTerm = this.#pTerm.data;
    const pDoc = this.#pDoc.data;
    const pOccStart = this.#pOccStart.data;
    const pOcc = this.#pOcc.data;
    const oldDocs = this.docs;
    const oldOccStart = this.occStart;
    const oldTermStart = this.termStart;
    const oldOcc = this.occ;
    const oldTerms = this.sealedTermCount;
    const isAlive = (d: number): boolean => (alive[d >>> 5]! & (1 << (d & 31))) !== 0;

    // 1. Pairs and occurrences per term. Without removals since the last seal, every old pair
    // is still alive; otherwise a row keeps its counts unless it holds a removed document.
    const pairCount = new Uint32Array(termCount + 1);
    const occCount = new Uint32Array(termCount + 1);
    const removed = this.#removedSinceSeal;
    // Few removals (none, for pure additions) are looked up per row; more, every pair is checked.
    const removals = removed !== null && removed.length <= REMOVED_LOOKED_UP ? removed : null;
    // Old pairs kept per row (all of them unless the row holds a removed document).
    const kept = new Uint32Array(oldTerms);
    for (let t = 0; t < oldTerms; t++) {
      const start = oldTermStart[t]!;
      const end = oldTermStart[t + 1]!;
      const alivePairs = removals === null ? countAlive(oldDocs, start, end, alive) : end - start - countListed(oldDocs, start, end, removals);
      kept[t] = alivePairs;
      pairCount[t] = alivePairs;
      occCount[t] = alivePairs === end - start ? oldOccStart[end]! - oldOccStart[start]! : aliveOccurrences(oldDocs, oldOccStart, start, end, alive);
    }
    for (let p = 0; p < pCount; p++) {
      if (!isAlive(pDoc[p]!)) continue;
      const t = pTerm[p]!;
      pairCount[t]!++;
      occCount[t]! += pOccStart[p + 1]! - pOccStart[p]!;
    }
    for (let p = 0; p < xCount; p++) {
      if (!isAlive(xDoc[p]!)) continue;
      const t = xTerm[p]!;
      pairCount[t]!++;
      occCount[t]! += xOccStart[p + 1]! - xOccStart[p]!;
    }
    let flipped: number[] | null = [];
    let counted: Set<number> | null = new Set();
    for (let t = 0; t < oldTerms && flipped !== null && counted !== null; t++) {
      const before = oldTermStart[t + 1]! - oldTermStart[t]!;
      if (before === pairCount[t]!) continue;
      counted.add(t);
      if (counted.size > MAX_GAINED_TERMS) counted = null;
      if (before > 0 === pairCount[t]! > 0) continue;
      if (flipped.length === MAX_FLIPPED_TERMS) flipped = null;
      else flipped.push(t);
    }
    let gained: Set<number> | null = new Set();
    const termStart = new Uint32Array(termCount + 1);
    const pairCursor = new Uint32Array(termCount);
    const occCursor = new Uint32Array(termCount);
    let pairs = 0;
    let occs = 0;
    for (let t = 0; t < termCount; t++) {
      termStart[t] = pairs;
      pairCursor[t] = pairs;
      occCursor[t] = occs;
      pairs += pairCount[t]!;
      occs += occCount[t]!;
    }
    termStart[termCount] = pairs;
    const docs = new Uint32Array(pairs);
    const occStart = new Uint32Array(pairs + 1);
    const occ = new Uint32Array(occs);

    // 2. Old rows, in place at the start of each row. Rows that keep all their pairs are copied
    // in bulk, several at once while the rows before the last of them gain nothing (they are then
    // contiguous in both forms); the others pair by pair.
    const old: SealedForm = { docs: oldDocs, occStart: oldOccStart, occ: oldOcc };
    const sealed: SealedForm = { docs, occStart, occ };
    const whole = (t: number): boolean => kept[t] === oldTermStart[t + 1]! - oldTermStart[t]!;
    for (let t = 0; t < oldTerms; ) {
      const start = oldTermStart[t]!;
      if (!whole(t)) {
        occCursor[t] = copyAlivePairs(old, sealed, start, oldTermStart[t + 1]!, pairCursor[t]!, occCursor[t]!, alive);
        pairCursor[t]! += kept[t]!;
        t++;
        continue;
      }
      let u = t + 1;
      while (u < oldTerms && pairCount[u - 1] === kept[u - 1] && whole(u)) u++;
      copyRun(old, sealed, start, oldTermStart[u]!, pairCursor[t]!, occCursor[t]!);
      for (let v = t; v < u; v++) {
        pairCursor[v]! += kept[v]!;
        occCursor[v]! += oldOccStart[oldTermStart[v + 1]!]! - oldOccStart[oldTermStart[v]!]!;
      }
      t = u;
    }

    // 3. Pending pairs, scattered by term, in document order.
    const order = this.#pendingSortedByDoc ? null : pendingOrderByDoc(pDoc, pCount);
    for (let k = 0; k < pCount; k++) {
      const p = order === null ? k : order[k]!;
      const d = pDoc[p]!;
      if (!isAlive(d)) continue;
      const t = pTerm[p]!;
      if (gained !== null) gained = gain(gained, t);
      const w = pairCursor[t]!++;
      let wo = occCursor[t]!;
      docs[w] = d;
      occStart[w] = wo;
      for (let i = pOccStart[p]!, e = pOccStart[p + 1]!; i < e; i++) occ[wo++] = pOcc[i]!;
      occCursor[t] = wo;
    }
    // 4. Extra pairs (ascending by document within each term).
    for (let p = 0; p < xCount; p++) {
      const d = xDoc[p]!;
      if (!isAlive(d)) continue;
      const t = xTerm[p]!;
      if (gained !== null) gained = gain(gained, t);
      const w = pairCursor[t]!++;
      const wo = occCursor[t]!;
      docs[w] = d;
      occStart[w] = wo;
      const a = xOccStart[p]!;
      const b = xOccStart[p + 1]!;
      occ.set(xOcc.subarray(a, b), wo);
      occCursor[t] = wo + (b - a);
    }
    occStart[pairs] = occs;
    this.termStart = termStart;
    this.docs = docs;
    this.occStart = occStart;
    this.occ = occ;
    this.#clearPending();
    this.#needsSeal = false;
    this.#removedSinceSeal = [];
    this.lastSeal = counted === null ? { removed, gained: null, flipped: null, counted: null } : { removed, gained, flipped, counted };
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
    const pairs = this.termStart[first]!;
    if (pairs !== this.docs.length) throw new Error('fillTailRows: the rows are not the last, empty, terms');
    const occs = this.occ.length;
    const docs = new Uint32Array(pairs + rowDocs.length);
    docs.set(this.docs);
    docs.set(rowDocs, pairs);
    const occStart = new Uint32Array(pairs + rowDocs.length + 1);
    occStart.set(this.occStart.subarray(0, pairs));
    for (let i = 0; i < rowDocs.length; i++) occStart[pairs + i] = occs + rowOccStart[i]!;
    occStart[pairs + rowDocs.length] = occs + rowOcc.length;
    const occ = new Uint32Array(occs + rowOcc.length);
    occ.set(this.occ);
    occ.set(rowOcc, occs);
    // Terms from `first` on: rows in `rowStart` (in term order), other terms empty.
    const termStart = this.termStart;
    for (let t = first; t < terms; t++) {
      const own = rowStart.get(t);
      termStart[t] = pairs + (own ?? nextStart(rowStart, t, terms, rowDocs.length));
    }
    termStart[terms] = pairs + rowDocs.length;
    this.docs = docs;
    this.occStart = occStart;
    this.occ = occ;
  }

  /** Applies a monotonic id renumbering to the sealed form (no pending pairs, all alive). */
  remapDocs(mapping: Int32Array): void {
    const docs = this.docs;
    for (let p = 0; p < docs.length; p++) docs[p] = mapping[docs[p]!]!;
  }

  /** Number of documents containing the term (sealed form). */
  docCount(term: number): number {
    if (term >= this.sealedTermCount) return 0;
    return this.termStart[term + 1]! - this.termStart[term]!;
  }
}
