/**
 * A read-only radix tree from string keys to non-negative integers (term ids) in three typed
 * arrays, for the lookups a search runs: every key, keys with a prefix, keys within an edit
 * distance (term-dictionary.ts has the same lookups on a tree that can grow).
 *
 * Why: a first search for a word walks thousands of trie nodes for its typo derivations (two
 * typos from 9 letters visit most of the tree under the first letter), and a tree of JS objects
 * (node, label string, children array) costs a few cache misses per node. Here the children of a
 * node are one contiguous block, their labels are contiguous too, and blocks are laid out
 * depth-first, so a walk reads memory mostly in order.
 *
 * Keys are visited in lexicographic order of UTF-16 code units, as the radix tree visits them.
 */
import { distanceRows, type DistanceRows } from './edit-rows.ts';
import type { FuzzyOptions, KeyVisitor } from './term-dictionary.ts';

/** Node fields, four per node in `nodes`. */
const LABEL_START = 0;
const LABEL_LENGTH = 1;
const FIRST_CHILD = 2;
const CHILD_COUNT = 3;
const STRIDE = 4;

export class PackedTrie {
  /** Per node: where its label starts in `labels`, its length, its first child, its child count. */
  readonly nodes: Int32Array;
  /** Per node: its key's value, or -1 when no key ends there. */
  readonly values: Int32Array;
  readonly labels: Uint16Array;
  readonly size: number;

  private constructor(nodes: Int32Array, values: Int32Array, labels: Uint16Array, size: number) {
    this.nodes = nodes;
    this.values = values;
    this.labels = labels;
    this.size = size;
  }

  /** The trie of `keys` (distinct, in ascending order) with `values[i]` (>= 0) for `keys[i]`. */
  static fromSorted(keys: readonly string[], values: ArrayLike<number>): PackedTrie {
    const built = new Builder(keys, values).build();
    return new PackedTrie(built.nodes, built.values, built.labels, keys.length);
  }

  /** Every key, in lexicographic order. */
  forEach(visit: KeyVisitor<number>): void {
    new KeyEmitter(this, visit).emitNode(0, '', 0);
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
    // The node's label may run past the prefix: its key starts with the path before it.
    const base = prefix.slice(0, matched - nodes[node * STRIDE + LABEL_LENGTH]!);
    new KeyEmitter(this, visit).emitNode(node, base, 0);
  }

  /**
   * Keys within `maxDistance` edits of `query` (or, with `prefix`, keys having a prefix within
   * that distance), in lexicographic order, with their distance.
   */
  forEachFuzzy(query: string, maxDistance: number, visit: KeyVisitor<number>, options: FuzzyOptions = {}): void {
    new PackedFuzzyWalk(this, query, maxDistance, options.prefix === true, visit).run(options.firstChar);
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

/**
 * Lays the trie out from sorted keys (the root is node 0, with an empty label): a node's children are found as the runs of keys sharing
 * the next character, allocated as one block, their labels written side by side, and then each
 * child is filled in turn (so the blocks of a subtree follow its own block).
 */
class Builder {
  readonly #keys: readonly string[];
  readonly #values: ArrayLike<number>;
  #nodes: Int32Array;
  #nodeValues: Int32Array;
  #labels: Uint16Array;
  #nodeCount = 1;
  #labelLength = 0;

  constructor(keys: readonly string[], values: ArrayLike<number>) {
    this.#keys = keys;
    this.#values = values;
    // A radix tree of n keys has at most 2n nodes besides the root.
    this.#nodes = new Int32Array((2 * keys.length + 1) * STRIDE);
    this.#nodeValues = new Int32Array(2 * keys.length + 1).fill(-1);
    let chars = 0;
    for (const k of keys) chars += k.length;
    this.#labels = new Uint16Array(chars);
  }

  build(): { nodes: Int32Array; values: Int32Array; labels: Uint16Array } {
    const keys = this.#keys;
    let lo = 0;
    if (keys.length > 0 && keys[0] === '') this.#nodeValues[0] = this.#values[lo++]!;
    this.#fill(0, lo, keys.length, 0);
    return {
      nodes: this.#nodes.slice(0, this.#nodeCount * STRIDE),
      values: this.#nodeValues.slice(0, this.#nodeCount),
      labels: this.#labels.slice(0, this.#labelLength),
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
    let count = 0;
    for (let at = lo; at < hi; at = this.#runEnd(at, hi, depth)) count++;
    const first = this.#nodeCount;
    this.#nodeCount += count;
    this.#nodes[node * STRIDE + FIRST_CHILD] = first;
    this.#nodes[node * STRIDE + CHILD_COUNT] = count;
    // Labels first, all side by side: a walk reads a block's first characters together.
    let child = first;
    for (let at = lo; at < hi; child++) {
      const end = this.#runEnd(at, hi, depth);
      const a = keys[at]!;
      const z = keys[end - 1]!;
      // Sorted keys: the run's common prefix is that of its first and last keys.
      let labelEnd = depth + 1;
      while (labelEnd < a.length && labelEnd < z.length && a.charCodeAt(labelEnd) === z.charCodeAt(labelEnd)) labelEnd++;
      this.#nodes[child * STRIDE + LABEL_START] = this.#labelLength;
      this.#nodes[child * STRIDE + LABEL_LENGTH] = labelEnd - depth;
      for (let k = depth; k < labelEnd; k++) this.#labels[this.#labelLength++] = a.charCodeAt(k);
      if (a.length === labelEnd) this.#nodeValues[child] = this.#values[at]!;
      at = end;
    }
    child = first;
    for (let at = lo; at < hi; child++) {
      const end = this.#runEnd(at, hi, depth);
      const labelEnd = depth + this.#nodes[child * STRIDE + LABEL_LENGTH]!;
      const from = keys[at]!.length === labelEnd ? at + 1 : at;
      this.#fill(child, from, end, labelEnd);
      at = end;
    }
  }
}

/** Emits whole subtrees, building each key in a buffer of character codes. */
class KeyEmitter {
  readonly #trie: PackedTrie;
  readonly #visit: KeyVisitor<number>;
  #codes = new Uint16Array(64);
  #stopped = false;

  constructor(trie: PackedTrie, visit: KeyVisitor<number>) {
    this.#trie = trie;
    this.#visit = visit;
  }

  /** Emits `node` and its subtree with `distance`; `base` is the key of its parent. False when stopped. */
  emitNode(node: number, base: string, distance: number): boolean {
    this.#reserve(base.length);
    for (let k = 0; k < base.length; k++) this.#codes[k] = base.charCodeAt(k);
    this.#emit(node, base.length, distance);
    return !this.#stopped;
  }

  #reserve(length: number): void {
    if (length <= this.#codes.length) return;
    const codes = new Uint16Array(Math.max(length, this.#codes.length * 2));
    codes.set(this.#codes);
    this.#codes = codes;
  }

  #emit(node: number, depth: number, distance: number): void {
    const { nodes, labels, values } = this.#trie;
    const start = nodes[node * STRIDE + LABEL_START]!;
    const length = nodes[node * STRIDE + LABEL_LENGTH]!;
    this.#reserve(depth + length);
    this.#codes.set(labels.subarray(start, start + length), depth);
    const end = depth + length;
    const value = values[node]!;
    if (value >= 0 && this.#visit(String.fromCharCode.apply(null, this.#codes.subarray(0, end) as unknown as number[]), value, distance) === false) {
      this.#stopped = true;
      return;
    }
    const first = nodes[node * STRIDE + FIRST_CHILD]!;
    const last = first + nodes[node * STRIDE + CHILD_COUNT]!;
    for (let child = first; child < last && !this.#stopped; child++) this.#emit(child, end, distance);
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

  constructor(trie: PackedTrie, query: string, maxDistance: number, prefix: boolean, visit: KeyVisitor<number>) {
    this.#trie = trie;
    this.#rows = distanceRows(query, maxDistance);
    this.#m = query.length;
    this.#prefix = prefix;
    this.#visit = (key, value, distance) => {
      const more = visit(key, value, distance);
      if (more === false) this.#stopped = true;
      return more;
    };
  }

  run(firstChar: FuzzyOptions['firstChar']): void {
    const { nodes, values } = this.#trie;
    const max = this.#rows.max;
    const bestPrefix = this.#prefix && this.#m <= max ? this.#m : Infinity;
    if (values[0]! >= 0 && this.#m <= max) this.#visit('', values[0]!, this.#m);
    const code = this.#m === 0 ? -1 : this.#rows.query.charCodeAt(0);
    if (firstChar === 'same') {
      if (code < 0 || this.#stopped) return;
      const child = this.#trie.rootChild(code);
      if (child >= 0) this.#walk(child, 0, bestPrefix);
      return;
    }
    // (With 'other', the query's first character's subtree is skipped.)
    const skip = firstChar === 'other' ? this.#trie.rootChild(code) : -1;
    const first = nodes[FIRST_CHILD]!;
    const last = first + nodes[CHILD_COUNT]!;
    for (let child = first; child < last && !this.#stopped; child++) if (child !== skip) this.#walk(child, 0, bestPrefix);
  }

  /** Enters `node` whose parent key has `depth` characters. */
  #walk(node: number, depth: number, bestPrefix: number): void {
    const { nodes, labels, values } = this.#trie;
    const rows = this.#rows;
    const max = rows.max;
    const start = nodes[node * STRIDE + LABEL_START]!;
    const length = nodes[node * STRIDE + LABEL_LENGTH]!;
    rows.reserve(depth + length);
    let d = depth;
    for (let k = 0; k < length; k++) {
      d++;
      const rowMin = rows.push(d, labels[start + k]!);
      const last = rows.distance(d);
      if (this.#prefix && last < bestPrefix && last <= max) bestPrefix = last;
      if (rowMin > max) {
        // Nothing deeper can match on its own; with prefix matching, everything below still
        // matches through the best prefix seen on the way.
        if (bestPrefix <= max && !new KeyEmitter(this.#trie, this.#visit).emitNode(node, rows.key(depth), bestPrefix)) this.#stopped = true;
        return;
      }
    }
    const value = values[node]!;
    if (value >= 0) {
      const dist = Math.min(rows.distance(d), bestPrefix);
      if (dist <= max) this.#visit(rows.key(d), value, dist);
      if (this.#stopped) return;
    }
    const first = nodes[node * STRIDE + FIRST_CHILD]!;
    const last = first + nodes[node * STRIDE + CHILD_COUNT]!;
    for (let child = first; child < last && !this.#stopped; child++) this.#walk(child, d, bestPrefix);
  }
}
