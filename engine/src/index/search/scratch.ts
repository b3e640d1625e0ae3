/**
 * Per-document working arrays reused from one search to the next. A search allocates several
 * arrays as long as the index's id space (typo counts, best attributes, active words per
 * document...); at 100k+ documents each is hundreds of KB, and allocating them per query made
 * garbage collection a visible part of latency. Searches run one at a time (synchronously), so
 * one pool per index is enough: `reset()` at the start of a search recycles everything.
 */
import { OccurrenceChains } from './match-data.ts';

type Typed = Uint8Array | Uint16Array | Int32Array | Uint32Array;
type TypedCtor<T extends Typed> = new (length: number) => T;

export class ScratchArrays {
  /** Occurrence chains of the current search (see match-data.ts). */
  readonly chains = new OccurrenceChains();

  #pools = new Map<TypedCtor<Typed>, { arrays: Typed[]; used: number }>();
  #length = -1;
  #bitsets: Uint32Array[] = [];
  #bitsetsUsed = 0;
  #lists = new Uint32Array(1 << 14);
  #listsTop = 0;
  #marks: Uint32Array[] = [];
  #details: Uint32Array[] = [];
  #detailUsed = 0;
  #stamp = 0;
  #clean: Uint32Array | null = null;

  /**
   * Per-document marks that need no clearing: `marks(slot)` is an array of the search length
   * that only ever holds stamps, and `stamp()` a value never used before, so `marks[d] === stamp`
   * means "marked since this stamp was taken".
   */
  marks(slot: number): Uint32Array {
    let marks = this.#marks[slot];
    if (marks === undefined) {
      marks = new Uint32Array(this.#length);
      this.#marks[slot] = marks;
    }
    return marks;
  }

  stamp(): number {
    if (this.#stamp === 0xfffffffe) {
      for (const marks of this.#marks) marks?.fill(0);
      this.#stamp = 0;
    }
    return ++this.#stamp;
  }

  /**
   * An empty document set of its own that the caller must leave empty (clearing what it set, in
   * a `finally`): sets for a few documents without zero-filling the whole id space.
   */
  cleanBitset(): Uint32Array {
    this.#clean ??= new Uint32Array((this.#length + 31) >>> 5);
    return this.#clean;
  }

  /**
   * A document list of `n` entries (contents undefined) that stays valid until the next
   * `reset()`: views into one buffer, instead of a typed array with its own store per list.
   * Never for lists a search hands out (those outlive it).
   */
  list = (n: number): Uint32Array => {
    if (this.#listsTop + n > this.#lists.length) {
      // Lists already handed out keep the old buffer alive.
      this.#lists = new Uint32Array(Math.max(n, this.#lists.length * 2));
      this.#listsTop = 0;
    }
    const out = this.#lists.subarray(this.#listsTop, this.#listsTop + n);
    this.#listsTop += n;
    return out;
  };

  /**
   * Starts a search over ids [0, length): every array handed out before may be reused. Arrays
   * are sized with room to spare and kept while ids fit (and they are not twice too long): each
   * write adds an id, and reallocating every per-document array for it made the first search
   * after a write allocate (and the collector reclaim) megabytes.
   */
  reset(length: number): void {
    if (length > this.#length || length < this.#length >>> 1) {
      this.#pools.clear();
      this.#bitsets = [];
      this.#marks = [];
      this.#details = [];
      this.#clean = null;
      this.#length = length + (length >>> 4) + 1024;
    }
    for (const pool of this.#pools.values()) pool.used = 0;
    this.#bitsetsUsed = 0;
    this.#detailUsed = 0;
    this.#listsTop = 0;
    if (this.#lists.length > 1 << 22) this.#lists = new Uint32Array(1 << 14);
  }

  /** An array of two words per document (match details), with whatever it held before. */
  takeDetail(): Uint32Array {
    if (this.#detailUsed < this.#details.length) return this.#details[this.#detailUsed++]!;
    const array = new Uint32Array(2 * this.#length);
    this.#details.push(array);
    this.#detailUsed++;
    return array;
  }

  /** An empty document set (bitset) for ids [0, length). */
  bitset(): Uint32Array {
    if (this.#bitsetsUsed < this.#bitsets.length) {
      const set = this.#bitsets[this.#bitsetsUsed++]!;
      set.fill(0);
      return set;
    }
    const set = new Uint32Array((this.#length + 31) >>> 5);
    this.#bitsets.push(set);
    this.#bitsetsUsed++;
    return set;
  }

  /** An array of the search length, filled with `value`. */
  get<T extends Typed>(ctor: TypedCtor<T>, value = 0): T {
    return this.#next(ctor, true, value);
  }

  /** An array of the search length with whatever a previous search left in it. */
  take<T extends Typed>(ctor: TypedCtor<T>): T {
    return this.#next(ctor, false, 0);
  }

  #next<T extends Typed>(ctor: TypedCtor<T>, clear: boolean, value: number): T {
    let pool = this.#pools.get(ctor as TypedCtor<Typed>);
    if (pool === undefined) {
      pool = { arrays: [], used: 0 };
      this.#pools.set(ctor as TypedCtor<Typed>, pool);
    }
    let array: T;
    if (pool.used < pool.arrays.length) {
      array = pool.arrays[pool.used] as T;
      if (clear) array.fill(value);
    } else {
      array = new ctor(this.#length);
      if (value !== 0) array.fill(value);
      pool.arrays.push(array);
    }
    pool.used++;
    return array;
  }
}
