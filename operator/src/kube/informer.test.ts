import type { V1Pod } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeApi } from '../testing/fake-api.ts';
import { FakeClock, flush } from '../testing/fake-clock.ts';
import { ApiError } from './errors.ts';
import { Informer, MAX_HINTED_RETRIES, type InformerEvent } from './informer.ts';
import { PODS } from './resource.ts';

const pod = (name: string, rv = '1'): V1Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'ns', resourceVersion: rv } });

function setup() {
  const api = new FakeApi();
  const clock = new FakeClock();
  const events: Array<[InformerEvent, string]> = [];
  const inf = new Informer<V1Pod>({ api, type: PODS, clock, resyncMs: 60_000, watchTimeoutSeconds: 300, backoff: { baseMs: 1000, maxMs: 30_000 } });
  inf.on((e, o) => events.push([e, o.metadata!.name!]));
  return { api, clock, events, inf };
}

let current: Informer<V1Pod> | undefined;
afterEach(async () => {
  await current?.stop();
  current = undefined;
});

describe('Informer', () => {
  it('lists, then watches from the list resourceVersion, keeping the cache current', async () => {
    const { api, events, inf } = setup();
    current = inf;
    api.put(PODS, pod('a'));
    inf.start();
    await inf.waitForSync();
    await flush();
    expect(api.watches).toHaveLength(1);
    expect(api.watches[0]!.resourceVersion).toBe('101');
    api.watches[0]!.send({ type: 'ADDED', object: pod('b', '102') });
    api.watches[0]!.send({ type: 'MODIFIED', object: pod('a', '103') });
    api.watches[0]!.send({ type: 'DELETED', object: pod('b', '104') });
    expect(events).toEqual([['added', 'a'], ['added', 'b'], ['modified', 'a'], ['deleted', 'b']]);
    expect(inf.list().map((p) => p.metadata!.name)).toEqual(['a']);
    expect(inf.get('ns', 'a')?.metadata?.resourceVersion).toBe('103');
  });

  it('ignores an event it already has (same resourceVersion, replayed after a reconnect)', async () => {
    const { api, events, inf } = setup();
    current = inf;
    api.put(PODS, pod('a'));
    inf.start();
    await inf.waitForSync();
    await flush();
    api.watches[0]!.send({ type: 'ADDED', object: inf.get('ns', 'a')! });
    expect(events).toEqual([['added', 'a']]);
  });

  it('relists at once on 410 Gone and deletes what vanished meanwhile', async () => {
    const { api, events, inf } = setup();
    current = inf;
    api.put(PODS, pod('a'));
    api.put(PODS, pod('b'));
    inf.start();
    await inf.waitForSync();
    await flush();
    api.store.delete('pods/ns/b');
    api.watches[0]!.send({ type: 'ERROR', object: { code: 410, message: 'too old resource version' } as never });
    await flush();
    expect(api.calls.filter((c) => c.verb === 'list')).toHaveLength(2);
    expect(events).toContainEqual(['deleted', 'b']);
    expect(api.watches).toHaveLength(1);
  });

  it('on other errors waits with growing backoff and resumes the watch without listing', async () => {
    const { api, clock, inf } = setup();
    current = inf;
    inf.start();
    await inf.waitForSync();
    await flush();
    api.watches[0]!.send({ type: 'ADDED', object: pod('a', '150') });
    api.watches[0]!.end(new ApiError(500, 'InternalError', 'boom'));
    await flush();
    expect(api.watches).toHaveLength(0);
    await clock.advance(999);
    expect(api.watches).toHaveLength(0);
    await clock.advance(1);
    expect(api.watches).toHaveLength(1);
    expect(api.watches[0]!.resourceVersion).toBe('150');
    api.watches[0]!.end(new Error('ECONNRESET'));
    await clock.advance(1999);
    expect(api.watches).toHaveLength(0);
    await clock.advance(1);
    expect(api.watches).toHaveLength(1);
    expect(api.calls.filter((c) => c.verb === 'list')).toHaveLength(1);
  });

  it('follows the Retry-After of a 429/503 without growing the backoff, a bounded number of times', async () => {
    const { api, clock, inf } = setup();
    current = inf;
    inf.start();
    await inf.waitForSync();
    await flush();
    const busy = () => new ApiError(429, 'TooManyRequests', 'storage is (re)initializing', { kind: 'Status', code: 429, details: { retryAfterSeconds: 1 } });
    api.watches[0]!.end(new ApiError(503, 'ServiceUnavailable', 'paths not installed', { kind: 'Status', code: 503, details: { retryAfterSeconds: 5 } }));
    await clock.advance(4999);
    expect(api.watches).toHaveLength(0);
    await clock.advance(1);
    expect(api.watches).toHaveLength(1);
    for (let i = 1; i < MAX_HINTED_RETRIES; i++) {
      api.watches[0]!.end(busy());
      await clock.advance(1000); // 1 s each time: the backoff (1, 2, 4 s...) is not consulted
      expect(api.watches).toHaveLength(1);
    }
    // Past the bound, the backoff applies again (from its base: nothing advanced it so far).
    api.watches[0]!.end(busy());
    await clock.advance(999);
    expect(api.watches).toHaveLength(0);
    await clock.advance(1);
    expect(api.watches).toHaveLength(1);
    api.watches[0]!.end(busy());
    await clock.advance(1999);
    expect(api.watches).toHaveLength(0);
    await clock.advance(1);
    expect(api.watches).toHaveLength(1);
  });

  it('retries a failed list with backoff and only then reports synced', async () => {
    const { api, clock, inf } = setup();
    current = inf;
    api.listErrors.push(new Error('connect ECONNREFUSED'));
    inf.start();
    await flush();
    expect(inf.hasSynced).toBe(false);
    await clock.advance(1000);
    expect(inf.hasSynced).toBe(true);
  });

  it('relists every resync period and tells handlers about unchanged objects too', async () => {
    const { api, clock, events, inf } = setup();
    current = inf;
    api.put(PODS, pod('a'));
    inf.start();
    await inf.waitForSync();
    await clock.advance(60_000);
    expect(api.calls.filter((c) => c.verb === 'list')).toHaveLength(2);
    expect(events).toEqual([['added', 'a'], ['resync', 'a']]);
    expect(api.watches).toHaveLength(1);
  });

  it('tells the observer how many watches are open: +1 once accepted, -1 when one ends', async () => {
    const api = new FakeApi();
    const clock = new FakeClock();
    let open = 0;
    const inf = new Informer<V1Pod>({ api, type: PODS, clock, resyncMs: 60_000, watchTimeoutSeconds: 300, observer: { watching: (_t, d) => (open += d) } });
    current = inf;
    inf.start();
    await inf.waitForSync();
    await flush();
    expect(open).toBe(1);
    api.watches[0]!.end(new Error('ECONNREFUSED'));
    await flush();
    expect(open).toBe(0);
    await clock.advance(1000);
    expect(open).toBe(1);
    await inf.stop();
    expect(open).toBe(0);
  });

  it('does not spin when the server ends watches immediately', async () => {
    const { api, clock, inf } = setup();
    current = inf;
    inf.start();
    await inf.waitForSync();
    await flush();
    api.watches[0]!.end();
    await flush();
    expect(api.watches).toHaveLength(0);
    await clock.advance(1000);
    expect(api.watches).toHaveLength(1);
  });
});
