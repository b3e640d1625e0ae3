import { GrowableU32 } from '../growable.ts';

/**
 * The occurrences of one word in one document, `data[0, length)`: filled again for each
 * document a rule reads, so that a search ranking hundreds of documents does not allocate an
 * array or two per document (a cold two-word search allocated ~160 KB, most of it in such
 * arrays, and a young-generation collection every ~100 searches paused one of them for ~2 ms).
 */
export class OccurrenceList extends GrowableU32 {
  /** Empties the list and makes room for `n` occurrences. */
  reset(n = 0): this {
    this.length = 0;
    this.grow(n);
    return this;
  }

  includes(occurrence: number): boolean {
    const { data, length } = this;
    for (let i = 0; i < length; i++) if (data[i] === occurrence) return true;
    return false;
  }

  /** Sorts ascending in place: insertion sort for the usual short lists. */
  sort(): this {
    const { data: out, length: n } = this;
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
