import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BitRows, distanceRows, withDistanceRows, type DistanceRows } from './edit-rows.ts';
import { naiveDistance, naivePrefixDistance, naivePrefixDistances } from './test-support/edit-distance.ts';

describe('edit rows', () => {
  it('closest is the distance from the key so far to the nearest prefix of the query (property)', () => {
    const short = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd'), maxLength: 8 });
    // Past a 32-bit mask: the cell-by-cell rows.
    const long = fc.string({ unit: fc.constantFrom('a', 'b'), minLength: BitRows.MAX_QUERY_LENGTH + 1, maxLength: BitRows.MAX_QUERY_LENGTH + 4 });
    fc.assert(
      fc.property(fc.oneof(short, long), fc.oneof(short, long), fc.integer({ min: 0, max: 2 }), (q, other, k) => {
        const rows = distanceRows(q, k);
        expect(rows.closest(0)).toBe(0);
        // Keys derived from the query too, so that some stay within the distance all along.
        for (const key of [other, q, q.slice(1), q.slice(0, 3) + 'x' + q.slice(3), q + 'yy']) {
          rows.reserve(key.length);
          for (let d = 1; d <= key.length; d++) {
            const want = naivePrefixDistance(key.slice(0, d), q);
            if (rows.push(d, key.charCodeAt(d - 1)) > k) {
              // Past the bound: so is every longer key.
              expect(want).toBeGreaterThan(k);
              break;
            }
            expect(rows.closest(d)).toBe(Math.min(want, k + 1));
          }
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('rows reused walk after walk, or nested in a walk, give the distance of each key to the query (property)', () => {
    // 'é' is in the rows' table of codes below 256, 'ж' in their map of the others (which a reuse
    // must empty).
    const short = fc.string({ unit: fc.constantFrom('a', 'b', 'é', 'ж'), maxLength: 10 });
    // Past a 32-bit mask: the cell-by-cell rows, new for each walk.
    const long = fc.string({ unit: fc.constantFrom('a', 'b'), minLength: BitRows.MAX_QUERY_LENGTH + 1, maxLength: BitRows.MAX_QUERY_LENGTH + 4 });
    const text = fc.oneof(short, long);
    // Keys past the rows' first 32 depths, after a larger bound grew only their masks.
    const key = fc.oneof(text, fc.string({ unit: fc.constantFrom('a', 'b'), minLength: 33, maxLength: 40 }));
    const walk = fc.record({ query: text, max: fc.integer({ min: 0, max: 3 }), keys: fc.array(key, { maxLength: 3 }), nested: fc.option(fc.record({ query: text, max: fc.integer({ min: 0, max: 3 }), key })) });
    const check = (rows: DistanceRows, q: string, k: number, word: string): void => {
      rows.reserve(word.length);
      const want = naivePrefixDistances(word, q);
      for (let d = 1; d <= word.length; d++) {
        rows.push(d, word.charCodeAt(d - 1));
        expect(Math.min(rows.distance(d), k + 1), `${q} ${word.slice(0, d)} within ${k}`).toBe(Math.min(want[d]!, k + 1));
      }
    };
    fc.assert(
      fc.property(fc.array(walk, { minLength: 1, maxLength: 5 }), (walks) => {
        for (const { query, max, keys, nested } of walks) {
          withDistanceRows(query, max, (rows) => {
            // Keys derived from the query too, so that some are within the distance.
            for (const [i, word] of [...keys, query, query.slice(1), query.slice(0, -1) + 'x', query + 'yy', query.slice(1, 2) + query.slice(0, 1) + query.slice(2)].entries()) {
              check(rows, query, max, word);
              if (i === 0 && nested !== null) withDistanceRows(nested.query, nested.max, (inner) => check(inner, nested.query, nested.max, nested.key));
            }
          });
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('shortfall says how many more characters a key needs to come within the distance (property)', () => {
    const alphabet = ['a', 'b', 'c', 'x'];
    /** Every string over the alphabet of at most `length` characters. */
    const continuations = (length: number): string[] => {
      let level = [''];
      const all = [''];
      for (let n = 1; n <= length; n++) {
        level = level.flatMap((s) => alphabet.map((c) => s + c));
        all.push(...level);
      }
      return all;
    };
    const short = fc.string({ unit: fc.constantFrom('a', 'b', 'c'), maxLength: 7 });
    const long = fc.string({ unit: fc.constantFrom('a', 'b'), minLength: BitRows.MAX_QUERY_LENGTH + 1, maxLength: BitRows.MAX_QUERY_LENGTH + 3 });
    fc.assert(
      fc.property(fc.oneof(short, long), fc.string({ unit: fc.constantFrom('a', 'b', 'c'), maxLength: 6 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 2 }), (q, key, remaining, k) => {
        // Keys near a long query, so that its rows are not all past the distance.
        const word = q.length > BitRows.MAX_QUERY_LENGTH ? q.slice(0, q.length - remaining - 1) + key.slice(0, 2) : key;
        const rows = distanceRows(q, k);
        rows.reserve(word.length);
        for (let d = 1; d <= word.length; d++) rows.push(d, word.charCodeAt(d - 1));
        for (let d = 0; d <= word.length; d++) {
          const expected = continuations(remaining).some((s) => naiveDistance(word.slice(0, d) + s, q) <= k);
          expect(rows.shortfall(d) <= remaining, `${q} ${word.slice(0, d)} +${remaining} within ${k}`).toBe(expected);
        }
      }),
      { numRuns: 500 },
    );
  });
});
