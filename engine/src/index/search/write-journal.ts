/**
 * What each recent write changed, by the epoch its seal moved the index to, so that a read cache
 * built before a write can tell whether the write could have changed it (see ranked-carry.ts)
 * instead of being thrown away by every write. Anything else that changes the epoch (settings,
 * renumbered ids or terms, a cleared index, dropped read caches) is a break: nothing built
 * before it can be carried over.
 */

/** What one seal merged: documents removed (internal ids) and terms that gained documents. */
export interface WriteChanges {
  removed: readonly number[];
  gained: ReadonlySet<number>;
}

/** What a span of writes changed. */
export interface SpanChanges {
  removed: readonly number[];
  gained: ReadonlyArray<ReadonlySet<number>>;
}

interface Write extends WriteChanges {
  epoch: number;
}

/**
 * Removed documents and gained terms remembered over all recorded writes: past it the oldest
 * writes are forgotten (a cache from before them is not carried over).
 */
export const JOURNAL_ENTRIES = 1 << 16;

export class WriteJournal {
  #writes: Write[] = [];
  #entries = 0;
  /** Nothing built at an epoch before this can be carried over. */
  #validFrom = 0;

  /** A seal that moved the index to `epoch` merged these changes (null: too many to list). */
  recordWrite(epoch: number, changes: WriteChanges | null): void {
    if (changes === null) {
      this.recordBreak(epoch);
      return;
    }
    this.#writes.push({ epoch, removed: changes.removed, gained: changes.gained });
    this.#entries += changes.removed.length + changes.gained.size;
    while (this.#entries > JOURNAL_ENTRIES && this.#writes.length > 0) {
      const oldest = this.#writes.shift()!;
      this.#entries -= oldest.removed.length + oldest.gained.size;
      this.#validFrom = oldest.epoch;
    }
  }

  /** Something other than a listed write moved the index to `epoch`. */
  recordBreak(epoch: number): void {
    this.#writes = [];
    this.#entries = 0;
    this.#validFrom = epoch;
  }

  /**
   * What was written after `since` up to now, or null when something else happened since (or
   * the writes were forgotten).
   */
  changesSince(since: number): SpanChanges | null {
    if (since < this.#validFrom) return null;
    const removed: number[] = [];
    const gained: Array<ReadonlySet<number>> = [];
    for (const w of this.#writes) {
      if (w.epoch <= since) continue;
      for (const d of w.removed) removed.push(d);
      gained.push(w.gained);
    }
    return { removed, gained };
  }
}
