import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Document } from '../types/document.ts';
import { FacetIndex } from './facets.ts';
import type { GrowableU32 } from './growable.ts';

/**
 * The seal's clean-up of the facet lists (dead documents dropped, values left without documents
 * forgotten), which it skips when nothing was removed since the last seal. Searches intersect the
 * lists with their candidates, so a dead id left behind changes no answer: these tests read the
 * lists themselves.
 */
const listed = (list: GrowableU32): number[] => Array.from(list.data.subarray(0, list.length));

/** Every non-empty list of the index as plain arrays: value -> documents, per field. */
function lists(index: FacetIndex): Record<string, Record<string, number[]>> {
  const out: Record<string, Record<string, number[]>> = {};
  for (const [path, field] of index.fields) {
    const f: Record<string, number[]> = {};
    for (const [key, entry] of field.strings) f[`s:${key}`] = listed(entry.docs);
    for (const [key, docs] of field.numbers) f[`n:${key}`] = listed(docs);
    // (A field or a list of documents that ever had it stays, empty.)
    if (field.exists.length > 0) f['exists'] = listed(field.exists);
    if (field.nulls.length > 0) f['nulls'] = listed(field.nulls);
    if (field.empties.length > 0) f['empties'] = listed(field.empties);
    if (Object.keys(f).length > 0) out[path] = f;
  }
  return out;
}

const document = fc.record({
  color: fc.oneof(fc.constantFrom('red', 'green', 'blue'), fc.constant(null), fc.constant([])),
  size: fc.integer({ min: 0, max: 3 }),
});
type Op = { kind: 'add'; doc: Document } | { kind: 'remove'; pick: number } | { kind: 'seal' };
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('add' as const), doc: document }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'seal' as const }) },
);

describe('FacetIndex.seal', () => {
  it.each([
    // Ids only grow, as the core hands them out: each seal cleans the lists the removed
    // documents were added to, one by one.
    ['ids in order', false],
    // Ids below earlier ones (as when settings re-index the documents): a seal after that goes
    // over every list, and later in-order seals rely on what it left.
    ['ids sometimes out of order', true],
  ])('leaves exactly the lists of the live documents, however additions, removals and seals interleave: %s (property)', (_name, outOfOrder) => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }), (ops, below) => {
        const index = new FacetIndex(() => true);
        const alive = new Map<number, Document>();
        let up = 1000;
        let down = 999;
        ops.forEach((o, i) => {
          if (o.kind === 'add') {
            const id = outOfOrder && below[i] === true ? down-- : up++;
            alive.set(id, o.doc);
            index.addDocument(id, o.doc);
          } else if (o.kind === 'remove') {
            const ids = [...alive.keys()];
            if (ids.length === 0) return;
            const doc = ids[o.pick % ids.length]!;
            alive.delete(doc);
            index.removeDocument(doc);
          } else {
            index.seal((d) => alive.has(d));
            // The reference: an index holding only the live documents, sealed.
            const fresh = new FacetIndex(() => true);
            for (const d of [...alive.keys()].sort((a, b) => a - b)) fresh.addDocument(d, alive.get(d)!);
            fresh.seal(() => true);
            expect(lists(index)).toEqual(lists(fresh));
          }
        });
      }),
      { numRuns: 500 },
    );
  });
});
