import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketSort, groupByKey, type RankingRule } from './bucket-sort.ts';

/**
 * The bucket sort against the obvious reference: a stable sort of all documents on the tuple of
 * rule keys. Partial grouping (`expected` below the bucket size, regrouping the rest later),
 * counting vs comparison sorts, batch keys and constant rules must not change the order.
 */

type KeyKind = 'small' | 'wide' | 'float' | 'constant';

function makeRule(kind: KeyKind, values: number[], batch: boolean): RankingRule {
  const key = (d: number): number => values[d]!;
  return {
    name: kind,
    maxKey: null,
    key,
    ...(kind === 'constant' ? { constantKey: values[0]! } : {}),
    ...(batch ? { keys: (docs: Uint32Array, out: Float64Array) => docs.forEach((d, i) => (out[i] = key(d))) } : {}),
  };
}

const keyValue = (kind: KeyKind): fc.Arbitrary<number> =>
  kind === 'small' ? fc.integer({ min: 0, max: 5 })
  : kind === 'wide' ? fc.integer({ min: 0, max: 200_000 })
  : kind === 'float' ? fc.oneof(fc.double({ min: -1000, max: 1000, noNaN: true }), fc.constant(Infinity), fc.constant(-Infinity))
  : fc.constant(3);

const scenario = fc.integer({ min: 1, max: 120 }).chain((n) =>
  fc.record({
    n: fc.constant(n),
    rules: fc.array(
      fc.constantFrom<KeyKind>('small', 'wide', 'float', 'constant').chain((kind) =>
        fc.record({ kind: fc.constant(kind), values: fc.array(keyValue(kind), { minLength: n, maxLength: n }), batch: fc.boolean() }),
      ),
      { minLength: 1, maxLength: 4 },
    ),
    order: fc.shuffledSubarray(Array.from({ length: n }, (_, i) => i), { minLength: n, maxLength: n }),
    limit: fc.integer({ min: 1, max: n + 5 }),
    expected: fc.oneof(fc.integer({ min: 1, max: n + 5 }), fc.constant(Infinity)),
    rejectEvery: fc.integer({ min: 0, max: 4 }),
    exhaust: fc.boolean(),
  }),
);

describe('bucketSort', () => {
  it('visits documents in the order of a stable sort on the rule keys, up to where the visitor stops', () => {
    fc.assert(
      fc.property(scenario, ({ rules: specs, order, limit, expected, rejectEvery, exhaust }) => {
        const rules = specs.map((r) => makeRule(r.kind, r.values, r.batch));
        const docs = Uint32Array.from(order);
        // The visitor rejects some documents (as distinct or a threshold would) and stops after
        // `limit` accepted ones.
        const accept = (doc: number): boolean => rejectEvery === 0 || doc % (rejectEvery + 1) !== 0;
        const seen: number[] = [];
        let kept = 0;
        bucketSort(docs, rules, (doc, keys) => {
          seen.push(doc);
          for (let i = 0; i < rules.length; i++) if (!Number.isNaN(keys[i]!)) expect(keys[i]).toBe(rules[i]!.key(doc));
          if (accept(doc)) kept++;
          return kept < limit;
        }, exhaust, expected);

        const reference = [...order].map((doc, position) => ({ doc, position }));
        reference.sort((a, b) => {
          for (const rule of rules) {
            const ka = rule.key(a.doc);
            const kb = rule.key(b.doc);
            if (ka !== kb) return ka < kb ? -1 : 1;
          }
          return a.position - b.position;
        });
        const want: number[] = [];
        let wantKept = 0;
        for (const { doc } of reference) {
          want.push(doc);
          if (accept(doc)) wantKept++;
          if (wantKept >= limit) break;
        }
        expect(seen).toEqual(want);
      }),
      { numRuns: 400 },
    );
  });

  it('groups only the lowest keys holding `need` documents and keeps the rest in order', () => {
    const docs = Uint32Array.from([10, 11, 12, 13, 14, 15]);
    const keys: Record<number, number> = { 10: 2, 11: 0, 12: 1, 13: 0, 14: 2, 15: 1 };
    const rule: RankingRule = { name: 'k', maxKey: 2, key: (d) => keys[d]! };
    const grouped = groupByKey(docs, rule, 2);
    expect(grouped.groups.map((g) => [...g])).toEqual([[11, 13]]);
    expect(grouped.keys).toEqual([0]);
    expect([...grouped.rest!]).toEqual([10, 12, 14, 15]);
    expect(groupByKey(docs, rule).groups.map((g) => [...g])).toEqual([[11, 13], [12, 15], [10, 14]]);
  });
});
