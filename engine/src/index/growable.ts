/** An append-only Uint32Array that doubles its capacity; `data` may be longer than `length`. */
export class GrowableU32 {
  data: Uint32Array;
  length = 0;

  constructor(initialCapacity = 16) {
    this.data = new Uint32Array(initialCapacity);
  }

  push(v: number): void {
    if (this.length === this.data.length) this.grow(this.length + 1);
    this.data[this.length++] = v;
  }

  grow(minCapacity: number): void {
    if (minCapacity <= this.data.length) return;
    const next = new Uint32Array(Math.max(minCapacity, this.data.length * 2, 16));
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }

  clear(): void {
    this.length = 0;
  }

  /** A view of the used part (shares memory until the next growth). */
  view(): Uint32Array {
    return this.data.subarray(0, this.length);
  }
}

/** Returns `array` if it holds `size` elements, else a zero-filled copy grown to at least `size`. */
export function ensureLength<T extends Uint32Array | Float64Array | Uint8Array | Int32Array>(array: T, size: number): T {
  if (array.length >= size) return array;
  const ctor = array.constructor as new (n: number) => T;
  const next = new ctor(Math.max(size, array.length * 2, 64));
  next.set(array);
  return next;
}

/**
 * `array` if it holds `size` elements, else a copy of its first `used` elements with room for
 * half again as many as `size`: for arrays extended in place write after write, where a copy
 * of the whole per write was the write's largest cost.
 */
export function withRoom(array: Uint32Array, used: number, size: number): Uint32Array {
  if (array.length >= size) return array;
  const next = new Uint32Array(Math.ceil(size * 1.5));
  next.set(array.subarray(0, used));
  return next;
}
