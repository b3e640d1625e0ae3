import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FIELD_SHIFT } from '../postings.ts';
import { OccurrenceChains } from './match-data.ts';
import { chainedPairProximity, pairProximity, slicePairProximity } from './ranking-rules.ts';

/**
 * The proximity of two words read from their occurrence chains in place (every pair compared)
 * against the merge of their sorted lists. Chains hold a document's occurrences in push order:
 * derivation by derivation, so not sorted.
 */
const occurrence = fc.record({ field: fc.integer({ min: 0, max: 2 }), position: fc.integer({ min: 0, max: 20 }) }).map(({ field, position }) => (field << FIELD_SHIFT) | position);
/** Up to 12 occurrences a word: up to 144 pairs, past the in-place comparison's bound of 64. */
const occurrences = fc.uniqueArray(occurrence, { maxLength: 12 });

function chain(chains: OccurrenceChains, list: readonly number[]): number {
  let head = -1;
  for (const o of list) head = chains.push(o, head);
  return head;
}

const ascending = (list: readonly number[]): number[] => [...list].sort((a, b) => a - b);

describe('proximity from occurrence chains', () => {
  it('equals the merge of the sorted occurrences, for any order, span and length (property)', () => {
    fc.assert(
      fc.property(occurrences, occurrences, fc.integer({ min: 0, max: 3 }), (a, b, span) => {
        const chains = new OccurrenceChains();
        const headA = chain(chains, a);
        const headB = chain(chains, b);
        expect(chainedPairProximity(chains, headA, span, headB)).toBe(pairProximity(ascending(a), span, ascending(b)));
      }),
      { numRuns: 3000 },
    );
  });

  it('read as slices of one array (row-proximity.ts), equals the merge, every pair compared or past the bound merged (property)', () => {
    fc.assert(
      fc.property(occurrences, occurrences, fc.integer({ min: 0, max: 3 }), fc.nat(5), (a, b, span, gap) => {
        // Both slices in one array, apart and offset, as two pairs' occurrences in `occ`.
        const sortedA = ascending(a);
        const sortedB = ascending(b);
        const occ = Uint32Array.from([...new Array<number>(gap).fill(1), ...sortedB, 9, ...sortedA, 3]);
        const bFrom = gap;
        const aFrom = gap + sortedB.length + 1;
        expect(slicePairProximity(occ, aFrom, aFrom + sortedA.length, span, occ, bFrom, bFrom + sortedB.length)).toBe(pairProximity(sortedA, span, sortedB));
      }),
      { numRuns: 3000 },
    );
  });

  it('costs B right after A 0, B before A one more than the same gap, other attributes the most', () => {
    const chains = new OccurrenceChains();
    const at = (field: number, position: number): number => (field << FIELD_SHIFT) | position;
    const cost = (a: number[], b: number[], span = 0): number => chainedPairProximity(chains, chain(chains, a), span, chain(chains, b));
    expect(cost([at(0, 3)], [at(0, 4)])).toBe(0);
    expect(cost([at(0, 5)], [at(0, 4)])).toBe(1);
    expect(cost([at(0, 9), at(0, 3)], [at(0, 6)])).toBe(2);
    // A phrase of three words at 3 ends at 5.
    expect(cost([at(0, 3)], [at(0, 6)], 2)).toBe(0);
    expect(cost([at(0, 3)], [at(1, 4)])).toBe(7);
    expect(cost([], [at(0, 1)])).toBe(7);
  });
});
