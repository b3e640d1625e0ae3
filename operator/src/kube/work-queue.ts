// A keyed work queue in the style of client-go's: a key is queued at most once (dedupe); a key
// being processed is never handed to a second worker (a new add marks it dirty and it is queued
// again when done); delayed adds keep the earliest deadline; failures back off per key, and an
// overall token bucket bounds the retry rate when many keys fail at once.
import { backoffDelay, type BackoffOptions } from './backoff.ts';
import type { Clock } from './clock.ts';

export interface WorkQueueOptions {
  clock: Clock;
  /** Per-key failure backoff. */
  backoff?: BackoffOptions;
  /** Overall retry rate: tokens per second and burst. */
  qps?: number;
  burst?: number;
}

export class WorkQueue {
  readonly #clock: Clock;
  readonly #backoff: BackoffOptions;
  readonly #qps: number;
  readonly #burst: number;
  readonly #queue: string[] = [];
  readonly #queued = new Set<string>();
  readonly #processing = new Set<string>();
  readonly #dirty = new Set<string>();
  readonly #delayed = new Map<string, { at: number; cancel: () => void }>();
  readonly #failures = new Map<string, number>();
  readonly #waiters: Array<(key: string | undefined) => void> = [];
  #tokens: number;
  #tokensAt: number;
  #shutdown = false;

  constructor(o: WorkQueueOptions) {
    this.#clock = o.clock;
    this.#backoff = o.backoff ?? { baseMs: 500, maxMs: 5 * 60_000 };
    this.#qps = o.qps ?? 10;
    this.#burst = o.burst ?? 100;
    this.#tokens = this.#burst;
    this.#tokensAt = o.clock.now();
  }

  /** Keys waiting to be processed (not counting delayed or in-flight ones). */
  get length(): number {
    return this.#queue.length;
  }

  get delayed(): number {
    return this.#delayed.size;
  }

  get inFlight(): number {
    return this.#processing.size;
  }

  add(key: string): void {
    if (this.#shutdown) return;
    const d = this.#delayed.get(key);
    if (d) {
      d.cancel();
      this.#delayed.delete(key);
    }
    if (this.#processing.has(key)) {
      this.#dirty.add(key);
      return;
    }
    if (this.#queued.has(key)) return;
    const waiter = this.#waiters.shift();
    if (waiter) {
      this.#processing.add(key);
      waiter(key);
      return;
    }
    this.#queued.add(key);
    this.#queue.push(key);
  }

  addAfter(key: string, ms: number): void {
    if (this.#shutdown) return;
    if (ms <= 0) return this.add(key);
    const at = this.#clock.now() + ms;
    const existing = this.#delayed.get(key);
    if (existing && existing.at <= at) return;
    existing?.cancel();
    const cancel = this.#clock.setTimer(() => {
      this.#delayed.delete(key);
      this.add(key);
    }, ms);
    this.#delayed.set(key, { at, cancel });
  }

  /** Requeues a key that failed: per-key exponential backoff, bounded overall by the token bucket. */
  addRateLimited(key: string): number {
    const n = this.#failures.get(key) ?? 0;
    this.#failures.set(key, n + 1);
    const delay = Math.max(backoffDelay(n, this.#backoff), this.#bucketDelay());
    this.addAfter(key, delay);
    return delay;
  }

  /** Forgets a key's failures (call after a successful reconcile). */
  forget(key: string): void {
    this.#failures.delete(key);
  }

  failures(key: string): number {
    return this.#failures.get(key) ?? 0;
  }

  /** The next key to process, or undefined once the queue is shut down. Call done(key) after. */
  get(): Promise<string | undefined> {
    const key = this.#queue.shift();
    if (key !== undefined) {
      this.#queued.delete(key);
      this.#processing.add(key);
      return Promise.resolve(key);
    }
    if (this.#shutdown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  done(key: string): void {
    this.#processing.delete(key);
    if (this.#dirty.delete(key)) this.add(key);
  }

  shutDown(): void {
    this.#shutdown = true;
    for (const d of this.#delayed.values()) d.cancel();
    this.#delayed.clear();
    for (const w of this.#waiters.splice(0)) w(undefined);
  }

  #bucketDelay(): number {
    const now = this.#clock.now();
    this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#tokensAt) / 1000) * this.#qps);
    this.#tokensAt = now;
    this.#tokens -= 1;
    return this.#tokens >= 0 ? 0 : Math.ceil((-this.#tokens / this.#qps) * 1000);
  }
}
