import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchesDocument, parseFiniteFloat, type FilterNode, type FilterValue } from '../filter/index.ts';
import type { Document } from '../types/document.ts';
import { defaultSettings } from '../types/settings.ts';
import { SearchCore } from './core.ts';
import { setToArray } from './doc-set.ts';
import { FilterEvaluator } from './filter-eval.ts';

/** Indexed filter evaluation must select exactly the documents the reference evaluator selects. */

const words = ['Action', 'action', 'ÉTÉ', 'ete', ' spaced ', 'b', 'B', '10', '10.0', '2', 'abc', ''];
const scalar = fc.oneof(
  fc.constantFrom(...words),
  fc.integer({ min: -3, max: 12 }),
  fc.constantFrom(1.5, 2.0, 10),
  fc.boolean(),
  fc.constant(null),
);
const value: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: scalar },
  { weight: 2, arbitrary: fc.array(scalar, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom({}, [], [[]], [null], ['']) },
  { weight: 1, arbitrary: fc.record({ x: scalar }, { requiredKeys: [] }) },
);
const geo = fc.oneof(fc.record({ lat: fc.double({ min: -10, max: 10, noNaN: true }), lng: fc.double({ min: -10, max: 10, noNaN: true }) }), fc.record({ lat: fc.integer({ min: -3, max: 3 }), lng: fc.constantFrom('2', '1.5', 'x') }));
const doc = fc.record({ a: value, b: value, c: value, _geo: geo }, { requiredKeys: [] });

const filterValue: fc.Arbitrary<FilterValue> = fc
  .oneof(fc.constantFrom(...words.filter((w) => w !== '')), fc.integer({ min: -3, max: 12 }).map(String), fc.constantFrom('1.5', 'true', 'false', 'a'))
  .map((raw) => ({ raw, number: parseFiniteFloat(raw) }));
const attribute = fc.constantFrom('a', 'b', 'c', 'a.x', 'b.x', '_geo.lat', '_geo.lng', '_geo');

const leaf: fc.Arbitrary<FilterNode> = fc.oneof(
  fc.record({ kind: fc.constant('compare' as const), attribute, operator: fc.constantFrom('=', '!=', '>', '>=', '<', '<=' as const), value: filterValue }),
  fc.record({ kind: fc.constant('range' as const), attribute, from: filterValue, to: filterValue }),
  fc.record({ kind: fc.constant('in' as const), attribute, values: fc.array(filterValue, { minLength: 1, maxLength: 3 }) }),
  fc.record({ kind: fc.constant('exists' as const), attribute }),
  fc.record({ kind: fc.constant('isNull' as const), attribute }),
  fc.record({ kind: fc.constant('isEmpty' as const), attribute }),
  fc.record({ kind: fc.constant('contains' as const), attribute, value: filterValue }),
  fc.record({ kind: fc.constant('startsWith' as const), attribute, value: filterValue }),
  fc.record({ kind: fc.constant('geoRadius' as const), lat: fc.integer({ min: -10, max: 10 }), lng: fc.integer({ min: -10, max: 10 }), radius: fc.integer({ min: 0, max: 1_500_000 }) }),
  fc
    .tuple(fc.integer({ min: -10, max: 10 }), fc.integer({ min: -10, max: 10 }), fc.integer({ min: -10, max: 10 }), fc.integer({ min: -10, max: 10 }))
    .map(([t, r, b, l]): FilterNode => ({ kind: 'geoBoundingBox', topRight: [t, r], bottomLeft: [b, l] })),
);
const filter: fc.Arbitrary<FilterNode> = fc.letrec<{ node: FilterNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({ kind: fc.constant('not' as const), child: tie('node') }),
    fc.record({ kind: fc.constant('and' as const), children: fc.array(tie('node'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ kind: fc.constant('or' as const), children: fc.array(tie('node'), { minLength: 1, maxLength: 3 }) }),
  ),
})).node;

describe('FilterEvaluator', () => {
  it('agrees with the reference evaluator (property)', () => {
    fc.assert(
      fc.property(fc.array(doc, { maxLength: 12 }), fc.integer({ min: 0, max: 3 }), filter, (docs, removeAt, node) => {
        const settings = { ...defaultSettings(), filterableAttributes: ['a', 'b', 'c', '_geo'] };
        const core = new SearchCore(settings, 'id');
        const kept = new Map<string, Document>();
        docs.forEach((d, i) => {
          core.upsert(String(i), d as Document);
          kept.set(String(i), d as Document);
        });
        // Replace and remove a document so dead ids are exercised too.
        if (docs.length > removeAt) {
          core.remove(String(removeAt));
          kept.delete(String(removeAt));
          if (docs.length > removeAt + 1) core.upsert(String(removeAt + 1), docs[removeAt + 1] as Document);
        }
        core.seal();
        const got = Array.from(setToArray(new FilterEvaluator(core.facets, core.alive, core.alive.length * 32).evaluate(node)))
          .map((d) => core.externalId(d)!)
          .sort();
        const expected = [...kept].filter(([, d]) => matchesDocument(node, d)).map(([id]) => id).sort();
        expect(got).toEqual(expected);
      }),
      { numRuns: 400 },
    );
  });
});
