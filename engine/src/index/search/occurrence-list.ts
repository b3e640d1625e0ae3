/**
 * The occurrences of one word in one document, `values[0, length)`: filled again for each
 * document a rule reads, so that a search ranking hundreds of documents does not allocate an
 * array or two per document (a cold two-word search allocated ~160 KB, most of it in such
 * arrays, and a young-generation collection every ~100 searches paused one of them for ~2 ms).
 */
export class OccurrenceList {
  values = new Uint32Array(16);
  length = 0;

  /** Empties the list and makes room for `n` occurrences (the content is not kept). */
  reset(n = 0): this {
    if (n > this.values.length) this.values = new Uint32Array(Math.max(n, this.values.length * 2));
    this.length = 0;
    return this;
  }

  push(occurrence: number): void {
    if (this.length === this.values.length) {
      const grown = new Uint32Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = occurrence;
  }

  includes(occurrence: number): boolean {
    const { values, length } = this;
    for (let i = 0; i < length; i++) if (values[i] === occurrence) return true;
    return false;
  }

  /** Sorts ascending in place: insertion sort for the usual short lists. */
  sort(): this {
    const { values: out, length: n } = this;
    if (n > 32) {
      out.subarray(0, n).sort();
      return this;
    }
    for (let i = 1; i < n; i++) {
      const v = out[i]!;
      let j = i - 1;
      while (j >= 0 && out[j]! > v) {
        out[j + 1] = out[j]!;
        j--;
      }
      out[j + 1] = v;
    }
    return this;
  }
}
