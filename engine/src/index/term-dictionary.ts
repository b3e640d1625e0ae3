/**
 * A generic radix tree (compressed trie) from string keys to values, with the three lookups a
 * search engine needs: exact, prefix, and bounded edit distance (optionally "prefix within an
 * edit distance", the way Meilisearch matches the last query word).
 *
 * It knows nothing about documents; the index stores a term id as the value. Children are kept
 * sorted by the first UTF-16 unit of their label, so every traversal visits keys in
 * lexicographic order: limits such as "the first 1000 prefix derivations" are deterministic.
 *
 * Edit distance is the optimal string alignment distance (edit-rows.ts), so `londno` is one
 * edit from `london`. Distances are counted in UTF-16 code units.
 */
import { withDistanceRows, type DistanceRows } from './edit-rows.ts';

interface RadixNode<V> {
  label: string;
  children: RadixNode<V>[] | null;
  value: V | undefined;
  hasValue: boolean;
}

export interface FuzzyOptions {
  /** Match keys that *start with* something within the distance (the distance of the best prefix). */
  prefix?: boolean;
  /** Only visit keys whose first character is the query's ('same') or is not ('other'). */
  firstChar?: 'same' | 'other';
}

/** Return `false` to stop the traversal early. */
export type KeyVisitor<V> = (key: string, value: V, distance: number) => boolean | void;

function newNode<V>(label: string): RadixNode<V> {
  return { label, children: null, value: undefined, hasValue: false };
}

/** Index of the child whose label starts with `code`, or -(insertion point) - 1. */
function findChild<V>(children: RadixNode<V>[], code: number): number {
  let lo = 0;
  let hi = children.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const c = children[mid]!.label.charCodeAt(0);
    if (c === code) return mid;
    if (c < code) lo = mid + 1;
    else hi = mid - 1;
  }
  return -lo - 1;
}

export class RadixTree<V> {
  #root: RadixNode<V> = newNode('');
  #size = 0;

  get size(): number {
    return this.#size;
  }

  clear(): void {
    this.#root = newNode('');
    this.#size = 0;
  }

  get(key: string): V | undefined {
    const node = this.#find(key);
    return node?.hasValue === true ? node.value : undefined;
  }

  has(key: string): boolean {
    return this.#find(key)?.hasValue === true;
  }

  set(key: string, value: V): void {
    let node = this.#root;
    let i = 0;
    for (;;) {
      if (i === key.length) {
        if (!node.hasValue) this.#size++;
        node.value = value;
        node.hasValue = true;
        return;
      }
      node.children ??= [];
      const idx = findChild(node.children, key.charCodeAt(i));
      if (idx < 0) {
        const leaf = newNode<V>(key.slice(i));
        leaf.value = value;
        leaf.hasValue = true;
        node.children.splice(-idx - 1, 0, leaf);
        this.#size++;
        return;
      }
      const child = node.children[idx]!;
      const label = child.label;
      let l = 1;
      while (l < label.length && i + l < key.length && label.charCodeAt(l) === key.charCodeAt(i + l)) l++;
      if (l === label.length) {
        node = child;
        i += l;
        continue;
      }
      // Split the edge: node -> mid(label[0..l]) -> child(label[l..]).
      const mid = newNode<V>(label.slice(0, l));
      child.label = label.slice(l);
      mid.children = [child];
      node.children[idx] = mid;
      node = mid;
      i += l;
    }
  }

  delete(key: string): boolean {
    const path: RadixNode<V>[] = [];
    let node = this.#root;
    let i = 0;
    while (i < key.length) {
      path.push(node);
      if (node.children === null) return false;
      const idx = findChild(node.children, key.charCodeAt(i));
      if (idx < 0) return false;
      const child = node.children[idx]!;
      if (!key.startsWith(child.label, i)) return false;
      i += child.label.length;
      node = child;
    }
    if (!node.hasValue) return false;
    node.hasValue = false;
    node.value = undefined;
    this.#size--;
    const parent = path[path.length - 1];
    if (parent === undefined) return true;
    if (node.children === null || node.children.length === 0) {
      const idx = findChild(parent.children!, node.label.charCodeAt(0));
      parent.children!.splice(idx, 1);
      if (parent.children!.length === 0) parent.children = null;
      if (parent !== this.#root && !parent.hasValue && parent.children?.length === 1) this.#mergeWithOnlyChild(parent);
    } else if (node.children.length === 1) {
      this.#mergeWithOnlyChild(node);
    }
    return true;
  }

  #mergeWithOnlyChild(node: RadixNode<V>): void {
    const only = node.children![0]!;
    node.label += only.label;
    node.children = only.children;
    node.value = only.value;
    node.hasValue = only.hasValue;
  }

  #find(key: string): RadixNode<V> | undefined {
    let node = this.#root;
    let i = 0;
    while (i < key.length) {
      if (node.children === null) return undefined;
      const idx = findChild(node.children, key.charCodeAt(i));
      if (idx < 0) return undefined;
      const child = node.children[idx]!;
      if (!key.startsWith(child.label, i)) return undefined;
      i += child.label.length;
      node = child;
    }
    return node;
  }

  /** Every key, in lexicographic order. */
  forEach(visit: KeyVisitor<V>): void {
    this.#visitSubtree(this.#root, '', 0, visit);
  }

  /** Keys starting with `prefix` (including `prefix` itself), in lexicographic order; distance is 0. */
  forEachWithPrefix(prefix: string, visit: KeyVisitor<V>): void {
    let node = this.#root;
    let i = 0;
    let key = '';
    while (i < prefix.length) {
      if (node.children === null) return;
      const idx = findChild(node.children, prefix.charCodeAt(i));
      if (idx < 0) return;
      const child = node.children[idx]!;
      const label = child.label;
      const rest = prefix.length - i;
      if (label.length >= rest) {
        if (!label.startsWith(prefix.slice(i))) return;
      } else if (!prefix.startsWith(label, i)) {
        return;
      }
      key += label;
      i += label.length;
      node = child;
    }
    this.#visitSubtree(node, key, 0, visit);
  }

  /** Visits `node` and its descendants (keys built on `key`); false when stopped. */
  #visitSubtree(node: RadixNode<V>, key: string, distance: number, visit: KeyVisitor<V>): boolean {
    if (node.hasValue && visit(key, node.value as V, distance) === false) return false;
    if (node.children !== null) {
      for (const child of node.children) {
        if (!this.#visitSubtree(child, key + child.label, distance, visit)) return false;
      }
    }
    return true;
  }

  /**
   * Keys within `maxDistance` edits of `query` (or, with `prefix`, keys having a prefix within
   * that distance), in lexicographic order, with their distance.
   */
  forEachFuzzy(query: string, maxDistance: number, visit: KeyVisitor<V>, options: FuzzyOptions = {}): void {
    withDistanceRows(query, maxDistance, (rows) => new FuzzyWalk(rows, options.prefix === true, visit).run(this.#root, options.firstChar));
  }
}

/**
 * One fuzzy traversal of the tree (the rows: edit-rows.ts). A subtree is abandoned as soon as a
 * whole row exceeds the bound: no extension of the key can bring the distance back down (a
 * transposition only reaches back two rows, and is never cheaper than the substitution in the
 * row in between); with prefix matching, everything below still matches through the best prefix
 * seen on the way.
 */
class FuzzyWalk<V> {
  readonly #rows: DistanceRows;
  readonly #m: number;
  readonly #prefix: boolean;
  readonly #visit: KeyVisitor<V>;
  #stopped = false;

  constructor(rows: DistanceRows, prefix: boolean, visit: KeyVisitor<V>) {
    this.#rows = rows;
    this.#m = rows.query.length;
    this.#prefix = prefix;
    this.#visit = visit;
  }

  run<N extends RadixNode<V>>(root: N, firstChar: FuzzyOptions['firstChar']): void {
    const max = this.#rows.max;
    const bestPrefix = this.#prefix && this.#m <= max ? this.#m : Infinity;
    if (root.hasValue && this.#m <= max) this.#emit('', root.value as V, this.#m);
    if (root.children === null) return;
    const first = this.#m === 0 ? -1 : this.#rows.query.charCodeAt(0);
    if (firstChar === 'same') {
      if (first < 0 || this.#stopped) return;
      const idx = findChild(root.children, first);
      if (idx >= 0) this.#walk(root.children[idx]!, 0, bestPrefix);
      return;
    }
    for (const child of root.children) {
      if (this.#stopped) return;
      if (firstChar !== 'other' || child.label.charCodeAt(0) !== first) this.#walk(child, 0, bestPrefix);
    }
  }

  #emit(key: string, value: V, distance: number): void {
    if (this.#visit(key, value, distance) === false) this.#stopped = true;
  }

  /** Enters `node` whose parent key has `depth` characters. */
  #walk(node: RadixNode<V>, depth: number, bestPrefix: number): void {
    const label = node.label;
    const rows = this.#rows;
    const max = rows.max;
    rows.reserve(depth + label.length);
    let d = depth;
    for (let k = 0; k < label.length; k++) {
      d++;
      const rowMin = rows.push(d, label.charCodeAt(k));
      const last = rows.distance(d);
      if (this.#prefix && last < bestPrefix && last <= max) bestPrefix = last;
      if (rowMin > max) {
        if (bestPrefix <= max) this.#visitAll(node, rows.key(depth) + label, bestPrefix);
        return;
      }
    }
    if (node.hasValue) {
      const dist = Math.min(rows.distance(d), bestPrefix);
      if (dist <= max) this.#emit(rows.key(d), node.value as V, dist);
      if (this.#stopped) return;
    }
    if (node.children !== null) {
      for (const child of node.children) {
        if (this.#stopped) return;
        this.#walk(child, d, bestPrefix);
      }
    }
  }

  /** Emits every key of the subtree rooted at `node` (whose key is `key`) with `distance`. */
  #visitAll(node: RadixNode<V>, key: string, distance: number): void {
    if (node.hasValue) {
      this.#emit(key, node.value as V, distance);
      if (this.#stopped) return;
    }
    if (node.children === null) return;
    for (const child of node.children) {
      if (this.#stopped) return;
      this.#visitAll(child, key + child.label, distance);
    }
  }
}
