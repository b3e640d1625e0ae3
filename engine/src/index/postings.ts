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

export class Postings {
  termStart = new Uint32Array(1);
  docs = new Uint32Array(0);
  occStart = new Uint32Array(1);
  occ = new Uint32Array(0);

  readonly #pTerm = new GrowableU32(1024);
  readonly #pDoc = new GrowableU32(1024);
  readonly #pOccStart = new GrowableU32(1024);
  readonly #pOcc = new GrowableU32(4096);
  #pendingSortedByDoc = true;
  #lastPendingDoc = 0;
  #needsSeal = false;

  get sealedTermCount(): number {
    return this.termStart.length - 1;
  }

  get needsSeal(): boolean {
    return this.#needsSeal;
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

  /** Asks the next seal to drop the pairs of documents that are no longer alive. */
  markRemoved(): void {
    this.#needsSeal = true;
  }

  clear(): void {
    this.termStart = new Uint32Array(1);
    this.docs = new Uint32Array(0);
    this.occStart = new Uint32Array(1);
    this.occ = new Uint32Array(0);
    this.#clearPending();
    this.#needsSeal = false;
  }

  #clearPending(): void {
    this.#pTerm.clear();
    this.#pDoc.clear();
    this.#pOccStart.clear();
    this.#pOcc.clear();
    this.#pendingSortedByDoc = true;
    this.#lastPendingDoc = 0;
  }

  /** Merges pending pairs for terms [0, termCount) and drops pairs whose doc is not alive. */
  seal(termCount: number, isAlive: (doc: number) => boolean): void {
    if (!this.#needsSeal && termCount === this.sealedTermCount) return;
    const pCount = this.#pTerm.length;
    const pTerm = this.#pTerm.data;
    const pDoc = this.#pDoc.data;
    const pOccStart = this.#pOccStart.data;
    this.#pOccStart.push(this.#pOcc.length); // sentinel: occ end of the last pending pair
    const pOcc = this.#pOcc.data;

    // Group pending pairs by term (counting sort, stable so doc order is kept).
    const bucketStart = new Uint32Array(termCount + 1);
    for (let p = 0; p < pCount; p++) bucketStart[pTerm[p]! + 1]!++;
    for (let t = 0; t < termCount; t++) bucketStart[t + 1]! += bucketStart[t]!;
    const order = new Uint32Array(pCount);
    const fill = bucketStart.slice(0, termCount);
    for (let p = 0; p < pCount; p++) order[fill[pTerm[p]!]!++] = p;
    if (!this.#pendingSortedByDoc) {
      for (let t = 0; t < termCount; t++) {
        const a = bucketStart[t]!;
        const b = bucketStart[t + 1]!;
        if (b - a > 1) order.subarray(a, b).sort((x, y) => pDoc[x]! - pDoc[y]!);
      }
    }

    // Size the output: surviving old pairs + surviving pending pairs.
    const oldDocs = this.docs;
    const oldOccStart = this.occStart;
    let pairs = 0;
    let occs = 0;
    for (let p = 0; p < oldDocs.length; p++) {
      if (isAlive(oldDocs[p]!)) {
        pairs++;
        occs += oldOccStart[p + 1]! - oldOccStart[p]!;
      }
    }
    for (let p = 0; p < pCount; p++) {
      if (isAlive(pDoc[p]!)) {
        pairs++;
        occs += pOccStart[p + 1]! - pOccStart[p]!;
      }
    }

    const termStart = new Uint32Array(termCount + 1);
    const docs = new Uint32Array(pairs);
    const occStart = new Uint32Array(pairs + 1);
    const occ = new Uint32Array(occs);
    const oldTermStart = this.termStart;
    const oldOcc = this.occ;
    const oldTerms = this.sealedTermCount;
    let w = 0;
    let wo = 0;
    for (let t = 0; t < termCount; t++) {
      termStart[t] = w;
      if (t < oldTerms) {
        for (let p = oldTermStart[t]!, end = oldTermStart[t + 1]!; p < end; p++) {
          const d = oldDocs[p]!;
          if (!isAlive(d)) continue;
          docs[w] = d;
          occStart[w] = wo;
          const a = oldOccStart[p]!;
          const b = oldOccStart[p + 1]!;
          occ.set(oldOcc.subarray(a, b), wo);
          wo += b - a;
          w++;
        }
      }
      for (let k = bucketStart[t]!, end = bucketStart[t + 1]!; k < end; k++) {
        const p = order[k]!;
        const d = pDoc[p]!;
        if (!isAlive(d)) continue;
        docs[w] = d;
        occStart[w] = wo;
        for (let i = pOccStart[p]!, e = pOccStart[p + 1]!; i < e; i++) occ[wo++] = pOcc[i]!;
        w++;
      }
    }
    termStart[termCount] = w;
    occStart[w] = wo;
    this.termStart = termStart;
    this.docs = docs;
    this.occStart = occStart;
    this.occ = occ;
    this.#clearPending();
    this.#needsSeal = false;
  }

  /** Number of documents containing the term (sealed form). */
  docCount(term: number): number {
    if (term >= this.sealedTermCount) return 0;
    return this.termStart[term + 1]! - this.termStart[term]!;
  }
}
