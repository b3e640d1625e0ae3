// The schedule reconcile over a fake API and an injected clock: what it creates, when it asks to
// be woken, concurrency policies and pruning (slot arithmetic itself: schedule.test.ts).
import { describe, expect, it } from 'vitest';
import type { SearchDump } from '../../api/search-dump.ts';
import type { SearchDumpSchedule, SearchDumpScheduleSpec } from '../../api/search-dump-schedule.ts';
import { EventRecorder } from '../../kube/events.ts';
import { FakeApi } from '../../testing/fake-api.ts';
import { storeCache } from '../../testing/store-cache.ts';
import { FakeClock } from '../../testing/fake-clock.ts';
import { SEARCHDUMPS, SEARCHDUMPSCHEDULES } from '../search-dump/resource-types.ts';
import { SEARCHINSTANCES } from '../search-instance/resource-types.ts';
import type { ScheduleDeps } from './deps.ts';
import { reconcileSchedule } from './reconcile.ts';

const CREATED = Date.parse('2026-01-01T10:00:20Z');

function setup(spec: Partial<SearchDumpScheduleSpec>, status?: SearchDumpSchedule['status']) {
  const api = new FakeApi();
  const clock = new FakeClock(CREATED);
  api.put<SearchDumpSchedule>(SEARCHDUMPSCHEDULES, {
    apiVersion: 'searchkube.io/v1alpha1',
    kind: 'SearchDumpSchedule',
    metadata: { name: 'nightly', namespace: 'shop', uid: 'uid-nightly', creationTimestamp: '2026-01-01T10:00:20Z' as unknown as Date },
    spec: { instanceRef: { name: 'products' }, schedule: '* * * * *', concurrencyPolicy: 'Forbid', startingDeadlineSeconds: 300, successfulDumpsHistoryLimit: 2, failedDumpsHistoryLimit: 1, ...spec },
    ...(status ? { status } : {}),
  });
  const deps: ScheduleDeps = {
    api,
    clock,
    events: new EventRecorder({ api, clock, component: 'test', instance: 't' }),
    cache: { schedules: storeCache(api, SEARCHDUMPSCHEDULES), dumps: storeCache(api, SEARCHDUMPS), instances: storeCache(api, SEARCHINSTANCES) },
    reported: new Set(),
    log: () => {},
  };
  return { api, clock, deps };
}

const dumps = (api: FakeApi) => [...api.store.entries()].filter(([k]) => k.startsWith('searchdumps/')).map(([, v]) => v as SearchDump);
const dumpNames = (api: FakeApi) => dumps(api).map((d) => d.metadata.name!).sort();
const schedule = (api: FakeApi) => api.store.get('searchdumpschedules/shop/nightly') as SearchDumpSchedule;
const finish = (api: FakeApi, name: string, phase: 'Succeeded' | 'Failed', completedAt: string) => {
  const d = api.store.get(`searchdumps/shop/${name}`) as SearchDump;
  api.store.set(`searchdumps/shop/${name}`, { ...d, status: { phase, completedAt } } as SearchDump);
};

describe('reconcileSchedule', () => {
  it('waits for the first slot, requeueing exactly at it, then creates an owned, labelled dump named after the slot', async () => {
    const { api, clock, deps } = setup({});
    const r = await reconcileSchedule(deps, 'shop/nightly');
    expect(r.requeueAfterMs).toBe(40_000); // 10:00:20 -> 10:01:00
    expect(dumps(api)).toEqual([]);
    expect(schedule(api).status).toMatchObject({ nextScheduleTime: '2026-01-01T10:01:00Z', conditions: [{ type: 'Ready', status: 'True', reason: 'Scheduled' }] });

    await clock.advance(40_000);
    const r2 = await reconcileSchedule(deps, 'shop/nightly');
    expect(r2.requeueAfterMs).toBe(60_000);
    const [d] = dumps(api);
    expect(d!.metadata.name).toBe(`nightly-${Date.parse('2026-01-01T10:01:00Z') / 60_000}`);
    expect(d!.metadata.labels).toEqual({ 'searchkube.io/schedule': 'nightly', 'searchkube.io/instance': 'products' });
    expect(d!.metadata.ownerReferences).toEqual([{ apiVersion: 'searchkube.io/v1alpha1', kind: 'SearchDumpSchedule', name: 'nightly', uid: 'uid-nightly', controller: true, blockOwnerDeletion: true }]);
    expect(d!.spec).toEqual({ instanceRef: { name: 'products' }, deletionPolicy: 'Delete' });
    expect(schedule(api).status).toMatchObject({ lastScheduleTime: '2026-01-01T10:01:00Z', nextScheduleTime: '2026-01-01T10:02:00Z', active: [d!.metadata.name] });
  });

  it('takes one dump at once with immediate, and not again after a restart', async () => {
    const { api, deps } = setup({ immediate: true });
    await reconcileSchedule(deps, 'shop/nightly');
    expect(dumpNames(api)).toEqual([`nightly-${Date.parse('2026-01-01T10:00:00Z') / 60_000}`]);
    deps.reported.clear();
    await reconcileSchedule(deps, 'shop/nightly');
    expect(dumpNames(api)).toHaveLength(1);
  });

  it('re-observes a dump created by a pass whose status write was lost (AlreadyExists) instead of failing or duplicating', async () => {
    const { api, clock, deps } = setup({});
    await clock.advance(40_000);
    await reconcileSchedule(deps, 'shop/nightly');
    // Lose the status write: the schedule looks as before the pass.
    const s = schedule(api);
    api.store.set('searchdumpschedules/shop/nightly', { ...s, status: {} } as SearchDumpSchedule);
    await reconcileSchedule(deps, 'shop/nightly');
    expect(dumps(api)).toHaveLength(1);
    expect(schedule(api).status?.lastScheduleTime).toBe('2026-01-01T10:01:00Z');
  });

  it('Forbid: skips a slot while a dump runs; Allow: runs beside it; Replace: deletes it first', async () => {
    for (const policy of ['Forbid', 'Allow', 'Replace'] as const) {
      const { api, clock, deps } = setup({ concurrencyPolicy: policy });
      await clock.advance(40_000);
      await reconcileSchedule(deps, 'shop/nightly'); // 10:01 created, still Pending
      await clock.advance(60_000);
      await reconcileSchedule(deps, 'shop/nightly'); // 10:02
      const names = dumpNames(api);
      if (policy === 'Forbid') expect(names, policy).toHaveLength(1);
      if (policy === 'Allow') expect(names, policy).toHaveLength(2);
      if (policy === 'Replace') expect(names, policy).toEqual([`nightly-${Date.parse('2026-01-01T10:02:00Z') / 60_000}`]);
    }
  });

  it('prunes the oldest finished dumps beyond the limits, keeping running ones', async () => {
    const { api, clock, deps } = setup({ concurrencyPolicy: 'Allow' });
    await clock.advance(40_000);
    const made: string[] = [];
    for (let i = 0; i < 5; i++) {
      await reconcileSchedule(deps, 'shop/nightly');
      made.push(...dumpNames(api).filter((n) => !made.includes(n)));
      await clock.advance(60_000);
    }
    expect(made).toHaveLength(5);
    finish(api, made[0]!, 'Succeeded', '2026-01-01T10:01:30Z');
    finish(api, made[1]!, 'Failed', '2026-01-01T10:02:30Z');
    finish(api, made[2]!, 'Succeeded', '2026-01-01T10:03:30Z');
    finish(api, made[3]!, 'Failed', '2026-01-01T10:04:30Z');
    finish(api, made[4]!, 'Succeeded', '2026-01-01T10:05:30Z');
    await reconcileSchedule(deps, 'shop/nightly');
    // Limits 2 succeeded, 1 failed: the oldest succeeded and the older failed go; 10:06's dump runs.
    const left = dumpNames(api);
    expect(left).not.toContain(made[0]);
    expect(left).not.toContain(made[1]);
    expect(left).toEqual(expect.arrayContaining([made[2], made[3], made[4]]));
    expect(schedule(api).status?.lastSuccessfulTime).toBe('2026-01-01T10:05:30Z');
  });

  it('stops creating while suspended and drops nextScheduleTime', async () => {
    const { api, clock, deps } = setup({ suspend: true });
    await clock.advance(10 * 60_000);
    const r = await reconcileSchedule(deps, 'shop/nightly');
    expect(r.requeueAfterMs).toBeUndefined();
    expect(dumps(api)).toEqual([]);
    expect(schedule(api).status?.nextScheduleTime).toBeUndefined();
    expect(schedule(api).status?.conditions?.[0]).toMatchObject({ status: 'False', reason: 'Suspended' });
  });

  it('reports a bad time zone or an impossible date in a condition and an event', async () => {
    const { api, deps } = setup({ schedule: '0 0 31 2 *' });
    await reconcileSchedule(deps, 'shop/nightly');
    expect(schedule(api).status?.conditions?.[0]).toMatchObject({ status: 'False', reason: 'InvalidSchedule', message: 'schedule "0 0 31 2 *" never fires (no such date)' });
    const tz = setup({ timeZone: 'Mars/Olympus' });
    await reconcileSchedule(tz.deps, 'shop/nightly');
    expect(schedule(tz.api).status?.conditions?.[0]).toMatchObject({ reason: 'InvalidTimeZone' });
    expect(tz.api.writes().some((c) => c.plural === 'events' && (c.body as { reason: string }).reason === 'InvalidTimeZone')).toBe(true);
  });
});
