import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketSort, globalScore, groupByKey, type Deadline, type RankingRule } from './bucket-sort.ts';

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
          // (=== rather than Object.is: a bucket of 0 and -0 reports one of them)
          for (let i = 0; i < rules.length; i++) if (!Number.isNaN(keys[i]!)) expect(keys[i] === rules[i]!.key(doc)).toBe(true);
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

  it('stops ranking at the deadline: the current bucket, then the buckets not ranked yet, in document order', () => {
    // Full order: rule a groups [0,1,2] < [3] < [4]; rule b orders the first group 2, 1, 0.
    const a: Record<number, number> = { 0: 0, 1: 0, 2: 0, 3: 1, 4: 2 };
    const b: Record<number, number> = { 0: 2, 1: 1, 2: 0, 3: 0, 4: 0 };
    const rules: RankingRule[] = [
      { name: 'a', maxKey: 2, key: (d) => a[d]! },
      { name: 'b', maxKey: 3, key: (d) => b[d]! },
    ];
    /** Like milli's Deadline::never().with_stop_after(n): n bucket splits, then out of time. */
    const stopAfter = (n: number): Deadline => ({ exceeded: () => n-- <= 0 });
    const run = (deadline: Deadline): Array<[number, number]> => {
      const out: Array<[number, number]> = [];
      bucketSort(Uint32Array.from([0, 1, 2, 3, 4]), rules, (doc, _keys, skipped) => (out.push([doc, skipped]), true), false, Infinity, deadline);
      return out;
    };
    expect(run(stopAfter(0))).toEqual([[0, 0], [1, 0], [2, 0], [3, 0], [4, 0]]);
    expect(run(stopAfter(1))).toEqual([[0, 1], [1, 1], [2, 1], [3, 0], [4, 0]]);
    expect(run(stopAfter(2))).toEqual([[2, 2], [1, 2], [0, 2], [3, 2], [4, 2]]);
    // A skipped rule ranks last and ends the score: words 3/3 then skipped = 2/3, as Meilisearch.
    expect(globalScore(rules, [0, NaN], 1)).toBeCloseTo(2 / 3, 12);
    expect(globalScore(rules, [NaN, NaN], 0)).toBe(0);
  });
});
