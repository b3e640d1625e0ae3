import { RadixTree } from './term-dictionary.ts';

/**
 * The index's words: a dense term id per distinct normalized word. A hash map serves the hot
 * path of indexing (one lookup per word occurrence); the radix tree, which serves prefix and
 * typo lookups at search time, is brought up to date lazily with the terms added since.
 *
 * Terms are never removed (a term whose documents are all gone just has empty postings); a
 * settings change that rebuilds the postings starts a fresh vocabulary.
 */
export class Vocabulary {
  readonly #ids = new Map<string, number>();
  readonly #terms: string[] = [];
  readonly #tree = new RadixTree<number>();
  #treeSize = 0;

  get size(): number {
    return this.#terms.length;
  }

  /** The id of `word`, assigning the next id if it is new. */
  intern(word: string): number {
    let id = this.#ids.get(word);
    if (id === undefined) {
      id = this.#terms.length;
      this.#ids.set(word, id);
      this.#terms.push(word);
    }
    return id;
  }

  lookup(word: string): number | undefined {
    return this.#ids.get(word);
  }

  term(id: number): string {
    return this.#terms[id]!;
  }

  /** The radix tree over every term (value = term id), including terms added since last call. */
  tree(): RadixTree<number> {
    for (; this.#treeSize < this.#terms.length; this.#treeSize++) this.#tree.set(this.#terms[this.#treeSize]!, this.#treeSize);
    return this.#tree;
  }

  clear(): void {
    this.#ids.clear();
    this.#terms.length = 0;
    this.#tree.clear();
    this.#treeSize = 0;
  }
}
