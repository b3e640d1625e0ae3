// SearchDumpSchedule against the real control plane: a `* * * * *` schedule takes its immediate
// dump, then one per minute, prunes to its history limit (the files too), and a suspended one
// creates nothing until it is resumed. Bad schedules are refused by the apiserver, or reported in
// a condition when only code can tell. About 70 s: one real minute boundary is waited for.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEARCHDUMPSCHEDULES } from '../../operator/src/controllers/search-dump/resource-types.ts';
import { ApiError } from '../../operator/src/kube/errors.ts';
import { eventually, useNamespace } from '../harness/testing.ts';
import { createSchedule, dumpFile, dumpFiles, dumpsDir, getSchedule, scheduleDumps } from './operator-dumps-support.ts';
import { createInstance, installCrds, kubeApi, startOperator, waitForPhase, type OperatorProcess } from './operator-support.ts';

const ns = useNamespace('op-sched');
const api = kubeApi();
let op: OperatorProcess;

beforeAll(async () => {
  await installCrds(api);
  op = await startOperator(ns.name, ['--resync-period=30'], 'sched');
  await createInstance(api, ns.name, 'catalog');
  await waitForPhase(api, ns.name, 'catalog');
});

afterAll(async () => {
  await op?.stop();
});

describe('SearchDumpSchedule', () => {
  it('refuses an invalid cron expression or time zone name with a readable message', async () => {
    const refuse = async (spec: object) => {
      const err = await createSchedule(api, ns.name, 'bad', spec).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(ApiError);
      return (err as ApiError).message;
    };
    expect(await refuse({ schedule: '61 * * * *' })).toContain('schedule must be 5 cron fields');
    expect(await refuse({ schedule: '0 0 3 * * *' })).toContain('schedule must be 5 cron fields');
    expect(await refuse({ schedule: '0 3 * * *', timeZone: 'Europe Paris' })).toContain('timeZone must be an IANA time zone name');
    expect(await refuse({ schedule: '0 3 * * *', maxAge: 'a week' })).toContain('maxAge must be a duration');
    // Well formed, but no such zone: only code can tell; the status says so.
    await createSchedule(api, ns.name, 'unknown-zone', { instanceRef: { name: 'catalog' }, timeZone: 'Europe/Pariss' });
    const s = await eventually('InvalidTimeZone condition', async () => {
      const x = await getSchedule(api, ns.name, 'unknown-zone');
      return x.status?.conditions?.find((c) => c.reason === 'InvalidTimeZone') ? x : false;
    }, 30_000);
    expect(s.status?.conditions?.[0]?.message).toContain('"Europe/Pariss" is not a known IANA time zone');
  });

  it('creates owned dumps every minute, prunes to its history limit with the files, and creates nothing while suspended', async () => {
    const dir = await dumpsDir(api, ns.name, 'catalog');
    await createSchedule(api, ns.name, 'minutely', { instanceRef: { name: 'catalog' }, schedule: '* * * * *', immediate: true, successfulDumpsHistoryLimit: 1, failedDumpsHistoryLimit: 1 });
    await createSchedule(api, ns.name, 'paused', { instanceRef: { name: 'catalog' }, schedule: '* * * * *', immediate: true, suspend: true });

    // The immediate dump, named after the schedule's creation minute.
    const first = await eventually('immediate dump Succeeded', async () => {
      const ds = await scheduleDumps(api, ns.name, 'minutely');
      return ds.length === 1 && ds[0]!.status?.phase === 'Succeeded' ? ds[0]! : false;
    }, 60_000);
    expect(first.metadata.name).toMatch(/^minutely-\d+$/);
    expect(first.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'SearchDumpSchedule', name: 'minutely', controller: true });
    expect(first.spec.deletionPolicy).toBe('Delete');
    const firstFile = dumpFile(dir, first.status!.dumpUid!);
    expect(existsSync(firstFile)).toBe(true);
    const s1 = await getSchedule(api, ns.name, 'minutely');
    expect(s1.status?.nextScheduleTime).toMatch(/:00Z$/);

    // The next minute's dump; with a history limit of 1 the immediate one goes, file included.
    const second = await eventually('a slot dump Succeeded and the immediate one pruned', async () => {
      const ds = await scheduleDumps(api, ns.name, 'minutely');
      return ds.length === 1 && ds[0]!.metadata.name !== first.metadata.name && ds[0]!.status?.phase === 'Succeeded' ? ds[0]! : false;
    }, 100_000, 500);
    expect(Number(second.metadata.name!.split('-')[1]) * 60_000).toBe(Date.parse(second.metadata.annotations!['searchkube.io/scheduled-at']!));
    expect(existsSync(firstFile)).toBe(false);
    expect(dumpFiles(dir)).toEqual([`${second.status!.dumpUid}.dump`]);
    const s2 = await eventually('schedule status', async () => {
      const x = await getSchedule(api, ns.name, 'minutely');
      return x.status?.lastSuccessfulTime && !x.status.active ? x : false;
    }, 30_000);
    expect(Date.parse(s2.status!.lastScheduleTime!)).toBe(Date.parse(second.metadata.annotations!['searchkube.io/scheduled-at']!));

    // The suspended schedule saw the same minute boundary and did nothing.
    expect(await scheduleDumps(api, ns.name, 'paused')).toEqual([]);
    const paused = await getSchedule(api, ns.name, 'paused');
    expect(paused.status?.nextScheduleTime).toBeUndefined();
    expect(paused.status?.conditions?.[0]).toMatchObject({ status: 'False', reason: 'Suspended' });
    // Resumed, it takes its immediate dump at once (named after its creation minute); a slot that
    // passed while it was suspended but is still within startingDeadlineSeconds may follow, as a
    // CronJob's would.
    await api.mergePatch(SEARCHDUMPSCHEDULES, ns.name, 'paused', { spec: { suspend: false } });
    const immediateName = `paused-${Math.floor(Date.parse(paused.metadata.creationTimestamp as unknown as string) / 60_000)}`;
    await eventually('resumed schedule creates its immediate dump', async () => (await scheduleDumps(api, ns.name, 'paused')).some((d) => d.metadata.name === immediateName), 30_000);
    await api.mergePatch(SEARCHDUMPSCHEDULES, ns.name, 'paused', { spec: { suspend: true } });
    // Suspend the minutely one too, so nothing runs on while the namespace goes away.
    await api.mergePatch(SEARCHDUMPSCHEDULES, ns.name, 'minutely', { spec: { suspend: true } });
  });
});
