import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_TIMER_MS, realClock } from './clock.ts';

afterEach(() => {
  vi.useRealTimers();
});

describe('realClock', () => {
  it('does not fire a timer longer than Node allows (24.8 days) at once', async () => {
    // Node would run it after 1 ms; 50 ms of real time is plenty to see that.
    const fn = vi.fn();
    const cancel = realClock.setTimer(fn, MAX_TIMER_MS + 60_000);
    const slept = vi.fn();
    const ctl = new AbortController();
    void realClock.sleep(40 * 24 * 3_600_000, ctl.signal).then(slept);
    await new Promise((r) => setTimeout(r, 50));
    expect(fn).not.toHaveBeenCalled();
    expect(slept).not.toHaveBeenCalled();
    cancel();
    ctl.abort();
    await Promise.resolve();
    expect(slept).toHaveBeenCalled();
  });

  it('fires a very long timer when it is due, and not before', async () => {
    vi.useFakeTimers();
    const fn = vi.fn();
    const days40 = 40 * 24 * 3_600_000;
    realClock.setTimer(fn, days40);
    await vi.advanceTimersByTimeAsync(days40 - 1000);
    expect(fn).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1000);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('can cancel a long timer in any of its legs', async () => {
    vi.useFakeTimers();
    const fn = vi.fn();
    const cancel = realClock.setTimer(fn, 2 * MAX_TIMER_MS + 10);
    await vi.advanceTimersByTimeAsync(MAX_TIMER_MS + 5);
    cancel();
    await vi.advanceTimersByTimeAsync(MAX_TIMER_MS + 10);
    expect(fn).not.toHaveBeenCalled();
  });
});
