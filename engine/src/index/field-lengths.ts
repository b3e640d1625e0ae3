/**
 * Number of words of each searchable attribute of each document, for the exactness rule
 * ("the attribute is exactly the query"). Kept per field as a Uint16Array indexed by document
 * id; 0 means absent or empty. Counts saturate at 0xffff.
 */
export class FieldLengths {
  #byField: Uint16Array[] = [];

  set(fieldId: number, doc: number, words: number): void {
    let arr = this.#byField[fieldId];
    if (arr === undefined) {
      arr = new Uint16Array(Math.max(64, doc + 1));
      for (let f = this.#byField.length; f < fieldId; f++) this.#byField[f] ??= new Uint16Array(0);
      this.#byField[fieldId] = arr;
    } else if (arr.length <= doc) {
      const grown = new Uint16Array(Math.max(doc + 1, arr.length * 2));
      grown.set(arr);
      arr = grown;
      this.#byField[fieldId] = arr;
    }
    arr[doc] = Math.min(words, 0xffff);
  }

  get(fieldId: number, doc: number): number {
    return this.#byField[fieldId]?.[doc] ?? 0;
  }

  clearDoc(doc: number): void {
    for (const arr of this.#byField) if (arr !== undefined && doc < arr.length) arr[doc] = 0;
  }

  /** Applies an id renumbering (-1 = dropped). */
  remapDocs(mapping: Int32Array, capacity: number): void {
    this.#byField = this.#byField.map((arr) => {
      const next = new Uint16Array(Math.max(64, capacity));
      for (let d = 0; d < Math.min(arr.length, mapping.length); d++) if (mapping[d]! >= 0) next[mapping[d]!] = arr[d]!;
      return next;
    });
  }

  clear(): void {
    this.#byField = [];
  }
}
