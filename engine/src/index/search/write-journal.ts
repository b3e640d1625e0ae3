/**
 * Which documents each recent write added and removed, by the epoch its seal started, so that a
 * read cache built before a write can tell whether the write could have changed it (see
 * ranked-carry.ts) instead of being thrown away by every write. Anything else that changes the
 * epoch (settings, renumbered ids or terms, a cleared index, dropped read caches) is a break:
 * nothing built before it can be carried over.
 */

/** Documents a span of writes touched (internal ids; an id may be in both lists). */
export interface WriteChanges {
  added: readonly number[];
  removed: readonly number[];
}

interface Write extends WriteChanges {
  epoch: number;
}

/**
 * Documents remembered over all recorded writes: past it the oldest writes are forgotten (a
 * cache from before them is not carried over), so a bulk load costs no more than a break.
 */
export const JOURNAL_DOCS = 4096;

export class WriteJournal {
  #writes: Write[] = [];
  #docs = 0;
  /** Nothing built at an epoch before this can be carried over. */
  #validFrom = 0;

  /** A seal that moved the index to `epoch` merged these changes (null: too many to list). */
  recordWrite(epoch: number, changes: WriteChanges | null): void {
    if (changes === null) {
      this.recordBreak(epoch);
      return;
    }
    this.#writes.push({ epoch, added: changes.added, removed: changes.removed });
    this.#docs += changes.added.length + changes.removed.length;
    while (this.#docs > JOURNAL_DOCS && this.#writes.length > 0) {
      const oldest = this.#writes.shift()!;
      this.#docs -= oldest.added.length + oldest.removed.length;
      this.#validFrom = oldest.epoch;
    }
  }

  /** Something other than a listed write moved the index to `epoch`. */
  recordBreak(epoch: number): void {
    this.#writes = [];
    this.#docs = 0;
    this.#validFrom = epoch;
  }

  /**
   * The documents written after `since` up to now, or null when something else happened since
   * (or the writes were forgotten).
   */
  changesSince(since: number): WriteChanges | null {
    if (since < this.#validFrom) return null;
    const added: number[] = [];
    const removed: number[] = [];
    for (const w of this.#writes) {
      if (w.epoch <= since) continue;
      for (const d of w.added) added.push(d);
      for (const d of w.removed) removed.push(d);
    }
    return { added, removed };
  }
}
