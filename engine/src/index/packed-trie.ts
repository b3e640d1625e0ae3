/**
 * A read-only radix tree from string keys to non-negative integers (term ids) in a few typed
 * arrays, for the lookups a search runs: every key, keys with a prefix, keys within an edit
 * distance (term-dictionary.ts has the same lookups on a tree that can grow).
 *
 * Why: a first search for a word walks thousands of trie nodes for its typo derivations (two
 * typos from 9 letters visit most of the tree under the first letter), and a tree of JS objects
 * (node, label string, children array) costs a few cache misses per node. Here the children of a
 * node are one contiguous block, their labels are contiguous too, and blocks are laid out
 * depth-first, so a walk reads memory mostly in order.
 *
 * The trie keeps the sorted keys it was built from (the vocabulary's own strings): the keys
 * below a node are a range of them, so a lookup hands out those strings instead of building
 * each key again from the labels, and the trie's keys in order are the array itself.
 */
import { withDistanceRows, type DistanceRows } from './edit-rows.ts';
import type { FuzzyOptions, KeyVisitor } from './term-dictionary.ts';

/** Node fields, six per node in `nodes`. */
const LABEL_START = 0;
const LABEL_LENGTH = 1;
const FIRST_CHILD = 2;
const CHILD_COUNT = 3;
/** The node's keys (its own, if any, first) are keys[KEYS_START, KEYS_END). */
const KEYS_START = 4;
const KEYS_END = 5;
const STRIDE = 6;

export class PackedTrie {
  /** The keys, ascending (UTF-16 code units), and their values. */
  readonly keys: readonly string[];
  readonly values: Int32Array;
  /** Per node: label start in `labels`, label length, first child, child count, keys range. */
  readonly nodes: Int32Array;
  /** Per node: 1 when a key ends there (it is then the first of the node's keys). */
  readonly ends: Uint8Array;
  readonly labels: Uint16Array;
  /** Per node: the length of its longest key (a fuzzy walk skips subtrees of keys too short). */
  readonly longest: Int32Array;

  private constructor(keys: readonly string[], values: Int32Array, built: Built) {
    this.keys = keys;
    this.values = values;
    this.nodes = built.nodes;
    this.ends = built.ends;
    this.labels = built.labels;
    this.longest = built.longest;
  }

  /** The trie of `keys` (distinct, in ascending order; kept, not copied) with `values[i]` (>= 0) for `keys[i]`. */
  static fromSorted(keys: readonly string[], values: ArrayLike<number>): PackedTrie {
    return new PackedTrie(keys, Int32Array.from(values), new Builder(keys).build());
  }

  get size(): number {
    return this.keys.length;
  }

  /** Every key, in lexicographic order. */
  forEach(visit: KeyVisitor<number>): void {
    this.emitKeys(0, 0, visit);
  }

  /** Keys starting with `prefix` (including `prefix` itself), in lexicographic order; distance is 0. */
  forEachWithPrefix(prefix: string, visit: KeyVisitor<number>): void {
    const nodes = this.nodes;
    const labels = this.labels;
    let node = 0;
    let matched = 0;
    while (matched < prefix.length) {
      const child = this.#child(node, prefix.charCodeAt(matched));
      if (child < 0) return;
      const start = nodes[child * STRIDE + LABEL_START]!;
      const length = nodes[child * STRIDE + LABEL_LENGTH]!;
      const compared = Math.min(length, prefix.length - matched);
      for (let k = 1; k < compared; k++) if (labels[start + k] !== prefix.charCodeAt(matched + k)) return;
      node = child;
      matched += length;
    }
    // (The node's label may run past the prefix: its keys all start with it.)
    this.emitKeys(node, 0, visit);
  }

  /**
   * Keys within `maxDistance` edits of `query` (or, with `prefix`, keys having a prefix within
   * that distance), in lexicographic order, with their distance.
   */
  forEachFuzzy(query: string, maxDistance: number, visit: KeyVisitor<number>, options: FuzzyOptions = {}): void {
    withDistanceRows(query, maxDistance, (rows) => new PackedFuzzyWalk(this, rows, options.prefix === true, visit).run(options.firstChar));
  }

  /** Visits the keys of `node` and its subtree with `distance`; false when the visitor stopped. */
  emitKeys(node: number, distance: number, visit: KeyVisitor<number>): boolean {
    for (let i = this.nodes[node * STRIDE + KEYS_START]!, end = this.nodes[node * STRIDE + KEYS_END]!; i < end; i++) {
      if (visit(this.keys[i]!, this.values[i]!, distance) === false) return false;
    }
    return true;
  }

  /** Where the key ending at `node` is in `keys` and `values` (its first key); only when `ends[node]`. */
  ownKey(node: number): number {
    return this.nodes[node * STRIDE + KEYS_START]!;
  }

  /** The child of `node` whose label starts with `code` (binary search in its block), or -1. */
  #child(node: number, code: number): number {
    const nodes = this.nodes;
    let lo = nodes[node * STRIDE + FIRST_CHILD]!;
    let hi = lo + nodes[node * STRIDE + CHILD_COUNT]! - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const c = this.labels[nodes[mid * STRIDE + LABEL_START]!]!;
      if (c === code) return mid;
      if (c < code) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** The child of the root whose label starts with `code`, or -1. */
  rootChild(code: number): number {
    return this.#child(0, code);
  }
}

interface Built {
  nodes: Int32Array;
  ends: Uint8Array;
  labels: Uint16Array;
  longest: Int32Array;
}

/**
 * Lays the trie out from sorted keys (the root is node 0, with an empty label): a node's
 * children are found as the runs of keys sharing the next character, allocated as one block,
 * their labels written side by side, and then each child is filled in turn (so the blocks of a
 * subtree follow its own block).
 */
class Builder {
  readonly #keys: readonly string[];
  #nodes: Int32Array;
  #ends: Uint8Array;
  #labels: Uint16Array;
  #longest: Int32Array;
  #nodeCount = 1;
  #labelLength = 0;

  constructor(keys: readonly string[]) {
    this.#keys = keys;
    // A radix tree of n keys has at most 2n nodes besides the root.
    this.#nodes = new Int32Array((2 * keys.length + 1) * STRIDE);
    this.#ends = new Uint8Array(2 * keys.length + 1);
    this.#longest = new Int32Array(2 * keys.length + 1);
    let chars = 0;
    for (const k of keys) chars += k.length;
    this.#labels = new Uint16Array(chars);
  }

  build(): Built {
    const keys = this.#keys;
    this.#nodes[KEYS_START] = 0;
    this.#nodes[KEYS_END] = keys.length;
    let lo = 0;
    if (keys.length > 0 && keys[0] === '') {
      this.#ends[0] = 1;
      lo = 1;
    }
    this.#fill(0, lo, keys.length, 0);
    return {
      nodes: this.#nodes.slice(0, this.#nodeCount * STRIDE),
      ends: this.#ends.slice(0, this.#nodeCount),
      labels: this.#labels.slice(0, this.#labelLength),
      longest: this.#longest.slice(0, this.#nodeCount),
    };
  }

  /** The end of the run of keys from `lo` (before `hi`) with the same character at `at`. */
  #runEnd(lo: number, hi: number, at: number): number {
    const keys = this.#keys;
    const c = keys[lo]!.charCodeAt(at);
    let end = lo + 1;
    while (end < hi && keys[end]!.charCodeAt(at) === c) end++;
    return end;
  }

  /** Fills the children of `node` (whose key has `depth` characters) from keys[lo, hi), which all extend it. */
  #fill(node: number, lo: number, hi: number, depth: number): void {
    const keys = this.#keys;
    const nodes = this.#nodes;
    let count = 0;
    for (let at = lo; at < hi; at = this.#runEnd(at, hi, depth)) count++;
    const first = this.#nodeCount;
    this.#nodeCount += count;
    nodes[node * STRIDE + FIRST_CHILD] = first;
    nodes[node * STRIDE + CHILD_COUNT] = count;
    // Labels first, all side by side: a walk reads a block's first characters together.
    let child = first;
    for (let at = lo; at < hi; child++) {
      const end = this.#runEnd(at, hi, depth);
      const a = keys[at]!;
      const z = keys[end - 1]!;
      // Sorted keys: the run's common prefix is that of its first and last keys.
      let labelEnd = depth + 1;
      while (labelEnd < a.length && labelEnd < z.length && a.charCodeAt(labelEnd) === z.charCodeAt(labelEnd)) labelEnd++;
      nodes[child * STRIDE + LABEL_START] = this.#labelLength;
      nodes[child * STRIDE + LABEL_LENGTH] = labelEnd - depth;
      nodes[child * STRIDE + KEYS_START] = at;
      nodes[child * STRIDE + KEYS_END] = end;
      for (let k = depth; k < labelEnd; k++) this.#labels[this.#labelLength++] = a.charCodeAt(k);
      if (a.length === labelEnd) this.#ends[child] = 1;
      at = end;
    }
    let longest = depth;
    for (child = first; child < first + count; child++) {
      const labelEnd = depth + nodes[child * STRIDE + LABEL_LENGTH]!;
      const at = nodes[child * STRIDE + KEYS_START]!;
      this.#fill(child, this.#ends[child] === 1 ? at + 1 : at, nodes[child * STRIDE + KEYS_END]!, labelEnd);
      if (this.#longest[child]! > longest) longest = this.#longest[child]!;
    }
    this.#longest[node] = longest;
  }
}

/** One fuzzy traversal (the same walk as the radix tree's, over the packed nodes). */
class PackedFuzzyWalk {
  readonly #trie: PackedTrie;
  readonly #rows: DistanceRows;
  readonly #m: number;
  readonly #prefix: boolean;
  readonly #visit: KeyVisitor<number>;
  #stopped = false;

  constructor(trie: PackedTrie, rows: DistanceRows, prefix: boolean, visit: KeyVisitor<number>) {
    this.#trie = trie;
    this.#rows = rows;
    this.#m = rows.query.length;
    this.#prefix = prefix;
    this.#visit = visit;
  }

  run(firstChar: FuzzyOptions['firstChar']): void {
    const trie = this.#trie;
    const nodes = trie.nodes;
    const max = this.#rows.max;
    const bestPrefix = this.#prefix && this.#m <= max ? this.#m : Infinity;
    // Rows for the longest key at once: no walk step needs to grow them.
    this.#rows.reserve(trie.longest[0]!);
    if (trie.ends[0] === 1 && this.#m <= max) this.#emit(trie.ownKey(0), this.#m);
    const code = this.#m === 0 ? -1 : this.#rows.query.charCodeAt(0);
    if (firstChar === 'same') {
      if (code < 0 || this.#stopped) return;
      const child = trie.rootChild(code);
      if (child >= 0) this.#enter(child, child + 1, -1, 0, bestPrefix);
      return;
    }
    // (With 'other', the query's first character's subtree is skipped.)
    const skip = firstChar === 'other' ? trie.rootChild(code) : -1;
    const first = nodes[FIRST_CHILD]!;
    this.#enter(first, first + nodes[CHILD_COUNT]!, skip, 0, bestPrefix);
  }

  /** Walks the nodes first..last - 1 (but `skip`), children of a node whose key has `d` characters. */
  #enter(first: number, last: number, skip: number, d: number, bestPrefix: number): void {
    const trie = this.#trie;
    const longest = trie.longest;
    // The length a key needs at least to come within max of the query.
    const needed = d + this.#rows.shortfall(d);
    for (let child = first; child < last && !this.#stopped; child++) {
      if (child === skip) continue;
      if (longest[child]! >= needed) this.#walk(child, d, bestPrefix);
      // Every key below is too short to match on its own.
      else this.#emitThroughPrefix(child, bestPrefix);
    }
  }

  /**
   * No key of `node`'s subtree matches on its own: with prefix matching they all match through
   * the best prefix seen on the way, if one is within max (and none of them can do better).
   */
  #emitThroughPrefix(node: number, bestPrefix: number): void {
    if (bestPrefix <= this.#rows.max && !this.#trie.emitKeys(node, bestPrefix, this.#visit)) this.#stopped = true;
  }

  #emit(key: number, distance: number): void {
    const trie = this.#trie;
    if (this.#visit(trie.keys[key]!, trie.values[key]!, distance) === false) this.#stopped = true;
  }

  /** Enters `node` whose parent key has `depth` characters (and which has keys long enough to match). */
  #walk(node: number, depth: number, bestPrefix: number): void {
    const trie = this.#trie;
    const { nodes, labels } = trie;
    const rows = this.#rows;
    const max = rows.max;
    const start = nodes[node * STRIDE + LABEL_START]!;
    const length = nodes[node * STRIDE + LABEL_LENGTH]!;
    let d = depth;
    for (let k = 0; k < length; k++) {
      d++;
      const rowMin = rows.push(d, labels[start + k]!);
      const last = rows.distance(d);
      if (this.#prefix && last < bestPrefix && last <= max) bestPrefix = last;
      if (rowMin > max) {
        this.#emitThroughPrefix(node, bestPrefix);
        return;
      }
    }
    if (trie.ends[node] === 1) {
      const dist = Math.min(rows.distance(d), bestPrefix);
      if (dist <= max) this.#emit(trie.ownKey(node), dist);
      if (this.#stopped) return;
    }
    const first = nodes[node * STRIDE + FIRST_CHILD]!;
    this.#enter(first, first + nodes[node * STRIDE + CHILD_COUNT]!, -1, d, bestPrefix);
  }
}
