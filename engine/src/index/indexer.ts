import type { Document } from '../types/document.ts';
import type { FieldLengths } from './field-lengths.ts';
import { EMPTY_CONTAINER, forEachLeaf, type FieldRegistry } from './fields.ts';
import { Postings, packOccurrence } from './postings.ts';
import { HARD_SEPARATOR_GAP, MAX_POSITION, MAX_WORD_LENGTH, type Tokenizer } from './tokenizer.ts';
import { hashAsciiLower, type Vocabulary } from './vocabulary.ts';

/**
 * Document -> postings: the text of every searchable leaf is tokenized, each word interned, and
 * the document's occurrences grouped by term before being appended to the postings.
 *
 * Hot path: ASCII text with the default tokenizer is scanned here directly, character codes
 * only, hashing each word while reading it; known words are found without allocating a string
 * (see Vocabulary.internAsciiSlice). It follows the Tokenizer's rules exactly (a property test
 * compares the two). Other text goes through the Tokenizer.
 */

export interface IndexerDeps {
  fields: FieldRegistry;
  vocabulary: Vocabulary;
  postings: Postings;
  fieldLengths: FieldLengths;
  tokenizer: Tokenizer;
  stopWords: ReadonlySet<string>;
  searchRank(fieldId: number): number;
}

const NON_ASCII_RE = /[^\x00-\x7f]/;
const MAX_FIELD_ID = 0xffff;

function isAsciiWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57);
}

function isHardSeparator(c: number): boolean {
  return c === 46 || c === 33 || c === 63 || c === 59 || c === 10 || c === 13; // . ! ? ; \n \r
}

/**
 * Scans ASCII `text` like Tokenizer.forEach, calling `visit(hash, start, end, position)` with the
 * hash of the lowercased word. Returns the position of the last word (or `first` when none).
 */
export function scanAscii(text: string, first: number, visit: (hash: number, start: number, end: number, position: number) => void): number {
  const n = text.length;
  let position = first;
  let seen = false;
  let hard = false;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (!isAsciiWordChar(c)) {
      if (isHardSeparator(c)) hard = true;
      i++;
      continue;
    }
    const start = i;
    while (i < n && isAsciiWordChar(text.charCodeAt(i))) i++;
    if (seen) position += hard ? HARD_SEPARATOR_GAP : 1;
    seen = true;
    hard = false;
    if (i - start <= MAX_WORD_LENGTH) visit(hashAsciiLower(text, start, i), start, i, position);
    if (position > MAX_POSITION) break;
  }
  return position;
}

function leafText(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

export class DocumentIndexer {
  readonly #deps: IndexerDeps;
  /** Per term: id of the document being indexed + 1 when the term was seen in it. */
  #stamp = new Int32Array(1024);
  /** Per term: first and last occurrence entry for the current document. */
  #head = new Int32Array(1024);
  #tail = new Int32Array(1024);
  /** Per term: 1 when the term is a stop word (not indexed). */
  #stop = new Uint8Array(1024);
  #checkedTerms = 0;
  /** Occurrence entries of the current document: packed value and next entry of the term. */
  #occ = new Uint32Array(4096);
  #next = new Int32Array(4096);
  #count = 0;
  #terms: number[] = [];
  #scratch = new Uint32Array(256);

  constructor(deps: IndexerDeps) {
    this.#deps = deps;
  }

  /** Follows vocabulary growth: sizes per-term arrays and marks new stop words. */
  #syncTerms(): void {
    const size = this.#deps.vocabulary.size;
    if (size > this.#stamp.length) {
      const cap = Math.max(size, this.#stamp.length * 2);
      const grow = <T extends Int32Array | Uint8Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(cap);
        b.set(a);
        return b;
      };
      this.#stamp = grow(this.#stamp);
      this.#head = grow(this.#head);
      this.#tail = grow(this.#tail);
      this.#stop = grow(this.#stop);
    }
    const stopWords = this.#deps.stopWords;
    for (; this.#checkedTerms < size; this.#checkedTerms++) {
      if (stopWords.size > 0 && stopWords.has(this.#deps.vocabulary.term(this.#checkedTerms))) this.#stop[this.#checkedTerms] = 1;
    }
  }

  #addOccurrence(doc: number, term: number, packed: number): void {
    if (term >= this.#checkedTerms) this.#syncTerms();
    if (this.#stop[term] === 1) return;
    if (this.#count === this.#occ.length) {
      const occ = new Uint32Array(this.#count * 2);
      occ.set(this.#occ);
      this.#occ = occ;
      const next = new Int32Array(this.#count * 2);
      next.set(this.#next);
      this.#next = next;
    }
    const k = this.#count++;
    this.#occ[k] = packed;
    this.#next[k] = -1;
    if (this.#stamp[term] !== doc + 1) {
      this.#stamp[term] = doc + 1;
      this.#head[term] = k;
      this.#terms.push(term);
    } else {
      this.#next[this.#tail[term]!] = k;
    }
    this.#tail[term] = k;
  }

  index(doc: number, document: Document): void {
    const deps = this.#deps;
    const { vocabulary, tokenizer, fieldLengths } = deps;
    const fast = tokenizer.isDefault;
    const lastPosition = new Map<number, number>();
    this.#count = 0;
    this.#terms.length = 0;
    forEachLeaf(document, (path, value) => {
      if (value === EMPTY_CONTAINER) return;
      const text = leafText(value);
      if (text === null) return;
      const fieldId = deps.fields.id(path);
      // Occurrences pack the field id in 16 bits (Meilisearch also caps fields at 65535).
      if (fieldId > MAX_FIELD_ID || deps.searchRank(fieldId) < 0) return;
      const previous = lastPosition.get(fieldId);
      const first = previous === undefined ? 0 : previous + HARD_SEPARATOR_GAP;
      let words = 0;
      let last: number;
      if (fast && !NON_ASCII_RE.test(text)) {
        last = scanAscii(text, first, (hash, start, end, position) => {
          words++;
          if (position <= MAX_POSITION) this.#addOccurrence(doc, vocabulary.internAsciiSlice(text, start, end, hash), packOccurrence(fieldId, position));
        });
      } else {
        last = tokenizer.forEach(
          text,
          (word, position) => {
            words++;
            if (position <= MAX_POSITION) this.#addOccurrence(doc, vocabulary.intern(word), packOccurrence(fieldId, position));
          },
          first,
        );
      }
      if (words > 0) {
        lastPosition.set(fieldId, last);
        fieldLengths.set(fieldId, doc, fieldLengths.get(fieldId, doc) + words);
      }
    });
    this.#emit(doc);
  }

  /** Appends the grouped occurrences of the current document to the postings. */
  #emit(doc: number): void {
    const postings = this.#deps.postings;
    for (const term of this.#terms) {
      let n = 0;
      let sorted = true;
      let prev = -1;
      for (let k = this.#head[term]!; k !== -1; k = this.#next[k]!) {
        if (n === this.#scratch.length) {
          const grown = new Uint32Array(n * 2);
          grown.set(this.#scratch);
          this.#scratch = grown;
        }
        const v = this.#occ[k]!;
        if (v < prev) sorted = false;
        prev = v;
        this.#scratch[n++] = v;
      }
      // Leaves of different fields can come in any order; positions within a field ascend.
      if (!sorted) this.#scratch.subarray(0, n).sort();
      postings.add(term, doc, this.#scratch, 0, n);
    }
  }

  /** Forgets per-term state (after the vocabulary was cleared). */
  reset(): void {
    this.#stamp.fill(0);
    this.#stop.fill(0);
    this.#checkedTerms = 0;
  }
}
