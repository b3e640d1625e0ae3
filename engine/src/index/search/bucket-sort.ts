/**
 * Ranking as Meilisearch does it: ranking rules are applied in order, each one splitting the
 * current bucket of documents into ordered sub-buckets, and only the buckets needed to produce
 * the requested page are split further. Within a bucket that no rule separates, documents keep
 * their internal id order.
 *
 * A rule is a function from document to a key (lower ranks first). Rules that take part in the
 * ranking score also give `maxKey`, the worst key they can produce: Meilisearch turns a key into
 * a rank `maxKey + 1 - key` out of `maxKey + 1`.
 */
export interface RankingRule {
  readonly name: string;
  key(doc: number): number;
  /** Largest key the rule can return; null for rules outside the ranking score (sort). */
  readonly maxKey: number | null;
}

/** Receives documents in ranked order with each rule's key; returns false to stop. */
export type RankedDocVisitor = (doc: number, keys: readonly number[]) => boolean;

const PACK_INDEX_BITS = 2 ** 21;
/** Integer keys spanning fewer values than this are grouped by counting sort (linear time). */
const COUNTING_SORT_RANGE = 1 << 16;

/** Groups `docs` by rule key, ascending; ties keep the order they had in `docs`. */
export function groupByKey(docs: Uint32Array, rule: RankingRule): { groups: Uint32Array[]; keys: number[] } {
  const n = docs.length;
  const keys = new Float64Array(n);
  let ints = true;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const k = rule.key(docs[i]!);
    keys[i] = k;
    if (k < min) min = k;
    if (k > max) max = k;
    if (ints && !Number.isInteger(k)) ints = false;
  }
  if (n === 0) return { groups: [], keys: [] };
  if (min === max) return { groups: [docs], keys: [min] };
  const groups: Uint32Array[] = [];
  const groupKeys: number[] = [];
  const sorted = new Uint32Array(n);
  if (ints && max - min < COUNTING_SORT_RANGE) {
    const range = max - min + 1;
    const start = new Uint32Array(range + 1);
    for (let i = 0; i < n; i++) start[keys[i]! - min + 1]!++;
    for (let k = 0; k < range; k++) start[k + 1]! += start[k]!;
    const fill = start.slice(0, range);
    for (let i = 0; i < n; i++) sorted[fill[keys[i]! - min]!++] = docs[i]!;
    for (let k = 0; k < range; k++) {
      if (start[k + 1]! > start[k]!) {
        groups.push(sorted.subarray(start[k]!, start[k + 1]!));
        groupKeys.push(k + min);
      }
    }
    return { groups, keys: groupKeys };
  }
  let order: Uint32Array;
  if (ints && min >= 0 && max < 2 ** 31 && n < PACK_INDEX_BITS) {
    const packed = new Float64Array(n);
    for (let i = 0; i < n; i++) packed[i] = keys[i]! * PACK_INDEX_BITS + i;
    packed.sort();
    order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = packed[i]! % PACK_INDEX_BITS;
  } else {
    const idx = Array.from({ length: n }, (_, i) => i);
    idx.sort((a, b) => keys[a]! - keys[b]! || a - b);
    order = Uint32Array.from(idx);
  }
  let start = 0;
  for (let i = 0; i < n; i++) sorted[i] = docs[order[i]!]!;
  for (let i = 1; i <= n; i++) {
    if (i === n || keys[order[i]!] !== keys[order[start]!]) {
      groups.push(sorted.subarray(start, i));
      groupKeys.push(keys[order[start]!]!);
      start = i;
    }
  }
  return { groups, keys: groupKeys };
}

/**
 * Visits documents of `docs` in ranked order. With `exhaustKeys` false, buckets of one document
 * are not split further (their keys for later rules are then reported as NaN); with it true
 * every rule is evaluated for every visited document (needed for ranking scores).
 */
export function bucketSort(docs: Uint32Array, rules: readonly RankingRule[], visit: RankedDocVisitor, exhaustKeys: boolean): void {
  const keys: number[] = new Array(rules.length).fill(NaN);
  const recurse = (bucket: Uint32Array, depth: number): boolean => {
    if (depth === rules.length || (bucket.length === 1 && !exhaustKeys)) {
      for (let i = depth; i < rules.length; i++) keys[i] = NaN;
      for (let i = 0; i < bucket.length; i++) if (!visit(bucket[i]!, keys)) return false;
      return true;
    }
    const rule = rules[depth]!;
    if (bucket.length === 1) {
      keys[depth] = rule.key(bucket[0]!);
      return recurse(bucket, depth + 1);
    }
    const { groups, keys: groupKeys } = groupByKey(bucket, rule);
    for (let g = 0; g < groups.length; g++) {
      keys[depth] = groupKeys[g]!;
      if (!recurse(groups[g]!, depth + 1)) return false;
    }
    return true;
  };
  recurse(docs, 0);
}

/**
 * Meilisearch's global ranking score: the ranks of every scored rule are read as the digits of
 * one mixed-radix number (the first rule most significant), normalized to [0, 1].
 */
export function globalScore(rules: readonly RankingRule[], keys: readonly number[]): number {
  let rank = 1;
  let maxRank = 1;
  for (let i = 0; i < rules.length; i++) {
    const max = rules[i]!.maxKey;
    if (max === null) continue;
    const ruleMax = max + 1;
    const k = keys[i]!;
    const ruleRank = Number.isNaN(k) ? ruleMax : ruleMax - Math.min(Math.max(k, 0), max);
    rank = (rank - 1) * ruleMax + ruleRank;
    maxRank *= ruleMax;
  }
  return rank / maxRank;
}
