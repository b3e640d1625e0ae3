import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { forEachNearPrefix } from './near-prefixes.ts';
import { naivePrefixDistance } from './test-support/edit-distance.ts';

describe('forEachNearPrefix', () => {
  it('visits exactly the strings within the bound of a prefix of the word, with their distance (property)', () => {
    const unit = fc.constantFrom('a', 'b', 'c', 'd', 'é');
    const str = fc.string({ unit, maxLength: 9 });
    fc.assert(
      fc.property(fc.uniqueArray(str, { maxLength: 40 }), str, fc.integer({ min: 0, max: 3 }), (strings, word, bound) => {
        // Strings derived from the word too, so that some are near it.
        const list = [...new Set([...strings, word, word.slice(1), word.slice(0, -1) + 'x', word + 'yy', word.slice(0, 3) + 'ba'])].sort();
        const visited: Array<[string, number]> = [];
        forEachNearPrefix(list, word, bound, (i, d) => visited.push([list[i]!, d]));
        const want = list.map((s) => [s, naivePrefixDistance(s, word)] as [string, number]).filter(([, d]) => d <= bound);
        expect(visited).toEqual(want);
      }),
      { numRuns: 3000 },
    );
  });

  it('counts a swap of two adjacent letters as one edit; a longer string is not near a shorter word', () => {
    const list = ['lnodon', 'lodnon', 'lond', 'london', 'londonderry', 'lpndxn', 'zzz', 'zzzab'];
    const got: Array<[string, number]> = [];
    forEachNearPrefix(list, 'london', 1, (i, d) => got.push([list[i]!, d]));
    expect(got).toEqual([['lnodon', 1], ['lodnon', 1], ['lond', 0], ['london', 0]]);
  });
});
