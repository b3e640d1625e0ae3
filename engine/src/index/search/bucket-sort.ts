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
  /**
   * Optional batch form of `key` (out[i] = key(docs[i])): one monomorphic loop per bucket instead
   * of a closure call per document, which is most of the sorting cost on large buckets.
   */
  keys?(docs: Uint32Array, out: Float64Array): void;
  /** Set when every candidate has this key (e.g. `words` for a one-word query): nothing to split. */
  readonly constantKey?: number;
  /** Called before `key`/`keys` read documents (lazy per-document data: see match-data.ts). */
  prepare?(docs: ArrayLike<number>): void;
  /**
   * The rule's buckets of all the candidates at once (ascending keys, each bucket ascending), when
   * it can give them without a key per document; produced as far as the ranking gets.
   */
  rootBuckets?(): Iterable<[key: number, docs: Uint32Array]>;
  /** Largest key the rule can return; null for rules outside the ranking score (sort). */
  readonly maxKey: number | null;
}

/**
 * Receives documents in ranked order with each rule's key; returns false to stop. `skippedFrom`
 * is the first rule that could not rank the document because the search ran out of time
 * (`rules.length` when every rule did): keys from there on are meaningless.
 */
export type RankedDocVisitor = (doc: number, keys: readonly number[], skippedFrom: number) => boolean;

/** Candidates whose list is made only if the ranking needs it (see RankingRule.rootBuckets). */
export interface CandidateList {
  readonly count: number;
  docs(): Uint32Array;
}

/** The search's time budget (searchCutoffMs), checked before each bucket is split. */
export interface Deadline {
  exceeded(): boolean;
}

export const NO_DEADLINE: Deadline = { exceeded: () => false };

const PACK_INDEX_BITS = 2 ** 21;
/** Integer keys spanning fewer values than this (and than a few times the bucket) are grouped by
 * counting sort (linear time). */
const COUNTING_SORT_RANGE = 1 << 16;

/** Key buffer shared by all calls (groupByKey never runs inside a key function). */
let keyBuffer = new Float64Array(1024);
/** Counting sort's counts and write cursors, shared likewise. */
let countBuffer = new Uint32Array(1024);
let fillBuffer = new Uint32Array(1024);
/** Comparison sort's packed keys and quickselect copy, shared likewise. */
let packBuffer = new Float64Array(1024);
let selectBuffer = new Float64Array(1024);

/** Where groupByKey takes the arrays of its groups and rest. */
export interface BucketAllocator {
  alloc(n: number): Uint32Array;
}

const HEAP: BucketAllocator = { alloc: (n) => new Uint32Array(n) };

/**
 * Bump allocation of the buckets of one bucketSort: views into one reused buffer instead of a
 * fresh typed array (and its off-heap store) per bucket. Views stay valid until the sort returns.
 */
class Arena implements BucketAllocator {
  #buffer = new Uint32Array(1 << 15);
  #top = 0;
  busy = false;

  alloc(n: number): Uint32Array {
    if (this.#top + n > this.#buffer.length) {
      // Views already handed out keep the old buffer alive.
      this.#buffer = new Uint32Array(Math.max(n, this.#buffer.length * 2));
      this.#top = 0;
    }
    const out = this.#buffer.subarray(this.#top, this.#top + n);
    this.#top += n;
    return out;
  }

  reset(): void {
    this.#top = 0;
    if (this.#buffer.length > 1 << 22) this.#buffer = new Uint32Array(1 << 15);
  }
}

const arena = new Arena();

export interface Grouped {
  /** Buckets in ascending key order; ties keep the order they had in `docs`. */
  groups: Uint32Array[];
  keys: number[];
  /** Documents whose keys are all above the last group's, in their original order (not yet
   * grouped because the first groups already hold `need` documents); null when none. */
  rest: Uint32Array | null;
}

/**
 * Groups `docs` by rule key, ascending; ties keep the order they had in `docs`. With `need`
 * below the bucket size, only the lowest keys holding at least `need` documents are grouped and
 * the others are returned unsorted in `rest`, to be grouped later only if the caller gets there.
 */
export function groupByKey(docs: Uint32Array, rule: RankingRule, need = Infinity, buckets: BucketAllocator = HEAP): Grouped {
  const n = docs.length;
  if (n === 0) return { groups: [], keys: [], rest: null };
  if (keyBuffer.length < n) keyBuffer = new Float64Array(Math.max(n, keyBuffer.length * 2));
  const keys = keyBuffer;
  rule.prepare?.(docs);
  if (rule.keys !== undefined) rule.keys(docs, keys);
  else for (let i = 0; i < n; i++) keys[i] = rule.key(docs[i]!);
  let ints = true;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const k = keys[i]!;
    if (k < min) min = k;
    if (k > max) max = k;
    if (ints && !Number.isInteger(k)) ints = false;
  }
  if (min === max) return { groups: [docs], keys: [min], rest: null };
  const groups: Uint32Array[] = [];
  const groupKeys: number[] = [];
  if (ints && max - min < COUNTING_SORT_RANGE && max - min <= 4 * n + 1024) {
    const range = max - min + 1;
    if (countBuffer.length < range + 1) countBuffer = new Uint32Array(Math.max(range + 1, countBuffer.length * 2));
    const start = countBuffer.subarray(0, range + 1).fill(0);
    for (let i = 0; i < n; i++) start[keys[i]! - min + 1]!++;
    for (let k = 0; k < range; k++) start[k + 1]! += start[k]!;
    // Group keys up to `cut` (inclusive): the smallest prefix of keys holding `need` documents.
    let cut = range - 1;
    if (need < n) {
      cut = 0;
      while (start[cut + 1]! < need) cut++;
    }
    const taken = start[cut + 1]!;
    const sorted = buckets.alloc(taken);
    const rest = taken < n ? buckets.alloc(n - taken) : null;
    if (fillBuffer.length < cut + 1) fillBuffer = new Uint32Array(Math.max(cut + 1, fillBuffer.length * 2));
    const fill = fillBuffer;
    fill.set(start.subarray(0, cut + 1));
    let r = 0;
    const last = cut + min;
    for (let i = 0; i < n; i++) {
      const k = keys[i]!;
      if (k > last) rest![r++] = docs[i]!;
      else sorted[fill[k - min]!++] = docs[i]!;
    }
    for (let k = 0; k <= cut; k++) {
      if (start[k + 1]! > start[k]!) {
        groups.push(sorted.subarray(start[k]!, start[k + 1]!));
        groupKeys.push(k + min);
      }
    }
    return { groups, keys: groupKeys, rest };
  }
  // Comparison sort; with a small `need`, only the documents with keys up to the need-th
  // smallest key are sorted.
  let idx: Uint32Array;
  let rest: Uint32Array | null = null;
  if (need < n / 4) {
    if (selectBuffer.length < n) selectBuffer = new Float64Array(Math.max(n, selectBuffer.length * 2));
    const copy = selectBuffer.subarray(0, n);
    copy.set(keys.subarray(0, n));
    const bound = kthSmallest(copy, Math.max(0, need - 1));
    let m = 0;
    for (let i = 0; i < n; i++) if (keys[i]! <= bound) m++;
    idx = buckets.alloc(m);
    if (m < n) rest = buckets.alloc(n - m);
    let a = 0;
    let b = 0;
    for (let i = 0; i < n; i++) {
      if (keys[i]! <= bound) idx[a++] = i;
      else rest![b++] = docs[i]!;
    }
  } else {
    idx = buckets.alloc(n);
    for (let i = 0; i < n; i++) idx[i] = i;
  }
  const m = idx.length;
  let order: Uint32Array;
  if (ints && min >= 0 && max < 2 ** 31 && n < PACK_INDEX_BITS) {
    if (packBuffer.length < m) packBuffer = new Float64Array(Math.max(m, packBuffer.length * 2));
    const packed = packBuffer.subarray(0, m);
    for (let j = 0; j < m; j++) packed[j] = keys[idx[j]!]! * PACK_INDEX_BITS + idx[j]!;
    packed.sort();
    order = buckets.alloc(m);
    for (let j = 0; j < m; j++) order[j] = packed[j]! % PACK_INDEX_BITS;
  } else {
    const list = Array.from(idx);
    list.sort((a, b) => keys[a]! - keys[b]! || a - b);
    order = Uint32Array.from(list);
  }
  const sorted = buckets.alloc(m);
  for (let j = 0; j < m; j++) sorted[j] = docs[order[j]!]!;
  let start = 0;
  for (let j = 1; j <= m; j++) {
    if (j === m || keys[order[j]!] !== keys[order[start]!]) {
      groups.push(sorted.subarray(start, j));
      groupKeys.push(keys[order[start]!]!);
      start = j;
    }
  }
  return { groups, keys: groupKeys, rest };
}

/** The k-th smallest value (0-based) of `values` (reordered in place), by quickselect. */
function kthSmallest(values: Float64Array, k: number): number {
  let lo = 0;
  let hi = values.length - 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >>> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const t = values[i]!;
        values[i] = values[j]!;
        values[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return values[k]!;
  }
  return values[k]!;
}

const CONTINUE = 0;
const STOP = 1;
const CUT_OFF = 2;

/**
 * Visits documents of `docs` in ranked order. With `exhaustKeys` false, buckets of one document
 * are not split further (their keys for later rules are then reported as NaN); with it true
 * every rule is evaluated for every visited document (needed for ranking scores). `expected` is
 * how many documents the visitor is likely to accept before it stops (the end of the page): only
 * that many are ranked ahead, the rest of a bucket is ranked if and when the visitor gets there.
 *
 * When `deadline` has passed before a bucket is split, ranking stops as Meilisearch's
 * searchCutoffMs does: that bucket's documents, then those of every bucket not ranked yet at
 * each shallower rule, are visited in document order, with `skippedFrom` the rule they stopped at.
 */
export function bucketSort(
  candidates: Uint32Array | CandidateList,
  rules: readonly RankingRule[],
  visit: RankedDocVisitor,
  exhaustKeys: boolean,
  expected = Infinity,
  deadline: Deadline = NO_DEADLINE,
): void {
  const keys: number[] = new Array(rules.length).fill(NaN);
  let visited = 0;
  // One bucket sort at a time uses the shared arena (a nested one would allocate normally).
  const own = !arena.busy;
  const buckets: BucketAllocator = own ? arena : HEAP;
  if (own) arena.busy = true;
  // The root bucket (all candidates) is `null` until some rule needs its documents listed.
  let docs: Uint32Array | null = candidates instanceof Uint32Array ? candidates : null;
  const rootCount = candidates instanceof Uint32Array ? candidates.length : candidates.count;
  const list = (bucket: Uint32Array | null): Uint32Array => bucket ?? (docs ??= (candidates as CandidateList).docs());
  /** Visits the documents of `buckets` in ascending id order, unranked from rule `depth` on. */
  const unranked = (buckets: Uint32Array[], depth: number): boolean => {
    const all: number[] = [];
    for (const bucket of buckets) for (let i = 0; i < bucket.length; i++) all.push(bucket[i]!);
    all.sort((a, b) => a - b);
    for (let i = depth; i < rules.length; i++) keys[i] = NaN;
    for (const doc of all) {
      visited++;
      if (!visit(doc, keys, depth)) return false;
    }
    return true;
  };
  const recurse = (root: Uint32Array | null, depth: number): number => {
    const length = root === null ? rootCount : root.length;
    if (depth === rules.length || (length === 1 && !exhaustKeys)) {
      const bucket = list(root);
      for (let i = depth; i < rules.length; i++) keys[i] = NaN;
      for (let i = 0; i < bucket.length; i++) {
        visited++;
        if (!visit(bucket[i]!, keys, rules.length)) return STOP;
      }
      return CONTINUE;
    }
    const rule = rules[depth]!;
    if (rule.constantKey !== undefined) {
      keys[depth] = rule.constantKey;
      return recurse(root, depth + 1);
    }
    if ((root === null || root === docs) && rule.rootBuckets !== undefined) {
      const buckets = rule.rootBuckets()[Symbol.iterator]();
      const left = (): Uint32Array[] => {
        const out: Uint32Array[] = [];
        for (let b = buckets.next(); b.done !== true; b = buckets.next()) out.push(b.value[1]);
        return out;
      };
      for (;;) {
        if (deadline.exceeded()) return unranked(left(), depth) ? CUT_OFF : STOP;
        const next = buckets.next();
        if (next.done === true) return CONTINUE;
        const [key, group] = next.value;
        if (group.length === 0) continue;
        keys[depth] = key;
        const flow = recurse(group, depth + 1);
        if (flow === STOP) return STOP;
        if (flow === CUT_OFF) return unranked(left(), depth) ? CUT_OFF : STOP;
      }
    }
    const bucket = list(root);
    if (bucket.length === 1) {
      rule.prepare?.(bucket);
      keys[depth] = rule.key(bucket[0]!);
      return recurse(bucket, depth + 1);
    }
    let rest: Uint32Array | null = bucket;
    while (rest !== null) {
      if (deadline.exceeded()) return unranked([rest], depth) ? CUT_OFF : STOP;
      const grouped = groupByKey(rest, rule, Math.max(1, expected - visited), buckets);
      for (let g = 0; g < grouped.groups.length; g++) {
        keys[depth] = grouped.keys[g]!;
        const flow = recurse(grouped.groups[g]!, depth + 1);
        if (flow === STOP) return STOP;
        if (flow === CUT_OFF) {
          const left = grouped.groups.slice(g + 1);
          if (grouped.rest !== null) left.push(grouped.rest);
          return unranked(left, depth) ? CUT_OFF : STOP;
        }
      }
      rest = grouped.rest;
    }
    return CONTINUE;
  };
  try {
    recurse(docs, 0);
  } finally {
    if (own) {
      arena.reset();
      arena.busy = false;
    }
  }
}

/**
 * Meilisearch's global ranking score: the ranks of every scored rule are read as the digits of
 * one mixed-radix number (the first rule most significant), normalized to [0, 1].
 */
export function globalScore(rules: readonly RankingRule[], keys: readonly number[], skippedFrom = rules.length): number {
  let rank = 1;
  let maxRank = 1;
  for (let i = 0; i < rules.length; i++) {
    // A rule skipped for lack of time ranks last (rank 0 of 1), and ends the number.
    if (i === skippedFrom) return (rank - 1) / maxRank;
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
