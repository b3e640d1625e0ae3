import { TermTree } from './term-tree.ts';

/**
 * The index's words: a dense term id per distinct normalized word.
 *
 * Exact lookups go through an open-addressing hash table keyed by an FNV-1a hash of the UTF-16
 * units. Indexing computes that hash while scanning ASCII text and probes with the slice of the
 * text itself (`internAsciiSlice`), so a word already known costs no string allocation at all —
 * the hot path for large documents. The term tree, which serves prefix and typo lookups at
 * search time, is brought up to date lazily with the terms added since, and compacted while the
 * engine is idle (term-tree.ts).
 *
 * A term whose documents are all gone keeps its id (empty postings) until the core compacts the
 * vocabulary (`retain`) once such terms outnumber the live ones; a settings change that rebuilds
 * the postings starts a fresh vocabulary.
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
/** Initial number of hash slots (a power of two); the table doubles at half load. */
const INITIAL_SLOTS = 1 << 12;

/** The hash of a string as the table computes it. */
export function hashWord(word: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), FNV_PRIME);
  return h | 0;
}

/** The hash of text[start, end) lowercased (ASCII only). */
export function hashAsciiLower(text: string, start: number, end: number): number {
  let h = FNV_OFFSET;
  for (let i = start; i < end; i++) {
    let c = text.charCodeAt(i);
    if (c >= 65 && c <= 90) c += 32;
    h = Math.imul(h ^ c, FNV_PRIME);
  }
  return h | 0;
}

export class Vocabulary {
  #terms: string[] = [];
  #hashes = new Int32Array(1024);
  /** Slot -> term id + 1 (0 = empty). */
  #table = new Int32Array(INITIAL_SLOTS);
  readonly #tree = new TermTree();
  #treeSize = 0;
  /** Ids given by `reserve` (not words: in neither the hash table nor the tree). */
  #reserved = new Set<number>();

  get size(): number {
    return this.#terms.length;
  }

  #add(word: string, hash: number, slot: number): number {
    const id = this.#terms.length;
    this.#terms.push(word);
    if (id === this.#hashes.length) {
      const grown = new Int32Array(id * 2);
      grown.set(this.#hashes);
      this.#hashes = grown;
    }
    this.#hashes[id] = hash;
    this.#table[slot] = id + 1;
    if ((id + 1) * 2 > this.#table.length) this.#rehash();
    return id;
  }

  #rehash(): void {
    const table = new Int32Array(this.#table.length * 2);
    const mask = table.length - 1;
    for (let id = 0; id < this.#terms.length; id++) {
      if (this.#reserved.has(id)) continue;
      let slot = this.#hashes[id]! & mask;
      while (table[slot] !== 0) slot = (slot + 1) & mask;
      table[slot] = id + 1;
    }
    this.#table = table;
  }

  /** The id of `word`, assigning the next id if it is new. */
  intern(word: string): number {
    const hash = hashWord(word);
    const mask = this.#table.length - 1;
    let slot = hash & mask;
    for (;;) {
      const entry = this.#table[slot]!;
      if (entry === 0) return this.#add(word, hash, slot);
      if (this.#hashes[entry - 1] === hash && this.#terms[entry - 1] === word) return entry - 1;
      slot = (slot + 1) & mask;
    }
  }

  /** intern(text.slice(start, end).toLowerCase()) for ASCII text, given hashAsciiLower of it. */
  internAsciiSlice(text: string, start: number, end: number, hash: number): number {
    const mask = this.#table.length - 1;
    const length = end - start;
    let slot = hash & mask;
    for (;;) {
      const entry = this.#table[slot]!;
      if (entry === 0) return this.#add(text.slice(start, end).toLowerCase(), hash, slot);
      if (this.#hashes[entry - 1] === hash) {
        const term = this.#terms[entry - 1]!;
        if (term.length === length) {
          let same = true;
          for (let i = 0; i < length && same; i++) {
            let c = text.charCodeAt(start + i);
            if (c >= 65 && c <= 90) c += 32;
            same = term.charCodeAt(i) === c;
          }
          if (same) return entry - 1;
        }
      }
      slot = (slot + 1) & mask;
    }
  }

  lookup(word: string): number | undefined {
    const hash = hashWord(word);
    const mask = this.#table.length - 1;
    let slot = hash & mask;
    for (;;) {
      const entry = this.#table[slot]!;
      if (entry === 0) return undefined;
      if (this.#hashes[entry - 1] === hash && this.#terms[entry - 1] === word) return entry - 1;
      slot = (slot + 1) & mask;
    }
  }

  /**
   * A term id that no word has: its `term` is '' and lookups never find it. The postings of
   * prefixes (prefix-rows.ts) live under such ids, next to the words' rows.
   */
  reserve(): number {
    const id = this.#terms.length;
    this.#terms.push('');
    if (id === this.#hashes.length) {
      const grown = new Int32Array(id * 2);
      grown.set(this.#hashes);
      this.#hashes = grown;
    }
    this.#reserved.add(id);
    return id;
  }

  isReserved(id: number): boolean {
    return this.#reserved.has(id);
  }

  term(id: number): string {
    return this.#terms[id]!;
  }

  /** The tree of every term (value = term id), including terms added since last call. */
  tree(): TermTree {
    for (; this.#treeSize < this.#terms.length; this.#treeSize++) if (!this.#reserved.has(this.#treeSize)) this.#tree.add(this.#terms[this.#treeSize]!, this.#treeSize);
    return this.#tree;
  }

  /** Folds the terms added since the last compaction into the tree's packed part; false when none were. */
  compactTree(): boolean {
    return this.tree().compact();
  }

  /** Keeps the terms whose `mapping` entry is not -1, under their new ids (ascending, dense). */
  retain(mapping: Int32Array): void {
    const kept: string[] = [];
    for (let id = 0; id < this.#terms.length; id++) if (id < mapping.length && mapping[id]! >= 0) kept[mapping[id]!] = this.#terms[id]!;
    this.clear();
    for (const term of kept) this.intern(term);
  }

  clear(): void {
    this.#terms = [];
    this.#hashes = new Int32Array(1024);
    this.#table = new Int32Array(INITIAL_SLOTS);
    this.#tree.clear();
    this.#treeSize = 0;
    this.#reserved = new Set();
  }
}
