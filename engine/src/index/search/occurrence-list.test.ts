import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OccurrenceChains } from './match-data.ts';
import { OccurrenceList } from './occurrence-list.ts';

const packed = fc.integer({ min: 0, max: 0xffffffff });
const contents = (list: OccurrenceList): number[] => [...list.data.subarray(0, list.length)];

describe('OccurrenceList', () => {
  it('holds, sorts and finds exactly what was pushed since the last reset, whatever it held before (property)', () => {
    fc.assert(
      // Lengths either side of the insertion sort's bound (32) and of the first growth (16).
      fc.property(fc.array(fc.array(packed, { maxLength: 80 }), { minLength: 1, maxLength: 4 }), packed, (fills, probe) => {
        const list = new OccurrenceList();
        for (const fill of fills) {
          list.reset();
          for (const o of fill) list.push(o);
          expect(contents(list)).toEqual(fill);
          expect(list.includes(probe)).toBe(fill.includes(probe));
          expect(contents(list.sort())).toEqual([...fill].sort((a, b) => a - b));
        }
      }),
    );
  });

  it('is what OccurrenceChains.list fills, ascending, for chains of any length', () => {
    fc.assert(
      fc.property(fc.array(fc.array(packed, { maxLength: 70 }), { minLength: 1, maxLength: 3 }), (lists) => {
        const chains = new OccurrenceChains();
        const into = new OccurrenceList();
        for (const list of lists) {
          let head = -1;
          for (const o of list) head = chains.push(o, head);
          expect(chains.list(head, into)).toBe(into);
          expect(contents(into)).toEqual([...list].sort((a, b) => a - b));
        }
      }),
    );
  });
});
