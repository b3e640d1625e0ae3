/**
 * Document sets over internal ids: a plain bitset (one bit per id in a Uint32Array). With dense
 * ids, a bitset of 171k documents is 21 KB and every set operation is a tight loop over a few
 * thousand words, which beats sorted-array merges for the filter/candidate sizes we see.
 * Functions take the capacity implicitly from the array length; sets combined together must
 * have the same length (see `bitsetWords`).
 */
export type DocSet = Uint32Array;

/** Number of 32-bit words needed for ids in [0, capacity). */
export function bitsetWords(capacity: number): number {
  return (capacity + 31) >>> 5;
}

export function emptySet(capacity: number): DocSet {
  return new Uint32Array(bitsetWords(capacity));
}

export function addDoc(set: DocSet, id: number): void {
  set[id >>> 5]! |= 1 << (id & 31);
}

export function removeDoc(set: DocSet, id: number): void {
  set[id >>> 5]! &= ~(1 << (id & 31));
}

export function hasDoc(set: DocSet, id: number): boolean {
  return ((set[id >>> 5] ?? 0) & (1 << (id & 31))) !== 0;
}

export function copySet(set: DocSet): DocSet {
  return set.slice();
}

/** a &= b */
export function intersectInPlace(a: DocSet, b: DocSet): DocSet {
  for (let i = 0; i < a.length; i++) a[i]! &= b[i] ?? 0;
  return a;
}

/** a |= b */
export function unionInPlace(a: DocSet, b: DocSet): DocSet {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) a[i]! |= b[i]!;
  return a;
}

/** a &= ~b */
export function subtractInPlace(a: DocSet, b: DocSet): DocSet {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) a[i]! &= ~b[i]!;
  return a;
}

function popcount(v: number): number {
  v -= (v >>> 1) & 0x55555555;
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

export function countSet(set: DocSet): number {
  let n = 0;
  for (let i = 0; i < set.length; i++) if (set[i] !== 0) n += popcount(set[i]!);
  return n;
}

/**
 * Where setToArray lists a set's ids before copying them out at their number: one pass over the
 * set instead of two (counting it first read every word of it twice, 17-30 µs against 11 for a
 * set of 279 of 171k documents). It grows to the largest list made, and is let go past
 * LISTED_KEPT ids so that one listing of a huge index does not hold its size for good.
 */
let listed = new Uint32Array(1024);
const LISTED_KEPT = 1 << 20;

/** The ids in the set, ascending (the first `limit` of them). */
export function setToArray(set: DocSet, limit = Infinity, alloc?: (n: number) => Uint32Array): Uint32Array {
  let buffer = listed;
  let k = 0;
  outer: for (let i = 0; i < set.length; i++) {
    let w = set[i]!;
    if (w === 0) continue;
    const base = (i << 5) + 31;
    do {
      if (k === limit) break outer;
      if (k === buffer.length) {
        const grown = new Uint32Array(buffer.length * 2);
        grown.set(buffer);
        buffer = grown;
      }
      const t = w & -w;
      buffer[k++] = base - Math.clz32(t);
      w ^= t;
    } while (w !== 0);
  }
  listed = buffer.length > LISTED_KEPT ? new Uint32Array(1024) : buffer;
  const out = alloc === undefined ? new Uint32Array(k) : alloc(k);
  out.set(buffer.subarray(0, k));
  return out;
}

/** Adds every id of a sorted or unsorted id list. */
export function addAll(set: DocSet, ids: ArrayLike<number>, from = 0, to = ids.length): DocSet {
  for (let i = from; i < to; i++) {
    const id = ids[i]!;
    set[id >>> 5]! |= 1 << (id & 31);
  }
  return set;
}
