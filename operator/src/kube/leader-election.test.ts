import type { V1Lease } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { FakeApi } from '../testing/fake-api.ts';
import { FakeClock } from '../testing/fake-clock.ts';
import { LeaderElector, microTime } from './leader-election.ts';
import { LEASES } from './resource.ts';

function elector(api: FakeApi, clock: FakeClock, identity: string) {
  return new LeaderElector({ api, clock, namespace: 'ops', name: 'lock', identity, leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 });
}

const lease = (api: FakeApi) => api.store.get('leases/ops/lock') as V1Lease;

describe('LeaderElector', () => {
  it('creates the Lease when there is none and holds it', async () => {
    const api = new FakeApi();
    const a = elector(api, new FakeClock(), 'a');
    expect(await a.tryAcquireOrRenew()).toBe(true);
    expect(lease(api).spec?.holderIdentity).toBe('a');
    expect(lease(api).spec?.leaseDurationSeconds).toBe(15);
  });

  it('lets only one of two candidates lead while the holder renews', async () => {
    const api = new FakeApi();
    const clock = new FakeClock();
    const a = elector(api, clock, 'a');
    const b = elector(api, clock, 'b');
    expect(await a.tryAcquireOrRenew()).toBe(true);
    for (let i = 0; i < 10; i++) {
      expect(await b.tryAcquireOrRenew()).toBe(false);
      await clock.advance(2000);
      expect(await a.tryAcquireOrRenew()).toBe(true);
    }
    expect(lease(api).spec?.holderIdentity).toBe('a');
  });

  it('takes over a lease that has not changed for leaseDuration on its own clock', async () => {
    const api = new FakeApi();
    const clock = new FakeClock();
    // The holder's renewTime is far in the future (a skewed clock): it must not matter.
    api.put(LEASES, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'lock', namespace: 'ops' }, spec: { holderIdentity: 'dead', leaseDurationSeconds: 15, renewTime: microTime(clock.now() + 3_600_000) as never, leaseTransitions: 3 } });
    const b = elector(api, clock, 'b');
    expect(await b.tryAcquireOrRenew()).toBe(false);
    await clock.advance(14_999);
    expect(await b.tryAcquireOrRenew()).toBe(false);
    await clock.advance(1);
    expect(await b.tryAcquireOrRenew()).toBe(true);
    expect(lease(api).spec?.holderIdentity).toBe('b');
    expect(lease(api).spec?.leaseTransitions).toBe(4);
  });

  it('loses a race through the resourceVersion precondition', async () => {
    const api = new FakeApi();
    const clock = new FakeClock();
    api.put(LEASES, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'lock', namespace: 'ops' }, spec: { holderIdentity: '', leaseDurationSeconds: 15 } });
    const a = elector(api, clock, 'a');
    const b = elector(api, clock, 'b');
    const original = api.get.bind(api);
    // Both read the same version, then both write: the second write must fail.
    const snapshot = await original<V1Lease>(LEASES, 'ops', 'lock');
    api.get = (async () => structuredClone(snapshot)) as typeof api.get;
    const results = [await a.tryAcquireOrRenew(), await b.tryAcquireOrRenew()];
    expect(results).toEqual([true, false]);
    expect(lease(api).spec?.holderIdentity).toBe('a');
  });

  it('stops leading when it cannot renew within renewDeadline', async () => {
    const api = new FakeApi();
    const clock = new FakeClock();
    const a = elector(api, clock, 'a');
    const ctl = new AbortController();
    expect(await a.acquire(ctl.signal)).toBe(true);
    api.get = (async () => {
      throw new Error('connection refused');
    }) as typeof api.get;
    const outcome = a.holdUntilLost(ctl.signal);
    await clock.advance(8_000);
    expect(a.isLeader).toBe(true);
    await clock.advance(2_000);
    expect(await outcome).toBe('lost');
    expect(a.isLeader).toBe(false);
  });

  it('stops leading at renewDeadline when a renewal hangs (a stopped apiserver) instead of waiting for it', async () => {
    const api = new FakeApi();
    const clock = new FakeClock();
    const a = elector(api, clock, 'a');
    const ctl = new AbortController();
    expect(await a.acquire(ctl.signal)).toBe(true);
    api.get = (() => new Promise(() => {})) as typeof api.get;
    const outcome = a.holdUntilLost(ctl.signal);
    let settled: string | undefined;
    void outcome.then((o) => (settled = o));
    await clock.advance(9_999);
    expect(settled).toBeUndefined();
    expect(a.isLeader).toBe(true);
    await clock.advance(1);
    expect(settled).toBe('lost');
    expect(a.isLeader).toBe(false);
  });

  it('releases the lease on shutdown so a standby can take it at once', async () => {
    const api = new FakeApi();
    const clock = new FakeClock();
    const a = elector(api, clock, 'a');
    await a.acquire(new AbortController().signal);
    await a.release();
    expect(lease(api).spec?.holderIdentity).toBe('');
    expect(await elector(api, clock, 'b').tryAcquireOrRenew()).toBe(true);
  });
});
