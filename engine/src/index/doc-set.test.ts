import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDoc, countSet, emptySet, setToArray } from './doc-set.ts';

describe('setToArray', () => {
  it('lists the ids of a set in ascending order, the first `limit` of them (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5000 }),
        fc.array(fc.nat(), { maxLength: 3000 }),
        fc.option(fc.nat({ max: 3500 }), { nil: undefined }),
        fc.boolean(),
        (capacity, raw, limit, arena) => {
          const set = emptySet(capacity);
          const ids = new Set(raw.filter((id) => id < capacity));
          for (const id of ids) addDoc(set, id);
          const want = [...ids].sort((a, b) => a - b).slice(0, limit ?? Infinity);
          // An arena hands out views into one buffer (bucket-sort.ts's): the list must be written there.
          const backing = new Uint32Array(want.length + 8).fill(7);
          const got = setToArray(set, limit, arena ? (n) => backing.subarray(4, 4 + n) : undefined);
          expect(Array.from(got)).toEqual(want);
          if (arena) expect(got.buffer).toBe(backing.buffer);
          expect(countSet(set)).toBe(ids.size);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('lists a set larger than any it listed before, and a small one after it', () => {
    const big = emptySet(200_000);
    for (let id = 0; id < 200_000; id += 3) addDoc(big, id);
    expect(setToArray(big).length).toBe(66_667);
    const small = emptySet(100);
    addDoc(small, 99);
    addDoc(small, 0);
    expect(Array.from(setToArray(small))).toEqual([0, 99]);
  });
});
