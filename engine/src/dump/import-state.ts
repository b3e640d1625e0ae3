/** Progress of the start-up dump import, shown by /health and the 503 of every other route. */
export interface ImportProgress {
  indexesDone: number;
  indexesTotal: number;
  documentsDone: number;
  documentsTotal: number;
}

export class ImportState {
  #progress: ImportProgress | null = null;

  begin(totals: { indexes: number; documents: number }): void {
    this.#progress = { indexesDone: 0, indexesTotal: totals.indexes, documentsDone: 0, documentsTotal: totals.documents };
  }

  update(change: Partial<ImportProgress>): void {
    if (this.#progress) Object.assign(this.#progress, change);
  }

  finish(): void {
    this.#progress = null;
  }

  /** Null when no import is running. */
  progress(): ImportProgress | null {
    return this.#progress === null ? null : { ...this.#progress };
  }
}
