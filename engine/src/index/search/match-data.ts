import { emptySet, hasDoc, type DocSet } from '../doc-set.ts';
import { FIELD_SHIFT, POSITION_MASK, firstAtLeast, sortedIndexOf, type Postings } from '../postings.ts';
import type { FieldLengths } from '../field-lengths.ts';
import type { Derivation, QueryWord } from './query-terms.ts';
import type { ScratchArrays } from './scratch.ts';
import type { OccurrenceList } from './occurrence-list.ts';

/**
 * What the ranking rules need to know about each query word in each candidate document,
 * computed in one pass over the postings of the word's derivations (term at a time, no per
 * document lookups):
 *   docs       documents where the word matches in a searched attribute
 *   minTypo    fewest typos among the derivations present (NO_MATCH when absent)
 *   exactHit   1 when the word itself (not a prefix, typo or synonym) is present
 *   bestRank   best (lowest) attribute rank among the matches
 *   bestPos    lowest word position among the matches
 *   exactStart 1 when the word itself is the first word of a searched attribute, 2 when it is the
 *              attribute's only word (for the exactness rule; only with `FieldRules.fieldLengths`)
 * and optionally every matching occurrence, chained per document, for the proximity and
 * exactness rules (`ChainMode`: none, only occurrences at position < word count, or all).
 *
 * The five per-document values are packed in two 32-bit words (`WordMatches.detail`), so that a
 * document's details share one cache line: the ranking reaches documents scattered over the id
 * space, and one line per value made cold searches wait on five.
 */
export const NO_MATCH = 255;

const TYPO_MASK = 0xff;
const EXACT_HIT = 1 << 8;
const START_SHIFT = 9;
const START_MASK = 3 << START_SHIFT;
/** detail[2d] before any match: minTypo NO_MATCH, no exact hit, no start. */
const EMPTY_FLAGS = NO_MATCH;
/** detail[2d + 1] before any match: bestRank and bestPos 0xffff. */
const EMPTY_PLACE = 0xffffffff;

export function minTypo(m: WordMatches, d: number): number {
  return m.detail[2 * d]! & TYPO_MASK;
}

export function exactHit(m: WordMatches, d: number): number {
  return (m.detail[2 * d]! >>> 8) & 1;
}

export function exactStart(m: WordMatches, d: number): number {
  return (m.detail[2 * d]! >>> START_SHIFT) & 3;
}

export function bestRank(m: WordMatches, d: number): number {
  return m.detail[2 * d + 1]! >>> 16;
}

export function bestPos(m: WordMatches, d: number): number {
  return m.detail[2 * d + 1]! & 0xffff;
}

/** Sets a document's details to "no match yet". */
function initDetail(m: WordMatches, d: number): void {
  m.detail[2 * d] = EMPTY_FLAGS;
  m.detail[2 * d + 1] = EMPTY_PLACE;
  if (m.head !== null) m.head[d] = -1;
}

/** Records a match of document `d` with `typos`, at attribute rank `rank` and position `pos`. */
function recordMatch(detail: Uint32Array, d: number, typos: number, exact: boolean, rank: number, pos: number): void {
  const i = 2 * d;
  let flags = detail[i]!;
  if (typos < (flags & TYPO_MASK)) flags = (flags & ~TYPO_MASK) | typos;
  if (exact) flags |= EXACT_HIT;
  detail[i] = flags;
  const place = detail[i + 1]!;
  const r = Math.min(place >>> 16, rank);
  const p = Math.min(place & 0xffff, pos);
  detail[i + 1] = ((r << 16) | p) >>> 0;
}

/** Raises document `d`'s exactStart to `start` (1: the word starts an attribute; 2: it is all of it). */
function recordStart(detail: Uint32Array, d: number, start: number): void {
  const flags = detail[2 * d]!;
  if (start > ((flags >>> START_SHIFT) & 3)) detail[2 * d] = (flags & ~START_MASK) | (start << START_SHIFT);
}

export type ChainMode = 'none' | 'start' | 'all';

/** Which attributes are searched, and how each ranks. */
export interface FieldRules {
  /** Attribute rank per field id; -1 when the field is not searched. */
  rankOfField: Int32Array;
  /** 1 for fields where typos are not allowed (typoTolerance.disableOnAttributes). */
  noTypoField: Uint8Array;
  /** Words per attribute per document; when given, matches record `exactStart`. */
  fieldLengths?: FieldLengths;
  /**
   * True when every field in the postings is searched (no attributesToSearchOn: the indexer only
   * indexes searchable fields) and no field refuses typos: any pair of the postings is then a
   * match, and the first matching pass need not read occurrences.
   */
  everyFieldMatches?: boolean;
  /**
   * Whether a word's details in a document (attribute, position, exactness, occurrences) come
   * only from its derivations with the document's fewest typos for that word. Meilisearch's rules
   * after `typo` see only the terms of the typo bucket they rank (its query graph keeps the paths
   * of that bucket's cost): `multim` ranks a document whose `multimedia` comes late after one
   * where it comes first, even when the first one holds `multiple` (one typo) earlier. True when
   * `typo` comes before every other rule reading details; otherwise every derivation counts,
   * as for rules before `typo`.
   */
  fewestTypos?: boolean;
}

export interface WordMatches {
  docs: DocSet;
  count: number;
  /**
   * Two words per document d (see above): detail[2d] = minTypo | exactHit << 8 |
   * exactStart << 9, detail[2d + 1] = bestRank << 16 | bestPos; read them with minTypo(m, d)...
   */
  detail: Uint32Array;
  /** Whether exactStart is recorded (the field lengths were given). */
  recordsStart: boolean;
  /** First chain entry per document, or -1; null when chains were not built. */
  head: Int32Array | null;
  /**
   * False while the per-document entries (detail, head) are filled only for the documents
   * given to fillWordDetail (two-phase matching); true when filled for every document of `docs`.
   */
  complete: boolean;
  /** Which occurrences the detail chains (see ChainMode); 'none' when `head` is null. */
  chainMode: ChainMode;
}

/** PositionLookup.chainOf for a word whose occurrences were not chained (-1 is an empty chain). */
export const NOT_CHAINED = -2;

/** Occurrence chains shared by all words of a search: entry k = (occ[k], next[k]). */
export class OccurrenceChains {
  occ = new Uint32Array(1024);
  next = new Int32Array(1024);
  length = 0;

  /** Empties the chains (their arrays are kept for the next search). */
  reset(): OccurrenceChains {
    this.length = 0;
    // A huge search does not keep its arrays for every later one.
    if (this.occ.length > 1 << 20) {
      this.occ = new Uint32Array(1024);
      this.next = new Int32Array(1024);
    }
    return this;
  }

  push(occurrence: number, next: number): number {
    if (this.length === this.occ.length) {
      const occ = new Uint32Array(this.length * 2);
      occ.set(this.occ);
      this.occ = occ;
      const nx = new Int32Array(this.length * 2);
      nx.set(this.next);
      this.next = nx;
    }
    this.occ[this.length] = occurrence;
    this.next[this.length] = next;
    return this.length++;
  }

  /** The occurrences chained from `head`, ascending, in `into` (emptied first). */
  list(head: number, into: OccurrenceList): OccurrenceList {
    let n = 0;
    for (let k = head; k !== -1; k = this.next[k]!) n++;
    // Chains link the latest entry first: filled from the end, the list is in push order, which
    // is ascending per derivation.
    const out = into.reset(n).data;
    for (let k = head, i = n - 1; k !== -1; k = this.next[k]!) out[i--] = this.occ[k]!;
    into.length = n;
    return into.sort();
  }
}

/** In one-pass matching (computeWordMatches), words with more derivations than this get their
 * occurrences chained during the matching pass (one binary search per derivation per document
 * would cost more); others are looked up lazily, only for the documents a position-based rule
 * actually reaches. Two-phase matching chains every word (see matchWordDocs). */
export const LAZY_POSITION_DERIVATIONS = 16;

export function computeWordMatches(
  word: QueryWord,
  postings: Postings,
  candidates: DocSet,
  capacity: number,
  fields: FieldRules,
  chains: OccurrenceChains,
  mode: ChainMode,
  startLimit: number,
  scratch?: ScratchArrays,
  /** Matches (of this word, same mode) to compute again into, in place: their arrays are kept. */
  into?: WordMatches,
  /**
   * The candidates as an ascending list, when they are few: each is looked up in each
   * derivation's row (binary search) instead of the rows being walked.
   */
  few?: Uint32Array,
): WordMatches {
  // Matches computed again keep the chain mode they were made with (two-phase matches chain
  // every word: see matchWordDocs).
  const chainMode = into !== undefined ? into.chainMode : chainModeOf(word, mode);
  if (into !== undefined) {
    into.docs.fill(0);
    into.count = 0;
    into.complete = true;
  }
  // Per-document entries are only meaningful for documents in `docs`: they are initialized when
  // a document first matches (touch), so recycled arrays need no clearing.
  const m: WordMatches = into ?? emptyMatches(fields, capacity, chainMode, scratch, true);
  if (word.phrase !== null) {
    if (word.phrase.every((t) => t !== undefined)) matchPhrase(word.phrase as number[], 0, true, postings, candidates, fields, chains, m, chainMode, startLimit);
  }
  for (const alt of word.alternatives) matchPhrase(alt.terms, alt.typos, false, postings, candidates, fields, chains, m, chainMode, startLimit);
  if (word.phrase !== null) return m;
  const { termStart, termEnd } = postings;
  const sealedTerms = postings.sealedTermCount;
  for (const der of word.derivations) {
    if (der.term >= sealedTerms) continue;
    // The whole row, or the pair of each of the few candidates.
    for (let i = 0, n = few === undefined ? 1 : few.length; i < n; i++) {
      let start = termStart[der.term]!;
      let end = termEnd[der.term]!;
      if (few !== undefined) {
        start = findPair(postings, der.term, few[i]!);
        if (start < 0) continue;
        end = start + 1;
      }
      if (chainMode === 'none') matchRowFirsts(m, der, start, end, candidates, postings, fields);
      else matchRow(m, der, start, end, candidates, postings, fields, chains, chainMode, startLimit);
    }
  }
  return m;
}

/**
 * computeWordMatches's pass over the pairs [start, end) of one derivation. (Hot loops live in
 * small functions called often: the optimizing compiler then compiles them whole, where a long
 * loop in a rarely called function keeps running in on-stack-replacement code.)
 */
function matchRow(
  m: WordMatches,
  der: Derivation,
  start: number,
  end: number,
  candidates: DocSet,
  postings: Postings,
  fields: FieldRules,
  chains: OccurrenceChains,
  chainMode: ChainMode,
  startLimit: number,
): void {
  const { docs, occStart, occ } = postings;
  const { rankOfField, noTypoField, fieldLengths } = fields;
  const detail = m.detail;
  const typos = der.typos;
  const startRecorded = der.exact && m.recordsStart;
  const fewestTypos = fields.fewestTypos === true;
  // (A match without typos is never left out.)
  const fewest = fewestTypos && typos > 0;
  for (let p = start; p < end; p++) {
    const d = docs[p]!;
    if ((candidates[d >>> 5]! & (1 << (d & 31))) === 0 || outranked(m, d, typos, fewest)) continue;
    let rank = 0xffff;
    let pos = 0xffff;
    for (let k = occStart[p]!, e = occStart[p + 1]!; k < e; k++) {
      const o = occ[k]!;
      const f = o >>> FIELD_SHIFT;
      const r = rankOfField[f] ?? -1;
      if (r < 0 || (typos > 0 && noTypoField[f] === 1)) continue;
      if (rank === 0xffff) enter(m, d, typos, fewestTypos);
      const ps = o & POSITION_MASK;
      if (startRecorded && ps === 0) recordStart(detail, d, fieldLengths!.get(f, d) === 1 ? 2 : 1);
      if (r < rank) rank = r;
      if (ps < pos) pos = ps;
      if (chainMode === 'all' || (chainMode === 'start' && ps < startLimit)) m.head![d] = chains.push(o, m.head![d]!);
    }
    if (rank === 0xffff) continue;
    recordMatch(detail, d, typos, der.exact, rank, pos);
  }
}

/**
 * matchRow without occurrence chains: only the first occurrence of each attribute can lower the
 * best position (occurrences are ascending within an attribute) or start the attribute, so the
 * others are skipped (rows of common prefixes hold many occurrences per document).
 */
function matchRowFirsts(m: WordMatches, der: Derivation, start: number, end: number, candidates: DocSet, postings: Postings, fields: FieldRules): void {
  const { docs, occStart, occ } = postings;
  const { rankOfField, noTypoField, fieldLengths } = fields;
  const detail = m.detail;
  const typos = der.typos;
  const startRecorded = der.exact && m.recordsStart;
  const fewestTypos = fields.fewestTypos === true;
  // (A match without typos is never left out.)
  const fewest = fewestTypos && typos > 0;
  for (let p = start; p < end; p++) {
    const d = docs[p]!;
    if ((candidates[d >>> 5]! & (1 << (d & 31))) === 0 || outranked(m, d, typos, fewest)) continue;
    let rank = 0xffff;
    let pos = 0xffff;
    for (let k = occStart[p]!, e = occStart[p + 1]!; k < e; k++) {
      const o = occ[k]!;
      const f = o >>> FIELD_SHIFT;
      // The next attribute's occurrences start at (f + 1) << FIELD_SHIFT.
      const next = (f + 1) * (POSITION_MASK + 1);
      while (k + 1 < e && occ[k + 1]! < next) k++;
      const r = rankOfField[f] ?? -1;
      if (r < 0 || (typos > 0 && noTypoField[f] === 1)) continue;
      if (rank === 0xffff) enter(m, d, typos, fewestTypos);
      const ps = o & POSITION_MASK;
      if (startRecorded && ps === 0) recordStart(detail, d, fieldLengths!.get(f, d) === 1 ? 2 : 1);
      if (r < rank) rank = r;
      if (ps < pos) pos = ps;
    }
    if (rank === 0xffff) continue;
    recordMatch(detail, d, typos, der.exact, rank, pos);
  }
}

function chainModeOf(word: QueryWord, mode: ChainMode): ChainMode {
  if (mode === 'all' && word.phrase === null && word.alternatives.length === 0 && word.derivations.length <= LAZY_POSITION_DERIVATIONS) return 'none';
  return mode;
}

function emptyMatches(fields: FieldRules, capacity: number, chainMode: ChainMode, scratch: ScratchArrays | undefined, complete = false): WordMatches {
  return scratch === undefined
    ? {
        docs: emptySet(capacity),
        count: 0,
        detail: new Uint32Array(2 * capacity),
        recordsStart: fields.fieldLengths !== undefined,
        head: chainMode === 'none' ? null : new Int32Array(capacity),
        complete,
        chainMode,
      }
    : {
        docs: scratch.bitset(),
        count: 0,
        detail: scratch.takeDetail(),
        recordsStart: fields.fieldLengths !== undefined,
        head: chainMode === 'none' ? null : scratch.take(Int32Array),
        complete,
        chainMode,
      };
}

/**
 * Two-phase matching, for searches that rank only the top of their candidates. Phase one
 * (matchWordDocs) finds the word's documents among `candidates` in one pass over its postings'
 * document lists; phase two (fillWordDetail) fills the per-document entries (typos, attribute,
 * position, exactness, occurrence chains) of given documents only, when a ranking rule is about
 * to read them. Together they give what computeWordMatches gives for those documents (the
 * reference: a property test compares whole searches).
 */
export function matchWordDocs(
  word: QueryWord,
  postings: Postings,
  candidates: DocSet,
  capacity: number,
  fields: FieldRules,
  mode: ChainMode,
  scratch?: ScratchArrays,
): WordMatches {
  // Occurrences are chained whatever the number of derivations (no lazy lookups, unlike
  // computeWordMatches): phase two walks the rows for the documents a rule reaches anyway, and
  // those are the documents proximity reads next; chaining them there costs less than a binary
  // search per document and derivation afterwards ('web serv' cold: 0.42 -> 0.355 ms).
  const m = emptyMatches(fields, capacity, mode, scratch);
  const mdocs = m.docs;
  let count = 0;
  const add = (d: number): void => {
    const w = d >>> 5;
    const bit = 1 << (d & 31);
    if ((mdocs[w]! & bit) === 0) {
      mdocs[w]! |= bit;
      count++;
    }
  };
  if (word.phrase !== null) {
    if (word.phrase.every((t) => t !== undefined)) phraseDocs(word.phrase as number[], 0, postings, candidates, fields, add);
  }
  for (const alt of word.alternatives) phraseDocs(alt.terms, alt.typos, postings, candidates, fields, add);
  if (word.phrase === null) {
    const { termStart, termEnd } = postings;
    const sealedTerms = postings.sealedTermCount;
    const all = fields.everyFieldMatches === true;
    for (const der of word.derivations) {
      if (der.term >= sealedTerms) continue;
      const start = termStart[der.term]!;
      const end = termEnd[der.term]!;
      count += all ? rowDocs(postings.docs, start, end, candidates, mdocs) : rowDocsChecked(postings, start, end, der.typos, candidates, fields, mdocs);
    }
  }
  m.count = count;
  return m;
}

/** Adds the documents of pairs [start, end) that are candidates to `set`; how many were new. */
function rowDocs(docs: Uint32Array, start: number, end: number, candidates: DocSet, set: DocSet): number {
  let added = 0;
  for (let p = start; p < end; p++) {
    const d = docs[p]!;
    const w = d >>> 5;
    const bit = 1 << (d & 31);
    if ((candidates[w]! & bit) === 0 || (set[w]! & bit) !== 0) continue;
    set[w]! |= bit;
    added++;
  }
  return added;
}

/** rowDocs for pairs with an occurrence in a searched field (where typos are allowed, if any). */
function rowDocsChecked(postings: Postings, start: number, end: number, typos: number, candidates: DocSet, fields: FieldRules, set: DocSet): number {
  const { docs, occStart, occ } = postings;
  const { rankOfField, noTypoField } = fields;
  let added = 0;
  for (let p = start; p < end; p++) {
    const d = docs[p]!;
    const w = d >>> 5;
    const bit = 1 << (d & 31);
    if ((candidates[w]! & bit) === 0 || (set[w]! & bit) !== 0) continue;
    for (let k = occStart[p]!, e = occStart[p + 1]!; k < e; k++) {
      const f = occ[k]! >>> FIELD_SHIFT;
      if ((rankOfField[f] ?? -1) < 0 || (typos > 0 && noTypoField[f] === 1)) continue;
      set[w]! |= bit;
      added++;
      break;
    }
  }
  return added;
}

/** Above `searchRatio` pairs per pending document, fillWordDetail binary-searches a term's pairs. */
export const detailPolicy = { searchRatio: 8 };

/**
 * Phase two of matchWordDocs: the per-document entries of `pending` (ascending; `pendingSet` the
 * same documents as a set), which must not have been filled before.
 */
export function fillWordDetail(
  m: WordMatches,
  word: QueryWord,
  postings: Postings,
  pending: Uint32Array,
  pendingSet: DocSet,
  fields: FieldRules,
  chains: OccurrenceChains,
  startLimit = 0,
): void {
  if (m.complete) return;
  const mdocs = m.docs;
  for (let i = 0; i < pending.length; i++) {
    const d = pending[i]!;
    if ((mdocs[d >>> 5]! & (1 << (d & 31))) === 0) continue;
    initDetail(m, d);
  }
  const chainMode = m.chainMode;
  if (word.phrase !== null) {
    if (word.phrase.every((t) => t !== undefined)) phraseDetail(word.phrase as number[], 0, true, postings, pending, pendingSet, mdocs, fields, chains, m, chainMode, startLimit);
  }
  for (const alt of word.alternatives) phraseDetail(alt.terms, alt.typos, false, postings, pending, pendingSet, mdocs, fields, chains, m, chainMode, startLimit);
  if (word.phrase !== null) return;
  const { termStart, termEnd, docs } = postings;
  const sealedTerms = postings.sealedTermCount;
  for (const der of word.derivations) {
    if (der.term >= sealedTerms) continue;
    const start = termStart[der.term]!;
    const end = termEnd[der.term]!;
    if (end - start > detailPolicy.searchRatio * pending.length) {
      // Few pending documents: look each one up (pending is ascending, so is the row).
      searchRow(m, der, start, end, pending, mdocs, postings, fields, chains, chainMode, startLimit);
    } else {
      walkRow(m, der, start, end, pendingSet, postings, fields, chains, chainMode, startLimit);
    }
  }
}

/**
 * fillWordDetail's lookups of the pending documents (ascending) in the pairs [start, end) of a
 * derivation: galloping from the previous position, then binary search.
 */
function searchRow(
  m: WordMatches,
  der: Derivation,
  start: number,
  end: number,
  pending: Uint32Array,
  wordDocs: DocSet,
  postings: Postings,
  fields: FieldRules,
  chains: OccurrenceChains,
  chainMode: ChainMode,
  startLimit: number,
): void {
  const docs = postings.docs;
  let lo = start;
  for (let i = 0; i < pending.length && lo < end; i++) {
    const d = pending[i]!;
    if ((wordDocs[d >>> 5]! & (1 << (d & 31))) === 0) continue;
    lo = firstAtLeast(docs, lo, end, d);
    if (lo < end && docs[lo] === d) detailOfPair(m, der, lo, d, postings, fields, chains, chainMode, startLimit);
  }
}

/**
 * fillWordDetail's walk over the pairs [start, end) of a derivation. (A pending document outside
 * the word's documents has no allowed occurrence here, so detailOfPair leaves it alone: pending
 * documents are all candidates.)
 */
function walkRow(
  m: WordMatches,
  der: Derivation,
  start: number,
  end: number,
  pendingSet: DocSet,
  postings: Postings,
  fields: FieldRules,
  chains: OccurrenceChains,
  chainMode: ChainMode,
  startLimit: number,
): void {
  const docs = postings.docs;
  for (let p = start; p < end; p++) {
    const d = docs[p]!;
    if ((pendingSet[d >>> 5]! & (1 << (d & 31))) !== 0) detailOfPair(m, der, p, d, postings, fields, chains, chainMode, startLimit);
  }
}

/** computeWordMatches's work on one pair of a derivation, for a document already in `m.docs`. */
function detailOfPair(
  m: WordMatches,
  der: Derivation,
  p: number,
  d: number,
  postings: Postings,
  fields: FieldRules,
  chains: OccurrenceChains,
  chainMode: ChainMode,
  startLimit: number,
): void {
  const { occStart, occ } = postings;
  const { rankOfField, noTypoField, fieldLengths } = fields;
  const detail = m.detail;
  const typos = der.typos;
  const startRecorded = der.exact && m.recordsStart;
  const fewest = fields.fewestTypos === true;
  if (outranked(m, d, typos, fewest && typos > 0)) return;
  let rank = 0xffff;
  let pos = 0xffff;
  for (let k = occStart[p]!, e = occStart[p + 1]!; k < e; k++) {
    const o = occ[k]!;
    const f = o >>> FIELD_SHIFT;
    const r = rankOfField[f] ?? -1;
    if (r < 0 || (typos > 0 && noTypoField[f] === 1)) continue;
    if (rank === 0xffff) enter(m, d, typos, fewest);
    const ps = o & POSITION_MASK;
    if (startRecorded && ps === 0) recordStart(detail, d, fieldLengths!.get(f, d) === 1 ? 2 : 1);
    if (r < rank) rank = r;
    if (ps < pos) pos = ps;
    if (chainMode === 'all' || (chainMode === 'start' && ps < startLimit)) m.head![d] = chains.push(o, m.head![d]!);
  }
  if (rank === 0xffff) return;
  recordMatch(detail, d, typos, der.exact, rank, pos);
}

/**
 * Documents of `candidates` where the phrase `terms` matches (consecutive words in one searched
 * attribute), found from its rarest word: `add(d)` for each.
 */
function phraseDocs(terms: number[], typos: number, postings: Postings, candidates: DocSet, fields: FieldRules, add: (d: number) => void): void {
  if (terms.length === 0 || terms.some((t) => t >= postings.sealedTermCount)) return;
  const rare = rarest(terms, postings);
  const { termStart, termEnd, docs } = postings;
  const pairs: number[] = new Array(terms.length).fill(0);
  for (let p = termStart[terms[rare]!]!, end = termEnd[terms[rare]!]!; p < end; p++) {
    const d = docs[p]!;
    if (!hasDoc(candidates, d) || !phrasePairs(terms, rare, p, d, postings, pairs)) continue;
    if (phraseAt(terms, pairs, typos, postings, fields, null)) add(d);
  }
}

/** Phase two for a phrase (or alternative): the detail of the pending documents it matches. */
function phraseDetail(
  terms: number[],
  typos: number,
  exact: boolean,
  postings: Postings,
  pending: Uint32Array,
  pendingSet: DocSet,
  wordDocs: DocSet,
  fields: FieldRules,
  chains: OccurrenceChains,
  m: WordMatches,
  chainMode: ChainMode,
  startLimit: number,
): void {
  if (terms.length === 0 || terms.some((t) => t >= postings.sealedTermCount)) return;
  const pairs: number[] = new Array(terms.length).fill(0);
  const record = phraseRecorder(m, terms.length, typos, exact, fields, chains, chainMode, startLimit);
  const rare = rarest(terms, postings);
  const { termStart, termEnd, docs } = postings;
  const rareStart = termStart[terms[rare]!]!;
  const rareEnd = termEnd[terms[rare]!]!;
  if (rareEnd - rareStart > detailPolicy.searchRatio * pending.length) {
    for (let i = 0; i < pending.length; i++) {
      const d = pending[i]!;
      if (!hasDoc(wordDocs, d)) continue;
      const p = findPair(postings, terms[rare]!, d);
      if (p < 0 || !phrasePairs(terms, rare, p, d, postings, pairs)) continue;
      phraseAt(terms, pairs, typos, postings, fields, (o, r) => record(d, o, r));
    }
    return;
  }
  for (let p = rareStart; p < rareEnd; p++) {
    const d = docs[p]!;
    if (!hasDoc(pendingSet, d) || !hasDoc(wordDocs, d) || !phrasePairs(terms, rare, p, d, postings, pairs)) continue;
    phraseAt(terms, pairs, typos, postings, fields, (o, r) => record(d, o, r));
  }
}

/** Index of the phrase word with the fewest documents. */
function rarest(terms: number[], postings: Postings): number {
  let best = 0;
  for (let j = 1; j < terms.length; j++) if (postings.docCount(terms[j]!) < postings.docCount(terms[best]!)) best = j;
  return best;
}

/** Fills `pairs` with the pair of each phrase word in `d` (pair `p` for word `known`); false if one is missing. */
function phrasePairs(terms: number[], known: number, p: number, d: number, postings: Postings, pairs: number[]): boolean {
  for (let j = 0; j < terms.length; j++) {
    const q = j === known ? p : findPair(postings, terms[j]!, d);
    if (q < 0) return false;
    pairs[j] = q;
  }
  return true;
}

/**
 * The phrase's matches in one document (its words' pairs in `pairs`): occurrences `o` of its first
 * word in a searched attribute (typos allowed there if any) followed by the other words. With
 * `visit` null, only whether there is one.
 */
function phraseAt(terms: number[], pairs: number[], typos: number, postings: Postings, fields: FieldRules, visit: ((o: number, rank: number) => void) | null): boolean {
  const { occStart, occ } = postings;
  let found = false;
  for (let k = occStart[pairs[0]!]!, e = occStart[pairs[0]! + 1]!; k < e; k++) {
    const o = occ[k]!;
    const f = o >>> FIELD_SHIFT;
    const r = fields.rankOfField[f] ?? -1;
    if (r < 0 || (typos > 0 && fields.noTypoField[f] === 1)) continue;
    let all = true;
    for (let j = 1; j < terms.length && all; j++) all = hasOccurrence(postings, pairs[j]!, o + j);
    if (!all) continue;
    if (visit === null) return true;
    found = true;
    visit(o, r);
  }
  return found;
}

/**
 * With fewest-typo details (FieldRules.fewestTypos), whether a match of `d` with `typos` is left
 * out: the document already matches the word with fewer.
 */
function outranked(m: WordMatches, d: number, typos: number, fewest: boolean): boolean {
  // (The document set first: a small array, where the details are a line per document.)
  return fewest && hasDoc(m.docs, d) && (m.detail[2 * d]! & TYPO_MASK) < typos;
}

/**
 * The first counted occurrence of a match of `d` with `typos`: adds the document to the word's
 * documents, and with fewest-typo details starts its details again when it matched with more
 * typos so far.
 */
function enter(m: WordMatches, d: number, typos: number, fewest: boolean): void {
  if (!hasDoc(m.docs, d)) touch(m, d);
  else if (fewest && typos < (m.detail[2 * d]! & TYPO_MASK)) initDetail(m, d);
}

/** Adds `d` to the word's documents, initializing its entries the first time. */
function touch(m: WordMatches, d: number): void {
  const w = d >>> 5;
  const bit = 1 << (d & 31);
  if ((m.docs[w]! & bit) !== 0) return;
  m.docs[w]! |= bit;
  m.count++;
  initDetail(m, d);
}

/** Index of `doc` in the sorted docs of `term`, or -1. */
export function findPair(postings: Postings, term: number, doc: number): number {
  return sortedIndexOf(postings.docs, postings.termStart[term]!, postings.termEnd[term]!, doc);
}

function hasOccurrence(postings: Postings, pair: number, packed: number): boolean {
  return sortedIndexOf(postings.occ, postings.occStart[pair]!, postings.occStart[pair + 1]!, packed) >= 0;
}

/**
 * How a phrase's matches are recorded (see matchPhrase): at its first word's occurrence `o`, in
 * an attribute of rank `r`. A quoted phrase (`exact`) at the start of an attribute starts it, or
 * is all of it, as an exact word does: Meilisearch's exactness counts a phrase as its words.
 */
function phraseRecorder(
  m: WordMatches,
  length: number,
  typos: number,
  exact: boolean,
  fields: FieldRules,
  chains: OccurrenceChains,
  chainMode: ChainMode,
  startLimit: number,
): (d: number, o: number, r: number) => void {
  const fewest = fields.fewestTypos === true;
  const startRecorded = exact && m.recordsStart;
  const fieldLengths = fields.fieldLengths;
  return (d, o, r) => {
    if (outranked(m, d, typos, fewest)) return;
    enter(m, d, typos, fewest);
    const ps = o & POSITION_MASK;
    if (startRecorded && ps === 0) recordStart(m.detail, d, fieldLengths!.get(o >>> FIELD_SHIFT, d) === length ? 2 : 1);
    recordMatch(m.detail, d, typos, exact, r, ps);
    if (chainMode === 'all' || (chainMode === 'start' && ps < startLimit)) m.head![d] = chains.push(o, m.head![d]!);
  };
}

/**
 * A phrase matches where its words follow each other in one attribute. Matches are recorded at
 * the phrase's first word. Used for quoted phrases (exact), multi-word synonyms and split words.
 */
function matchPhrase(
  terms: number[],
  typos: number,
  exact: boolean,
  postings: Postings,
  candidates: DocSet,
  fields: FieldRules,
  chains: OccurrenceChains,
  m: WordMatches,
  chainMode: ChainMode,
  startLimit: number,
): void {
  if (terms.length === 0 || terms.some((t) => t >= postings.sealedTermCount)) return;
  // Led by the rarest word: a split word such as "for tune" would otherwise walk every document
  // holding "for".
  const rare = rarest(terms, postings);
  const { termStart, termEnd, docs } = postings;
  const pairs: number[] = new Array(terms.length).fill(0);
  const record = phraseRecorder(m, terms.length, typos, exact, fields, chains, chainMode, startLimit);
  for (let p = termStart[terms[rare]!]!, end = termEnd[terms[rare]!]!; p < end; p++) {
    const d = docs[p]!;
    if (!hasDoc(candidates, d) || !phrasePairs(terms, rare, p, d, postings, pairs)) continue;
    phraseAt(terms, pairs, typos, postings, fields, (o, r) => record(d, o, r));
  }
}

/**
 * Occurrences of query words in a document, for the proximity and exactness rules: from the
 * chains when the matching pass built them, otherwise by binary search in each derivation's
 * postings. Only occurrences in searched attributes count, and typo derivations are ignored in
 * attributes where typos are disabled.
 */
export class PositionLookup {
  readonly #words: QueryWord[];
  readonly #matches: WordMatches[];
  readonly #postings: Postings;
  readonly #fields: FieldRules;
  readonly #chains: OccurrenceChains;
  /** Per word: its exact derivations (usually one), so exactness checks skip the others. */
  readonly #exact: Derivation[][];

  constructor(words: QueryWord[], matches: WordMatches[], postings: Postings, fields: FieldRules, chains: OccurrenceChains) {
    this.#exact = words.map((w) => w.derivations.filter((d) => d.exact));
    this.#words = words;
    this.#matches = matches;
    this.#postings = postings;
    this.#fields = fields;
    this.#chains = chains;
  }

  /** The occurrence chains the matching pass built (see `chainOf`). */
  get chains(): OccurrenceChains {
    return this.#chains;
  }

  /**
   * The chain of word `i`'s occurrences in document `d` (those `positions` lists, in the order
   * they were matched), or NOT_CHAINED when the matching pass did not chain them: `positions`
   * looks them up then.
   */
  chainOf(i: number, d: number): number {
    const head = this.#matches[i]!.head;
    return head === null ? NOT_CHAINED : head[d]!;
  }

  /** Sorted packed occurrences of word `i` in document `d` (exact derivations only if `exactOnly`), in `into`. */
  positions(i: number, d: number, exactOnly: boolean, into: OccurrenceList): OccurrenceList {
    const word = this.#words[i]!;
    const head = this.#matches[i]!.head;
    if (head !== null && (word.phrase !== null || !exactOnly)) return this.#chains.list(head[d]!, into);
    const out = into.reset();
    const { occStart, occ } = this.#postings;
    const { rankOfField, noTypoField } = this.#fields;
    const derivations = exactOnly ? this.#exact[i]! : word.derivations;
    const typos = this.#fields.fewestTypos === true ? minTypo(this.#matches[i]!, d) : -1;
    for (const der of derivations) {
      if (der.term >= this.#postings.sealedTermCount || (typos >= 0 && der.typos !== typos)) continue;
      const p = findPair(this.#postings, der.term, d);
      if (p < 0) continue;
      for (let k = occStart[p]!, e = occStart[p + 1]!; k < e; k++) {
        const o = occ[k]!;
        const f = o >>> FIELD_SHIFT;
        if ((rankOfField[f] ?? -1) < 0 || (der.typos > 0 && noTypoField[f] === 1)) continue;
        out.push(o);
      }
    }
    return derivations.length > 1 ? out.sort() : out;
  }
}
