// Runs a reconcile function over a work queue: N workers, one reconcile in flight per key.
// A reconcile returns when to look again (or nothing); a thrown error requeues the key with
// backoff. Controllers know nothing about watches; informers only call enqueue.
import type { Clock } from './clock.ts';
import { errMessage, isUnreachable } from './errors.ts';
import { WorkQueue } from './work-queue.ts';
import type { BackoffOptions } from './backoff.ts';

/** How long a worker waits after a reconcile that got no answer from the apiserver. */
export const UNREACHABLE_PAUSE_MS = 1000;

export interface ReconcileResult {
  /** Look at this key again after this long even if nothing changes (e.g. to refresh stats). */
  requeueAfterMs?: number;
}

export type ReconcileFn = (key: string) => Promise<ReconcileResult | void>;

export interface ControllerObserver {
  reconciled?(controller: string, outcome: 'success' | 'error', seconds: number): void;
  queueDepth?(controller: string, depth: number): void;
}

export interface ControllerOptions {
  name: string;
  reconcile: ReconcileFn;
  clock: Clock;
  workers?: number;
  backoff?: BackoffOptions;
  observer?: ControllerObserver;
  log?: (msg: string) => void;
}

export class Controller {
  readonly name: string;
  readonly queue: WorkQueue;
  readonly #o: ControllerOptions;
  #workers: Promise<void>[] = [];
  readonly #stopping = new AbortController();

  constructor(o: ControllerOptions) {
    this.name = o.name;
    this.#o = o;
    this.queue = new WorkQueue({ clock: o.clock, ...(o.backoff ? { backoff: o.backoff } : {}) });
  }

  enqueue(key: string): void {
    this.queue.add(key);
    this.#o.observer?.queueDepth?.(this.name, this.queue.length);
  }

  start(): void {
    for (let i = 0; i < (this.#o.workers ?? 2); i++) this.#workers.push(this.#work());
  }

  /** Stops taking keys; in-flight reconciles run to their end (a reconcile is never cut in half). */
  async stop(): Promise<void> {
    this.#stopping.abort();
    this.queue.shutDown();
    await Promise.all(this.#workers);
  }

  async #work(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      this.#o.observer?.queueDepth?.(this.name, this.queue.length);
      const t0 = performance.now();
      let unreachable = false;
      try {
        const result = await this.#o.reconcile(key);
        this.queue.forget(key);
        if (result?.requeueAfterMs !== undefined) this.queue.addAfter(key, result.requeueAfterMs);
        this.#o.observer?.reconciled?.(this.name, 'success', (performance.now() - t0) / 1000);
      } catch (e) {
        unreachable = isUnreachable(e);
        if (unreachable) {
          // The apiserver gave no answer: every other key would fail the same way at once. Without
          // this, a restart during a first pass over 500 keys failed all of them within a second
          // and the retry bucket (10/s) then spread them over 50 s after the apiserver was back.
          // The key goes back without a failure counted, and this worker waits before the next.
          this.queue.addAfter(key, UNREACHABLE_PAUSE_MS);
          this.#o.log?.(`${this.name} ${key}: ${errMessage(e)} (apiserver unreachable; retry in ${UNREACHABLE_PAUSE_MS} ms)`);
        } else {
          const delay = this.queue.addRateLimited(key);
          this.#o.log?.(`${this.name} ${key}: ${errMessage(e)} (retry in ${delay} ms)`);
        }
        this.#o.observer?.reconciled?.(this.name, 'error', (performance.now() - t0) / 1000);
      } finally {
        this.queue.done(key);
      }
      if (unreachable) await this.#o.clock.sleep(UNREACHABLE_PAUSE_MS, this.#stopping.signal);
    }
  }
}
