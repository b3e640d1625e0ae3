/**
 * The rows of a bounded edit distance between a query and the keys of a trie, one row per
 * character of the key being built (row d = distances between the key's first d characters and
 * every prefix of the query). Rows are shared by every key below the same trie node, which is
 * what makes a trie walk fast; the trie walks (term-dictionary.ts, packed-trie.ts, and the sorted
 * lists of near-prefixes.ts) differ only in how they reach nodes.
 *
 * The distance is the optimal string alignment distance (Levenshtein plus a transposition of
 * two adjacent characters counted as one edit), as Meilisearch's automata count it. Only
 * distances up to `max` matter: a row whose cells all exceed it ends the walk below.
 */
export interface DistanceRows {
  readonly query: string;
  readonly max: number;
  /** Makes room for rows up to `depth`. */
  reserve(depth: number): void;
  /**
   * Computes row `d` for key character `c` (row d - 1 is the key's previous character; `reserve`
   * must cover d). Returns a number above `max` when every cell of the row is: no key below can
   * match.
   */
  push(d: number, c: number): number;
  /** The distance between the key's first `d` characters and the whole query (max + 1 or more: too far). */
  distance(d: number): number;
  /**
   * The distance between the key's first `d` characters and the closest prefix of the query,
   * the empty one included (max + 1: too far): the walk of near-prefixes.ts, where the keys are
   * queries and the query a written word.
   */
  closest(d: number): number;
  /**
   * How many more characters the key's first `d` need at least to come within `max` of the whole
   * query (0 or less: none; Infinity: no key continuing them can). A trie walk skips a subtree
   * whose keys are too short: the query characters a key cannot reach cost one edit each.
   */
  shortfall(d: number): number;
  /** The key's first `d` characters (built only for the keys emitted). */
  key(d: number): string;
}

/** The rows for `query`: bit-parallel when the query is short enough to fit a 32-bit mask. */
export function distanceRows(query: string, max: number): DistanceRows {
  return query.length <= BitRows.MAX_QUERY_LENGTH ? new BitRows(query, max) : new DynamicRows(query, max);
}

/** Bit rows left by the last walk, for the next one (see withDistanceRows). */
let spareRows: BitRows | null = null;

/**
 * Runs `use` with the rows for `query`, reusing the bit rows of an earlier walk: a new set's
 * typed arrays cost ~3 µs to allocate, as much as a short walk, and a search walks once or
 * twice per query word. A walk started inside another gets rows of its own.
 */
export function withDistanceRows<T>(query: string, max: number, use: (rows: DistanceRows) => T): T {
  if (query.length > BitRows.MAX_QUERY_LENGTH) return use(new DynamicRows(query, max));
  const rows = spareRows === null ? new BitRows(query, max) : spareRows.reuse(query, max);
  spareRows = null;
  try {
    return use(rows);
  } finally {
    spareRows = rows;
  }
}

/** The key's characters, kept for transpositions and to build the keys emitted. */
abstract class KeyCodes {
  protected codes = new Int32Array(32);

  protected reserveCodes(depth: number): void {
    if (depth < this.codes.length) return;
    const codes = new Int32Array(Math.max(depth + 1, this.codes.length * 2));
    codes.set(this.codes);
    this.codes = codes;
  }

  key(d: number): string {
    return String.fromCharCode.apply(null, this.codes.subarray(1, d + 1) as unknown as number[]);
  }
}

/**
 * A row as max + 1 bit masks (the Wu-Manber simulation of the edit automaton): bit j of mask e
 * is set when the key so far is within e edits of the query's first j characters. A new row is a
 * few shifts and ors of the previous two, whatever the query's length; a cell-by-cell row costs
 * a loop over the band, and the walk of a long word's typos computes thousands of rows.
 */
export class BitRows extends KeyCodes implements DistanceRows {
  /** Bits 0..m of one 32-bit mask. */
  static readonly MAX_QUERY_LENGTH = 31;
  query = '';
  max = 0;
  #m = 0;
  #full = 0;
  /** Per query character code: the mask of the positions j (1-based) where it is the query's jth. */
  readonly #latin = new Int32Array(256);
  #other = new Map<number, number>();
  /** Row d's masks at d * (max + 1) + e. */
  #masks: Int32Array;
  /** Per depth: the mask of its key character (for transpositions). */
  #charMasks: Int32Array;
  /** Per depth: the distance to the whole query (max + 1: too far). */
  #distances: Int32Array;

  constructor(query: string, max: number) {
    super();
    this.#masks = new Int32Array(32 * (max + 1));
    this.#charMasks = new Int32Array(32);
    this.#distances = new Int32Array(32);
    this.reuse(query, max);
  }

  /** The same rows for another query and bound (row 0; the others are pushed), arrays kept. */
  reuse(query: string, max: number): this {
    for (let j = 0; j < this.query.length; j++) {
      const c = this.query.charCodeAt(j);
      if (c < 256) this.#latin[c] = 0;
    }
    // Replaced, not cleared, as PrefixCache's caches are: Map.clear allocates a table even for an
    // empty Map and links the dropped one to it, so a table that reached the old generation kept
    // every later one through young-generation collections.
    if (this.#other.size > 0) this.#other = new Map();
    this.query = query;
    this.max = max;
    const m = query.length;
    this.#m = m;
    this.#full = m === 31 ? -1 : ((1 << (m + 1)) - 1) | 0;
    for (let j = 1; j <= m; j++) {
      const c = query.charCodeAt(j - 1);
      if (c < 256) this.#latin[c]! |= 1 << j;
      else this.#other.set(c, (this.#other.get(c) ?? 0) | (1 << j));
    }
    this.reserve(31);
    // Row 0: the empty key is j edits from the query's first j characters.
    for (let e = 0; e <= max; e++) this.#masks[e] = (e >= 30 ? -1 : (1 << (e + 1)) - 1) & this.#full;
    this.#distances[0] = Math.min(m, max + 1);
    return this;
  }

  reserve(depth: number): void {
    this.reserveCodes(depth);
    // (Reused rows may have grown their masks for a larger bound, not their depth arrays.)
    const stride = this.max + 1;
    if ((depth + 1) * stride > this.#masks.length) {
      const masks = new Int32Array(Math.max((depth + 1) * stride, this.#masks.length * 2));
      masks.set(this.#masks);
      this.#masks = masks;
    }
    if (depth < this.#charMasks.length) return;
    const size = Math.max(depth + 1, this.#charMasks.length * 2);
    const chars = new Int32Array(size);
    chars.set(this.#charMasks);
    this.#charMasks = chars;
    const distances = new Int32Array(size);
    distances.set(this.#distances);
    this.#distances = distances;
  }

  push(d: number, c: number): number {
    const max = this.max;
    const stride = max + 1;
    const masks = this.#masks;
    const eq = c < 256 ? this.#latin[c]! : (this.#other.get(c) ?? 0);
    const row = d * stride;
    const prev = row - stride;
    // Transpositions: the key's last two characters are the query's jth and (j-1)th.
    const swapped = d > 1 ? (eq << 1) & this.#charMasks[d - 1]! : 0;
    const m = this.#m;
    let fewer = 0;
    let distance = max + 1;
    for (let e = 0; e <= max; e++) {
      let v = (masks[prev + e]! << 1) & eq;
      if (e > 0) {
        const before = masks[prev + e - 1]!;
        // Substitution, key character inserted (which also sets bit 0 while d <= e: the empty
        // query prefix is d edits away), query character deleted.
        v |= (before << 1) | before | (fewer << 1);
        if (swapped !== 0) v |= (masks[prev - stride + e - 1]! << 2) & swapped;
      }
      v &= this.#full;
      masks[row + e] = v;
      fewer = v;
      if (distance > max && ((v >>> m) & 1) !== 0) distance = e;
    }
    this.codes[d] = c;
    this.#charMasks[d] = eq;
    this.#distances[d] = distance;
    return fewer === 0 ? max + 1 : 0;
  }

  distance(d: number): number {
    return this.#distances[d]!;
  }

  closest(d: number): number {
    const stride = this.max + 1;
    // Row d's mask e holds the query prefixes within e edits.
    for (let e = 0; e < stride; e++) if (this.#masks[d * stride + e] !== 0) return e;
    return stride;
  }

  shortfall(d: number): number {
    const max = this.max;
    const row = d * (max + 1);
    let least = Infinity;
    for (let e = 0; e <= max; e++) {
      const mask = this.#masks[row + e]!;
      if (mask === 0) continue;
      // The furthest query position j reached within e edits leaves m - j characters, each an
      // edit unless the key goes on to match them.
      const furthest = 31 - Math.clz32(mask);
      const need = e + this.#m - furthest - max;
      if (need < least) least = need;
    }
    return least;
  }
}

/**
 * A row cell by cell, for queries too long for a mask. It only computes the cells within `max`
 * of its diagonal (a key of d characters is at least |d - j| edits from a query prefix of j): the
 * cells next to that band are set to max + 1, which is all the next row reads of them.
 */
export class DynamicRows extends KeyCodes implements DistanceRows {
  readonly query: string;
  readonly max: number;
  readonly #m: number;
  #rows: Int32Array;

  constructor(query: string, max: number) {
    super();
    this.query = query;
    this.max = max;
    this.#m = query.length;
    this.#rows = new Int32Array((this.#m + 1) * 32);
    for (let j = 0; j <= this.#m; j++) this.#rows[j] = j;
  }

  reserve(depth: number): void {
    this.reserveCodes(depth);
    const w = this.#m + 1;
    if ((depth + 1) * w <= this.#rows.length) return;
    const rows = new Int32Array(Math.max((depth + 1) * w, this.#rows.length * 2));
    rows.set(this.#rows);
    this.#rows = rows;
  }

  push(d: number, c: number): number {
    const m = this.#m;
    const w = m + 1;
    const q = this.query;
    const max = this.max;
    const over = max + 1;
    const rows = this.#rows;
    const codes = this.codes;
    codes[d] = c;
    const cur = d * w;
    const prev = cur - w;
    rows[cur] = d;
    let rowMin = d;
    const lo = d - max > 1 ? d - max : 1;
    const hi = d + max < m ? d + max : m;
    if (lo > 1 && lo <= m) rows[cur + lo - 1] = over;
    for (let j = lo; j <= hi; j++) {
      const qc = q.charCodeAt(j - 1);
      let v = rows[prev + j - 1]! + (qc === c ? 0 : 1);
      const del = rows[prev + j]! + 1;
      if (del < v) v = del;
      const ins = rows[cur + j - 1]! + 1;
      if (ins < v) v = ins;
      if (d > 1 && j > 1 && c === q.charCodeAt(j - 2) && codes[d - 1] === qc) {
        const t = rows[prev - w + j - 2]! + 1;
        if (t < v) v = t;
      }
      rows[cur + j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (hi < m) {
      rows[cur + hi + 1] = over;
      rows[cur + m] = over;
    } else if (lo > m && m > 0) {
      // (The whole row is past the band.)
      rows[cur + m] = over;
    }
    return rowMin;
  }

  distance(d: number): number {
    return this.#rows[d * (this.#m + 1) + this.#m]!;
  }

  closest(d: number): number {
    const m = this.#m;
    const max = this.max;
    const row = d * (m + 1);
    // The empty query prefix (d edits), then the cells of the band.
    let least = Math.min(d, max + 1);
    for (let j = Math.max(1, d - max), hi = Math.min(m, d + max); j <= hi; j++) if (this.#rows[row + j]! < least) least = this.#rows[row + j]!;
    return least;
  }

  shortfall(d: number): number {
    const m = this.#m;
    const max = this.max;
    const row = d * (m + 1);
    let least = Infinity;
    // (Cells outside the band are past max.)
    for (let j = Math.max(0, d - max), hi = Math.min(m, d + max); j <= hi; j++) {
      const v = this.#rows[row + j]!;
      if (v <= max && v + m - j - max < least) least = v + m - j - max;
    }
    return least;
  }
}
