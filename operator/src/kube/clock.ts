// Time as a dependency, so queues, backoff, informers and leader election are tested without
// sleeping (testing/fake-clock.ts).

export interface Clock {
  now(): number;
  /** Runs fn after ms; returns a function that cancels it. */
  setTimer(fn: () => void, ms: number): () => void;
  /** Resolves after ms, or at once when the signal aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/**
 * Node's timers hold at most 2^31-1 ms (24.8 days); a longer delay fires after 1 ms instead, with
 * only a warning. A yearly SearchDumpSchedule asks to be woken in months: as one timer it would
 * be reconciled in a hot loop. Longer delays are chained through timers of at most this.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export const realClock: Clock = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    const at = Date.now() + ms;
    let t: NodeJS.Timeout;
    const arm = (left: number): void => {
      t = setTimeout(() => {
        const rest = at - Date.now();
        if (rest > 0) arm(rest);
        else fn();
      }, Math.min(Math.max(left, 0), MAX_TIMER_MS));
      t.unref();
    };
    arm(ms);
    return () => clearTimeout(t);
  },
  sleep(ms, signal) {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const cancel = realClock.setTimer(done, ms);
      signal?.addEventListener('abort', done, { once: true });
      function done(): void {
        cancel();
        signal?.removeEventListener('abort', done);
        resolve();
      }
    });
  },
};
