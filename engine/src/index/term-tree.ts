/**
 * The vocabulary's words for prefix and typo lookups: a packed trie (packed-trie.ts) of the words
 * as of the last compaction, plus a radix tree (term-dictionary.ts) of the words added since.
 * Lookups read both and merge them in lexicographic order, so they see exactly what one tree of
 * every word would, and give back the strings the words were added with. Compacting (the engine
 * does it while idle) folds the recent words into a new packed trie once they are a sizeable
 * share of all words: packing costs ~30 ms per 100,000 words, while a few thousand recent words
 * add little to a walk.
 *
 * Words are never removed one by one: the vocabulary starts over (`clear`) when it drops words.
 */
import { PackedTrie } from './packed-trie.ts';
import { RadixTree, type FuzzyOptions, type KeyVisitor } from './term-dictionary.ts';

/** Recent words are packed once they are this share of the packed ones (or the packed trie is empty). */
const PACK_SHARE = 1 / 32;

interface Visited {
  keys: string[];
  values: number[];
  distances: number[];
}

function collect(run: (visit: KeyVisitor<number>) => void): Visited {
  const out: Visited = { keys: [], values: [], distances: [] };
  run((key, value, distance) => {
    out.keys.push(key);
    out.values.push(value);
    out.distances.push(distance);
  });
  return out;
}

export class TermTree {
  #packed = PackedTrie.fromSorted([], []);
  /** Recent words by their index in #recentWords (whose values are in #recentValues). */
  #recent = new RadixTree<number>();
  #recentWords: string[] = [];
  #recentValues: number[] = [];

  get size(): number {
    return this.#packed.size + this.#recent.size;
  }

  /** Words added since the last compaction. */
  get recentSize(): number {
    return this.#recent.size;
  }

  /** Adds a word that is in neither part (the string itself is what lookups give back once packed). */
  add(word: string, value: number): void {
    this.#recent.set(word, this.#recentWords.length);
    this.#recentWords.push(word);
    this.#recentValues.push(value);
  }

  clear(): void {
    this.#packed = PackedTrie.fromSorted([], []);
    this.#clearRecent();
  }

  #clearRecent(): void {
    this.#recent = new RadixTree<number>();
    this.#recentWords = [];
    this.#recentValues = [];
  }

  /** Folds the recent words into the packed trie when they are worth it (`force`: when there are any); false when nothing was done. */
  compact(force = false): boolean {
    const recent = this.#recent.size;
    if (recent === 0 || (!force && recent < this.#packed.size * PACK_SHARE)) return false;
    // Both parts in key order, merged: the packed keys are an array already, the recent ones
    // come from their tree as indexes of the words added.
    const order: number[] = [];
    this.#recent.forEach((_key, index) => void order.push(index));
    const { keys: packedKeys, values: packedValues } = this.#packed;
    const keys: string[] = [];
    const values: number[] = [];
    let i = 0;
    for (const index of order) {
      const word = this.#recentWords[index]!;
      for (; i < packedKeys.length && packedKeys[i]! < word; i++) {
        keys.push(packedKeys[i]!);
        values.push(packedValues[i]!);
      }
      keys.push(word);
      values.push(this.#recentValues[index]!);
    }
    for (; i < packedKeys.length; i++) {
      keys.push(packedKeys[i]!);
      values.push(packedValues[i]!);
    }
    this.#packed = PackedTrie.fromSorted(keys, values);
    this.#clearRecent();
    return true;
  }

  forEach(visit: KeyVisitor<number>): void {
    this.#merge((v) => this.#packed.forEach(v), (v) => this.#recent.forEach(this.#recentVisitor(v)), visit);
  }

  forEachWithPrefix(prefix: string, visit: KeyVisitor<number>): void {
    this.#merge((v) => this.#packed.forEachWithPrefix(prefix, v), (v) => this.#recent.forEachWithPrefix(prefix, this.#recentVisitor(v)), visit);
  }

  forEachFuzzy(query: string, maxDistance: number, visit: KeyVisitor<number>, options: FuzzyOptions = {}): void {
    this.#merge(
      (v) => this.#packed.forEachFuzzy(query, maxDistance, v, options),
      (v) => this.#recent.forEachFuzzy(query, maxDistance, this.#recentVisitor(v), options),
      visit,
    );
  }

  /** A visitor of the recent tree (whose values are indexes of the words added) giving words and values. */
  #recentVisitor(visit: KeyVisitor<number>): KeyVisitor<number> {
    return (_key, index, distance) => visit(this.#recentWords[index]!, this.#recentValues[index]!, distance);
  }

  /**
   * Runs both lookups as one, in key order (a key is in one part only): the recent part's few
   * keys are listed first, then slipped in as the packed walk goes.
   */
  #merge(packed: (visit: KeyVisitor<number>) => void, recent: (visit: KeyVisitor<number>) => void, visit: KeyVisitor<number>): void {
    if (this.#recent.size === 0) return packed(visit);
    const few = collect(recent);
    if (few.keys.length === 0) return packed(visit);
    let next = 0;
    let stopped = false;
    const slip = (upTo: string | null): boolean => {
      for (; next < few.keys.length && (upTo === null || few.keys[next]! < upTo); next++) {
        if (visit(few.keys[next]!, few.values[next]!, few.distances[next]!) === false) {
          next++;
          return (stopped = true);
        }
      }
      return false;
    };
    packed((key, value, distance) => {
      if (slip(key)) return false;
      if (visit(key, value, distance) === false) return !(stopped = true);
      return true;
    });
    if (!stopped) slip(null);
  }
}
