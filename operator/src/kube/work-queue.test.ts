import { describe, expect, it } from 'vitest';
import { FakeClock } from '../testing/fake-clock.ts';
import { Backoff, backoffDelay } from './backoff.ts';
import { WorkQueue } from './work-queue.ts';

describe('backoff', () => {
  it('doubles from the base up to the cap', () => {
    const o = { baseMs: 100, maxMs: 1000 };
    expect([0, 1, 2, 3, 4, 5].map((n) => backoffDelay(n, o))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('jitter only shortens the delay, by at most the given fraction', () => {
    expect(backoffDelay(3, { baseMs: 100, maxMs: 10_000, jitter: 0.5, random: () => 1 })).toBe(400);
    expect(backoffDelay(3, { baseMs: 100, maxMs: 10_000, jitter: 0.5, random: () => 0 })).toBe(800);
  });

  it('resets', () => {
    const b = new Backoff({ baseMs: 10, maxMs: 100 });
    b.next();
    b.next();
    b.reset();
    expect(b.next()).toBe(10);
  });
});

describe('WorkQueue', () => {
  it('dedupes keys waiting in the queue', async () => {
    const q = new WorkQueue({ clock: new FakeClock() });
    q.add('a');
    q.add('b');
    q.add('a');
    expect(q.length).toBe(2);
    expect(await q.get()).toBe('a');
    expect(await q.get()).toBe('b');
  });

  it('never hands a key in flight to a second worker, and requeues it once when done', async () => {
    const q = new WorkQueue({ clock: new FakeClock() });
    q.add('a');
    const k = await q.get();
    q.add('a');
    q.add('a');
    expect(q.length).toBe(0);
    q.done(k!);
    expect(q.length).toBe(1);
    expect(await q.get()).toBe('a');
  });

  it('wakes a waiting worker when a key arrives', async () => {
    const q = new WorkQueue({ clock: new FakeClock() });
    const next = q.get();
    q.add('x');
    expect(await next).toBe('x');
    expect(q.inFlight).toBe(1);
  });

  it('adds delayed keys when their time comes, keeping the earliest deadline', async () => {
    const clock = new FakeClock();
    const q = new WorkQueue({ clock });
    q.addAfter('a', 5000);
    q.addAfter('a', 1000);
    q.addAfter('a', 3000);
    await clock.advance(999);
    expect(q.length).toBe(0);
    await clock.advance(1);
    expect(q.length).toBe(1);
    await clock.advance(10_000);
    expect(q.length).toBe(1);
  });

  it('backs off failing keys exponentially and forgets on success', () => {
    const q = new WorkQueue({ clock: new FakeClock(), backoff: { baseMs: 100, maxMs: 10_000 } });
    expect([q.addRateLimited('a'), q.addRateLimited('a'), q.addRateLimited('a')]).toEqual([100, 200, 400]);
    expect(q.addRateLimited('b')).toBe(100);
    q.forget('a');
    expect(q.addRateLimited('a')).toBe(100);
  });

  it('bounds the overall retry rate with a token bucket', () => {
    const q = new WorkQueue({ clock: new FakeClock(), backoff: { baseMs: 1, maxMs: 1 }, qps: 10, burst: 2 });
    expect(q.addRateLimited('a')).toBe(1);
    expect(q.addRateLimited('b')).toBe(1);
    expect(q.addRateLimited('c')).toBe(100);
    expect(q.addRateLimited('d')).toBe(200);
  });

  it('releases waiting workers on shutdown and ignores later adds', async () => {
    const q = new WorkQueue({ clock: new FakeClock() });
    const w = q.get();
    q.shutDown();
    expect(await w).toBeUndefined();
    q.add('a');
    expect(q.length).toBe(0);
  });
});
