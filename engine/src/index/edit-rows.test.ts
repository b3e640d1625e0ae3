import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BitRows, distanceRows, hasPrefixWithin } from './edit-rows.ts';
import { naivePrefixDistance } from './test-support/edit-distance.ts';

describe('edit rows', () => {
  it('hasPrefixWithin agrees with the smallest distance to a prefix, one set of rows asked about word after word (property)', () => {
    const short = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd'), maxLength: 8 });
    // Past a 32-bit mask: the cell-by-cell rows.
    const long = fc.string({ unit: fc.constantFrom('a', 'b'), minLength: BitRows.MAX_QUERY_LENGTH + 1, maxLength: BitRows.MAX_QUERY_LENGTH + 4 });
    const query = fc.oneof(short, long);
    fc.assert(
      fc.property(query, fc.array(fc.oneof(short, long), { maxLength: 6 }), fc.integer({ min: 0, max: 2 }), (q, words, k) => {
        const rows = distanceRows(q, k);
        // Words derived from the query too, so that some are within the distance.
        for (const word of [...words, q, q.slice(1), q.slice(0, -1) + 'x', q + 'yy']) {
          expect(hasPrefixWithin(rows, word)).toBe(naivePrefixDistance(q, word) <= k);
        }
      }),
      { numRuns: 1500 },
    );
  });
});
