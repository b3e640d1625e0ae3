/**
 * Runs request work (searches) a slice of the event loop at a time: jobs run in arrival order
 * until SLICE_MS have passed, then the rest waits for the next turn of the loop. Node's libuv
 * accepts one new connection per turn, so a turn that ran every ready request's search to the
 * end (200 busy clients: ~100 ms and more) kept new connections, Kubernetes' health probes
 * among them, in the accept queue for seconds.
 */
export const SLICE_MS = 10;

export class WorkSlices {
  readonly #queue: Array<() => void> = [];
  #head = 0;
  #scheduled = false;
  readonly #sliceMs: number;
  readonly #now: () => number;

  /** `now` is the clock slices are measured with (tests give one that jobs advance). */
  constructor(sliceMs = SLICE_MS, now: () => number = () => performance.now()) {
    this.#sliceMs = sliceMs;
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
    const end = this.#now() + this.#sliceMs;
    const queue = this.#queue;
    do queue[this.#head++]!();
    while (this.#head < queue.length && this.#now() < end);
    if (this.#head === queue.length) {
      queue.length = 0;
      this.#head = 0;
    } else {
      this.#schedule();
    }
  };
}
