import { GrowableU32 } from './growable.ts';
import { ExtraPairs, type Postings } from './postings.ts';
import type { Vocabulary } from './vocabulary.ts';

/**
 * Postings of common prefixes, built at indexing time (milli's word_prefix_docids and
 * word_prefix_position_docids): for each prefix of at most PREFIX_ROW_MAX_BYTES UTF-8 bytes that
 * starts PREFIX_ROW_MIN_WORDS words or more, one row in the postings, under a reserved term id,
 * holding for every document the occurrences of all the words that extend the prefix (the
 * prefix itself excluded), merged in ascending order. A prefix query word ("t", "li", "pro")
 * then reads one row instead of the rows of thousands of words, through the same code as any
 * derivation (match data, two-phase details, lazy positions, proximity chains).
 *
 * Rows are written like any other postings: before each seal, the pending pairs of the new
 * documents are merged per document and prefix into pending pairs of the prefixes' rows, so the
 * seal carries them over, drops dead documents and renumbers ids with the words' rows. A prefix
 * that reaches the word threshold after its words were sealed gets its row from their sealed rows.
 * Which prefixes a query may read as a row is decided at query time (query-terms.ts: at least
 * PREFIX_ROW_MIN_WORDS live words), from `lookup`.
 */
export const PREFIX_ROW_MAX_BYTES = 4;
/** `enabled: false` makes searches ignore the rows (tests compare both ways on one index). */
export const prefixRowPolicy = { enabled: true };
/**
 * Below milli's 100 words (its prefix database's threshold): a prefix of 64 to 99 words read as
 * one row instead of as each of its words is one lookup per ranked document for the proximity
 * rule (row-proximity.ts) instead of chains of every occurrence. On debian-63k, 585 rows instead
 * of 358 and postings arrays of 123.0 MB instead of 114.5 (from 40 words: 948 rows, 131.8 MB);
 * geonames-171k 19.6 MB instead of 18.0.
 */
export const PREFIX_ROW_MIN_WORDS = 64;

export interface PrefixRow {
  /** The reserved term id of the row. */
  term: number;
  /** Words extending the prefix (not the prefix itself) that are in some live document. */
  liveWords: number;
}

const NO_ROWS: readonly number[] = [];
const TWO_32 = 2 ** 32;

/** Calls `f` with each proper prefix of `word` of at most PREFIX_ROW_MAX_BYTES UTF-8 bytes. */
function forEachShortPrefix(word: string, f: (prefix: string) => void): void {
  let bytes = 0;
  let i = 0;
  while (i < word.length) {
    const c = word.codePointAt(i)!;
    bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    i += c >= 0x10000 ? 2 : 1;
    if (bytes > PREFIX_ROW_MAX_BYTES || i >= word.length) return;
    f(word.slice(0, i));
  }
}

export class PrefixRows {
  /** Words (ever interned) extending each short prefix. */
  #words = new Map<string, number>();
  /** Prefix -> reserved term id of its row. */
  #rows = new Map<string, number>();
  /** Reserved term id of a row -> its prefix. */
  #prefixes = new Map<number, string>();
  /** Row term id -> live words (after the last seal). */
  #live = new Map<number, number>();
  /** Per word term id: the row term ids of its prefixes (NO_ROWS when none). */
  #rowsOf: Array<readonly number[]> = [];
  /** Vocabulary ids already counted. */
  #seen = 0;
  /** Set by beforeSeal when the rows are to be built by afterSeal. */
  #bulk = false;
  /** Set by reset: the next seal builds every row in bulk even if words are already sealed. */
  #rebuildAll = false;
  /** Vocabulary ids whose words `#live` counts. */
  #liveUpTo = 0;
  /** Set when rows were created or built: every word is counted again. */
  #recount = true;
  /**
   * #fromPending's slot per row term, kept while the rows stay the same (an array of the
   * vocabulary's size per write made the collector run every ~30 writes).
   */
  #slots: { rows: Map<string, number>; count: number; slotOf: Int32Array } | null = null;

  /** Forgets every row; the next seal builds them all again, in bulk, from the sealed words. */
  reset(): void {
    this.#rebuildAll = true;
    this.#words = new Map();
    this.#rows = new Map();
    this.#prefixes = new Map();
    this.#live = new Map();
    this.#rowsOf = [];
    this.#seen = 0;
    this.#liveUpTo = 0;
    this.#recount = true;
  }

  /** The row of `prefix`, if it has one (see PrefixRow). */
  lookup(prefix: string): PrefixRow | undefined {
    const term = this.#rows.get(prefix);
    return term === undefined ? undefined : { term, liveWords: this.#live.get(term) ?? 0 };
  }

  /** The prefix of the row with this reserved term id. */
  prefixOf(term: number): string | undefined {
    return this.#prefixes.get(term);
  }

  /** The row terms of the prefixes of word term `term` (as of the last beforeSeal). */
  rowsOfWord(term: number): readonly number[] {
    return this.#rowsOf[term] ?? NO_ROWS;
  }

  /** Number of prefix rows (for stats). */
  get size(): number {
    return this.#rows.size;
  }

  /**
   * Before `postings.seal`: counts the new words' prefixes, creates the rows of prefixes that
   * reached the threshold (filled from the sealed rows of their words) and merges the pending
   * documents' pairs into pairs of their words' prefix rows, returned for the seal to add.
   */
  beforeSeal(vocabulary: Vocabulary, postings: Postings): ExtraPairs {
    const size = vocabulary.size;
    const created: string[] = [];
    for (let t = this.#seen; t < size; t++) {
      if (vocabulary.isReserved(t)) continue;
      forEachShortPrefix(vocabulary.term(t), (p) => {
        const n = (this.#words.get(p) ?? 0) + 1;
        this.#words.set(p, n);
        if (n === PREFIX_ROW_MIN_WORDS) created.push(p);
      });
    }
    this.#recount ||= created.length > 0;
    for (const p of created) {
      const term = vocabulary.reserve();
      this.#rows.set(p, term);
      this.#prefixes.set(term, p);
    }
    const from = created.length > 0 ? 0 : this.#seen;
    this.#seen = vocabulary.size;
    for (let t = from; t < this.#seen; t++) this.#rowsOf[t] = vocabulary.isReserved(t) ? NO_ROWS : this.#rowsOfWord(vocabulary.term(t));

    const out = new ExtraPairs();
    // Nothing sealed yet (first load, or everything re-indexed): every row is built at once from
    // the sealed words, after the seal (bulk build), which is cheaper than merging per document.
    this.#bulk = postings.sealedTermCount === 0 || this.#rebuildAll;
    this.#rebuildAll = false;
    if (this.#bulk) return out;
    for (const p of created) this.#fromSealed(p, vocabulary, postings, out);
    this.#fromPending(postings, out);
    return out;
  }

  /**
   * After `postings.seal`: the rows (bulk build), then the live words of each row, counted again
   * only for the words the seal emptied or filled and the new ones, when it could list them (a
   * count over every word took most of a one-document write's seal).
   */
  afterSeal(vocabulary: Vocabulary, postings: Postings, capacity: number): void {
    if (this.#bulk) {
      this.#bulk = false;
      this.#recount = true;
      buildRows(this.#rows, this.#rowsOf, postings, capacity);
    }
    const flipped = postings.lastSeal.flipped;
    const rowsOf = this.#rowsOf;
    const live = this.#live;
    const add = (t: number, delta: number): void => {
      const rows = rowsOf[t]!;
      for (let i = 0; i < rows.length; i++) live.set(rows[i]!, (live.get(rows[i]!) ?? 0) + delta);
    };
    let from = this.#liveUpTo;
    if (this.#recount || flipped === null) {
      live.clear();
      from = 0;
    } else {
      for (const t of flipped) if (t < from) add(t, postings.docCount(t) > 0 ? 1 : -1);
    }
    // Indexed loops: this can run over every word, before the optimizer sees it, and for-of made
    // an iterator per word (~1.5 MB of garbage per seal on geonames-171k).
    for (let t = from; t < this.#seen; t++) if (postings.docCount(t) > 0) add(t, 1);
    this.#liveUpTo = this.#seen;
    this.#recount = false;
  }

  #rowsOfWord(word: string): readonly number[] {
    let rows: number[] | null = null;
    forEachShortPrefix(word, (p) => {
      const r = this.#rows.get(p);
      if (r !== undefined) (rows ??= []).push(r);
    });
    return rows ?? NO_ROWS;
  }

  /** The row of a new prefix from the sealed rows of its words (pending ones come later). */
  #fromSealed(prefix: string, vocabulary: Vocabulary, postings: Postings, out: ExtraPairs): void {
    const row = this.#rows.get(prefix)!;
    const { termStart, termEnd, docs, occStart, occ } = postings;
    const sealed = postings.sealedTermCount;
    const keys: number[] = [];
    vocabulary.tree().forEachWithPrefix(prefix, (key, term) => {
      if (key === prefix || term >= sealed) return;
      for (let p = termStart[term]!, end = termEnd[term]!; p < end; p++) {
        const high = docs[p]! * TWO_32;
        for (let k = occStart[p]!, e = occStart[p + 1]!; k < e; k++) keys.push(high + occ[k]!);
      }
    });
    keys.sort((x, y) => x - y);
    for (let i = 0; i < keys.length; ) {
      const doc = Math.floor(keys[i]! / TWO_32);
      out.begin(row, doc);
      for (; i < keys.length && Math.floor(keys[i]! / TWO_32) === doc; i++) out.occ.push(keys[i]! - doc * TWO_32);
    }
  }

  /**
   * The pending pairs of each document merged per prefix row: one pair per (row, document), its
   * occurrences those of the document's words under the prefix, ascending.
   */
  #fromPending(postings: Postings, out: ExtraPairs): void {
    const pending = postings.pending();
    const { count, doc } = pending;
    reserve(pending, this.#rowsOf, out);
    // Rows are term ids; their working lists are indexed densely (a sparse array is slow).
    let slots = this.#slots;
    if (slots === null || slots.rows !== this.#rows || slots.count !== this.#rows.size || slots.slotOf.length < this.#seen) {
      const slotOf = new Int32Array(Math.ceil(this.#seen * 1.25));
      let n = 0;
      for (const r of this.#rows.values()) slotOf[r] = n++;
      slots = this.#slots = { rows: this.#rows, count: n, slotOf };
    }
    const pairsOf = Array.from({ length: slots.count }, (): number[] => []);
    const work: DocWork = { rowsOf: this.#rowsOf, lastDoc: new Int32Array(slots.count).fill(-1), slotOf: slots.slotOf, pairsOf, touched: [] };
    for (let a = 0; a < count; ) {
      const d = doc[a]!;
      const b = collectDoc(pending, a, d, work);
      if (work.touched.length > 0) emitDoc(pending, d, work, out);
      a = b;
    }
  }
}

type Pending = ReturnType<Postings['pending']>;

/** Sizes `out` for at most the pairs and occurrences the pending pairs can give (one growth). */
function reserve(pending: Pending, rowsOf: Array<readonly number[]>, out: ExtraPairs): void {
  const { count, term, occStart } = pending;
  let pairs = 0;
  let occs = 0;
  for (let p = 0; p < count; p++) {
    const n = rowsOf[term[p]!]!.length;
    pairs += n;
    occs += n * (occStart[p + 1]! - occStart[p]!);
  }
  out.term.grow(out.term.length + pairs);
  out.doc.grow(out.doc.length + pairs);
  out.occStart.grow(out.occStart.length + pairs + 1);
  out.occ.grow(out.occ.length + occs);
}

interface DocWork {
  rowsOf: Array<readonly number[]>;
  /** Per slot: the last document that touched its row. */
  lastDoc: Int32Array;
  /** Per row term id: its slot in `pairsOf`. */
  slotOf: Int32Array;
  /** Per slot: the current document's pending pairs under the row. */
  pairsOf: number[][];
  /** The rows the current document touched. */
  touched: number[];
}

/** Groups the pending pairs [a, end of document d) by prefix row; returns the end. */
function collectDoc(pending: Pending, a: number, d: number, work: DocWork): number {
  const { count, term, doc } = pending;
  const { rowsOf, lastDoc, slotOf, pairsOf, touched } = work;
  touched.length = 0;
  let b = a;
  for (; b < count && doc[b] === d; b++) {
    const rows = rowsOf[term[b]!]!;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      const slot = slotOf[r]!;
      const list = pairsOf[slot]!;
      if (lastDoc[slot] !== d) {
        lastDoc[slot] = d;
        list.length = 0;
        touched.push(r);
      }
      list.push(b);
    }
  }
  return b;
}

/** One pair per row touched by document d: its words' occurrences, ascending. */
function emitDoc(pending: Pending, d: number, work: DocWork, out: ExtraPairs): void {
  const { occStart, occ } = pending;
  const { slotOf, pairsOf, touched } = work;
  for (let t = 0; t < touched.length; t++) {
    const r = touched[t]!;
    const list = pairsOf[slotOf[r]!]!;
    out.begin(r, d);
    const o = out.occ;
    const from = o.length;
    for (let i = 0; i < list.length; i++) {
      const p = list[i]!;
      const k1 = occStart[p + 1]!;
      for (let k = occStart[p]!; k < k1; k++) o.push(occ[k]!);
    }
    // Several words: their (each ascending) occurrences interleave; sort the short run.
    if (list.length > 1) sortRun(o.data, from, o.length);
  }
}

/**
 * Every row at once from the sealed rows of the words (the rows are the last, empty, terms of the
 * postings): per prefix, its words' pairs counted per document, then their occurrences copied to
 * each document's place, then each document's run sorted when several words filled it.
 */
function buildRows(rows: ReadonlyMap<string, number>, rowsOf: ReadonlyArray<readonly number[]>, postings: Postings, capacity: number): void {
  const { termStart, termEnd, docs, occStart, occ } = postings;
  const count = new Uint32Array(capacity);
  const words = new Uint8Array(capacity);
  const cursor = new Uint32Array(capacity);
  const order = [...rows.entries()].sort((a, b) => a[1] - b[1]);
  // The words of each row, and upper bounds of the sizes (exact for occurrences).
  const slotOf = new Map<number, number>(order.map(([, row], i) => [row, i]));
  const termsOf: number[][] = order.map(() => []);
  let maxPairs = 0;
  let totalOcc = 0;
  for (let t = 0; t < rowsOf.length; t++) {
    const of = rowsOf[t]!;
    if (of.length === 0) continue;
    const pairs = termEnd[t]! - termStart[t]!;
    const occs = occStart[termEnd[t]!]! - occStart[termStart[t]!]!;
    for (const r of of) {
      termsOf[slotOf.get(r)!]!.push(t);
      maxPairs += pairs;
      totalOcc += occs;
    }
  }
  const outDocs = new Uint32Array(maxPairs);
  const outOccStart = new Uint32Array(maxPairs);
  const outOcc = new Uint32Array(totalOcc);
  const rowStart = new Map<number, number>();
  let pairs = 0;
  let total = 0;
  for (let r = 0; r < order.length; r++) {
    rowStart.set(order[r]![1], pairs);
    const terms = termsOf[r]!;
    const span = countRow(terms, termStart, termEnd, docs, occStart, count, words);
    const first = pairs;
    // Documents ascending: a scan of the range they span (cheaper than sorting them).
    for (let d = span.min; d <= span.max; d++) {
      if (count[d] === 0) continue;
      outDocs[pairs] = d;
      outOccStart[pairs++] = total;
      cursor[d] = total;
      total += count[d]!;
    }
    copyRow(terms, termStart, termEnd, docs, occStart, occ, cursor, outOcc);
    finishRow(outDocs, outOccStart, outOcc, first, pairs, count, words);
  }
  postings.fillTailRows(rowStart, outDocs.subarray(0, pairs), outOccStart.subarray(0, pairs), outOcc.subarray(0, total));
}

/** Sorts the runs filled by several words, and clears the per-document counts of the row. */
function finishRow(outDocs: Uint32Array, outOccStart: Uint32Array, outOcc: Uint32Array, first: number, end: number, count: Uint32Array, words: Uint8Array): void {
  for (let i = first; i < end; i++) {
    const d = outDocs[i]!;
    if (words[d]! > 1) sortRun(outOcc, outOccStart[i]!, outOccStart[i]! + count[d]!);
    count[d] = 0;
    words[d] = 0;
  }
}

/** Occurrences per document (`count`) and words per document (`words`, capped at 2) of `terms`; the documents' range. */
function countRow(terms: number[], termStart: Uint32Array, termEnd: Uint32Array, docs: Uint32Array, occStart: Uint32Array, count: Uint32Array, words: Uint8Array): { min: number; max: number } {
  let min = count.length;
  let max = -1;
  for (let i = 0; i < terms.length; i++) {
    const t = terms[i]!;
    for (let p = termStart[t]!, end = termEnd[t]!; p < end; p++) {
      const d = docs[p]!;
      if (d < min) min = d;
      if (d > max) max = d;
      count[d]! += occStart[p + 1]! - occStart[p]!;
      if (words[d]! < 2) words[d]!++;
    }
  }
  return { min, max };
}

/** Copies the occurrences of `terms` to their document's place (`cursor`, advanced). */
function copyRow(terms: number[], termStart: Uint32Array, termEnd: Uint32Array, docs: Uint32Array, occStart: Uint32Array, occ: Uint32Array, cursor: Uint32Array, out: Uint32Array): void {
  for (let i = 0; i < terms.length; i++) {
    const t = terms[i]!;
    for (let p = termStart[t]!, end = termEnd[t]!; p < end; p++) {
      const d = docs[p]!;
      let w = cursor[d]!;
      for (let k = occStart[p]!, e = occStart[p + 1]!; k < e; k++) out[w++] = occ[k]!;
      cursor[d] = w;
    }
  }
}

let mergeTemp = new Uint32Array(1024);
let runBounds = new Int32Array(64);

/**
 * Sorts data[from, to) ascending, where the range is a concatenation of ascending runs (one per
 * word): a natural merge sort, O(n log runs).
 */
function sortRun(data: Uint32Array, from: number, to: number): void {
  const n = to - from;
  if (n < 2) return;
  if (mergeTemp.length < n) mergeTemp = new Uint32Array(Math.max(n, mergeTemp.length * 2));
  if (runBounds.length < n + 1) runBounds = new Int32Array(Math.max(n + 1, runBounds.length * 2));
  let runs = 0;
  runBounds[runs++] = from;
  for (let i = from + 1; i < to; i++) if (data[i]! < data[i - 1]!) runBounds[runs++] = i;
  runBounds[runs] = to;
  while (runs > 1) {
    let out = 0;
    for (let r = 0; r < runs; r += 2) {
      const a = runBounds[r]!;
      const b = runBounds[r + 1]!;
      if (r + 1 < runs) mergeRuns(data, a, b, runBounds[r + 2]!);
      runBounds[out++] = a;
    }
    runBounds[out] = to;
    runs = out;
  }
}

/** Merges the ascending runs data[a, b) and data[b, c) in place (through mergeTemp). */
function mergeRuns(data: Uint32Array, a: number, b: number, c: number): void {
  if (data[b - 1]! <= data[b]!) return;
  const tmp = mergeTemp;
  let i = a;
  let j = b;
  let k = 0;
  while (i < b && j < c) tmp[k++] = data[i]! <= data[j]! ? data[i++]! : data[j++]!;
  while (i < b) tmp[k++] = data[i++]!;
  while (j < c) tmp[k++] = data[j++]!;
  data.set(tmp.subarray(0, k), a);
}
