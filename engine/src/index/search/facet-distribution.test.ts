import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../types/settings.ts';
import { SearchCore } from '../core.ts';
import { facetCountingPaths, facetValueCounts } from './facet-distribution.ts';

describe('facetValueCounts', () => {
  it('counts the same by walking values or walking candidates (property)', () => {
    const value = fc.oneof(fc.constantFrom('a', 'B', 'b', 'é', 'e\u0301', '10'), fc.integer({ min: 0, max: 4 }), fc.boolean());
    fc.assert(
      fc.property(fc.array(fc.oneof(value, fc.array(value, { maxLength: 3 })), { maxLength: 20 }), fc.array(fc.boolean(), { maxLength: 20 }), (values, picks) => {
        const core = new SearchCore({ ...defaultSettings(), filterableAttributes: ['f'] }, 'id');
        values.forEach((f, i) => core.upsert(String(i), { f }));
        core.seal();
        const list = Uint32Array.from(values.map((_, i) => i).filter((i) => picks[i] === true));
        const set = new Uint32Array(core.alive.length);
        for (const d of list) set[d >>> 5]! |= 1 << (d & 31);
        const field = core.facets.field('f');
        if (field === undefined) return;
        const byValues = facetValueCounts(field, set);
        facetCountingPaths.candidatesRatio = Infinity; // always walk the candidates
        const byCandidates = facetValueCounts(field, set, list, core.capacity);
        facetCountingPaths.candidatesRatio = 0.25;
        expect(byCandidates).toEqual(byValues);
      }),
      { numRuns: 300 },
    );
  });
});
