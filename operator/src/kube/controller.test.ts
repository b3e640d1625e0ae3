import { describe, expect, it } from 'vitest';
import { flush, FakeClock } from '../testing/fake-clock.ts';
import { Controller, UNREACHABLE_PAUSE_MS } from './controller.ts';
import { ApiError } from './errors.ts';

const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { code: 'ECONNREFUSED' });

function setup(fail: (key: string) => unknown) {
  const clock = new FakeClock();
  const attempts: string[] = [];
  const succeeded = new Set<string>();
  const c = new Controller({
    name: 'test',
    clock,
    workers: 2,
    reconcile: async (key) => {
      attempts.push(key);
      const e = fail(key);
      if (e) throw e;
      succeeded.add(key);
    },
  });
  return { c, clock, attempts, succeeded };
}

describe('Controller', () => {
  it('does not burn through the queue while the apiserver is unreachable, and counts no failures', async () => {
    let down = true;
    const { c, clock, attempts, succeeded } = setup(() => (down ? refused() : undefined));
    const keys = Array.from({ length: 10 }, (_, i) => `ns/k${i}`);
    for (const k of keys) c.enqueue(k);
    c.start();
    await flush();
    // One failed attempt per worker, then each waits: not ten at once.
    expect(attempts.length).toBe(2);
    await clock.advance(UNREACHABLE_PAUSE_MS);
    expect(attempts.length).toBe(4);
    expect(keys.map((k) => c.queue.failures(k))).toEqual(keys.map(() => 0));
    down = false;
    // Back: every key done within a few pauses, none waiting out a grown backoff.
    await clock.advance(3 * UNREACHABLE_PAUSE_MS);
    expect([...succeeded].sort()).toEqual([...keys].sort());
    await c.stop();
  });

  it('backs a key off per its failures when the apiserver answered with an error', async () => {
    const { c, attempts } = setup(() => new ApiError(500, 'InternalError', 'boom'));
    for (let i = 0; i < 10; i++) c.enqueue(`ns/k${i}`);
    c.start();
    await flush();
    expect(attempts.length).toBe(10);
    expect(c.queue.failures('ns/k0')).toBe(1);
    await c.stop();
  });

  it('treats the request timeout of a hung apiserver as unreachable', async () => {
    const { c, clock, attempts } = setup(() => new ApiError(0, 'RequestTimeout', 'GET x: no answer within 30000 ms (request timeout)'));
    for (let i = 0; i < 5; i++) c.enqueue(`ns/k${i}`);
    c.start();
    await flush();
    expect(attempts.length).toBe(2);
    expect(c.queue.failures('ns/k0')).toBe(0);
    const stopped = c.stop();
    await clock.advance(UNREACHABLE_PAUSE_MS);
    await stopped;
  });
});
