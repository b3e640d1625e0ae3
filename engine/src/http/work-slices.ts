/**
 * Runs request work (searches) a slice of the event loop at a time: jobs run in arrival order
 * until the slice is over, then the rest waits for the next turn of the loop. Node's libuv
 * accepts one new connection per turn, so a turn that ran every ready request's search to the
 * end (200 busy clients: ~100 ms and more) kept new connections, Kubernetes' health probes
 * among them, in the accept queue for seconds.
 *
 * A slice lasts as long as the other work (indexing, merges, parsing requests) took since the
 * previous one, within [MIN_SLICE_MS, MAX_SLICE_MS]: searches and the rest share the loop about
 * evenly, and a turn stays short while only searches run.
 */
export const MIN_SLICE_MS = 10;
export const MAX_SLICE_MS = 50;

export class WorkSlices {
  readonly #queue: Array<() => void> = [];
  #head = 0;
  #scheduled = false;
  readonly #minMs: number;
  readonly #maxMs: number;
  readonly #now: () => number;
  /** When the last slice ended (the other work has had the loop since). */
  #lastEnd = -Infinity;

  /** `now` is the clock slices are measured with (tests give one that jobs and others advance). */
  constructor(minMs = MIN_SLICE_MS, maxMs = MAX_SLICE_MS, now: () => number = () => performance.now()) {
    this.#minMs = minMs;
    this.#maxMs = maxMs;
    this.#now = now;
  }

  /** Runs `work` in a later slice (at least one job runs per slice, however long). */
  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push(() => {
        try {
          resolve(work());
        } catch (error) {
          reject(error);
        }
      });
      this.#schedule();
    });
  }

  /** Jobs waiting for a slice. */
  get waiting(): number {
    return this.#queue.length - this.#head;
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(this.#slice);
  }

  readonly #slice = (): void => {
    this.#scheduled = false;
    const start = this.#now();
    const end = start + Math.min(this.#maxMs, Math.max(this.#minMs, start - this.#lastEnd));
    const queue = this.#queue;
    do queue[this.#head++]!();
    while (this.#head < queue.length && this.#now() < end);
    this.#lastEnd = this.#now();
    if (this.#head === queue.length) {
      queue.length = 0;
      this.#head = 0;
    } else {
      this.#schedule();
    }
  };
}
