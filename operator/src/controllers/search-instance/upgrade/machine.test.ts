// The pure parts of the upgrade state machine: intents, transitions, workloads per step, the
// new pod's verdict, verification, conditions, versions and the upstream flag choice.
import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { SearchInstance, UpgradeRecord } from '../../../api/search-instance.ts';
import { makeInstance } from '../../../testing/fixtures.ts';
import { blueGreenStatefulSet, isActive, judgeNewPod, newRecord, nextStep, preUpgradeDumpName, toStart, upgradeCondition, upgradeIntent, upgradeWorkloads, verifyCounts, type ActiveRecord } from './machine.ts';
import { upgradePath, upstreamUpgradePath } from './upstream.ts';
import { compareVersions } from './versions.ts';
import { startOf, workloadInputs } from './workload.ts';
import { buildStatefulSet } from '../../../resources/statefulset.ts';

function running(version: string, spec: string, extra: Partial<SearchInstance['status']> = {}, annotations?: Record<string, string>): SearchInstance {
  const si = makeInstance('products', { version: spec });
  return { ...si, metadata: { ...si.metadata, ...(annotations ? { annotations } : {}) }, status: { phase: 'Ready', currentVersion: version, ...extra } };
}

const base = { startedAt: '2026-11-30T01:00:00Z', blockWrites: true, fromStart: {}, fromStatefulSet: 'products', instance: 'products' };

describe('upgradeIntent', () => {
  it('starts only when the running version differs and is Ready', () => {
    expect(upgradeIntent(running('0.1.0', '0.1.0'), true)).toEqual({ kind: 'none' });
    expect(upgradeIntent(makeInstance('products'), true)).toEqual({ kind: 'none' }); // never ran: nothing to upgrade
    expect(upgradeIntent(running('0.1.0', '0.2.0'), true)).toEqual({ kind: 'start', from: '0.1.0', to: '0.2.0' });
    expect(upgradeIntent(running('0.1.0', '0.2.0'), false)).toMatchObject({ kind: 'wait', reason: 'WaitingForReady' });
  });

  it('refuses a downgrade with a readable message unless annotated', () => {
    const refused = upgradeIntent(running('0.3.0', '0.2.0'), true);
    expect(refused).toMatchObject({ kind: 'refused', reason: 'DowngradeRefused' });
    expect(refused.kind === 'refused' && refused.message).toContain('searchkube.io/allow-downgrade="true"');
    expect(upgradeIntent(running('0.3.0', '0.2.0', {}, { 'searchkube.io/allow-downgrade': 'true' }), true)).toMatchObject({ kind: 'start' });
  });

  it('does not retry a version that was rolled back; another version tries again', () => {
    const upgrade: UpgradeRecord = { from: '0.1.0', to: '0.2.0', result: 'RolledBack', finishedAt: 'x', failure: { reason: 'ImportFailed', message: 'boom' } };
    expect(upgradeIntent(running('0.1.0', '0.2.0', { upgrade }), true)).toMatchObject({ kind: 'failedBefore', reason: 'UpgradeFailed' });
    expect(upgradeIntent(running('0.1.0', '0.2.1', { upgrade }), true)).toMatchObject({ kind: 'start', to: '0.2.1' });
  });
});

describe('transitions', () => {
  const recreate = newRecord({ ...base, from: '0.1.0', to: '0.2.0', strategy: 'Recreate', path: { mode: 'Dump' } });
  const walk = (r: Pick<UpgradeRecord, 'strategy' | 'mode'>, verify: boolean) => {
    const steps = ['BlockingWrites'] as string[];
    for (let s = 'BlockingWrites' as ReturnType<typeof nextStep>; s !== 'Completed'; ) steps.push((s = nextStep(r, s, verify)));
    return steps;
  };

  it('Recreate, BlueGreen and in-place orders; Verifying only when asked', () => {
    expect(walk(recreate, true)).toEqual(['BlockingWrites', 'Dumping', 'Restarting', 'Importing', 'Verifying', 'Completed']);
    expect(walk(recreate, false)).toEqual(['BlockingWrites', 'Dumping', 'Restarting', 'Importing', 'Completed']);
    expect(walk({ strategy: 'BlueGreen', mode: 'Dump' }, true)).toEqual(['BlockingWrites', 'Dumping', 'Restarting', 'Importing', 'Verifying', 'Switching', 'Completed']);
    expect(walk({ strategy: 'Recreate', mode: 'Dumpless' }, true)).toEqual(['BlockingWrites', 'Restarting', 'Importing', 'Verifying', 'Completed']);
    expect(nextStep(recreate, 'RollingBack', true)).toBe('RolledBack');
    expect(nextStep(recreate, 'Verifying', false)).toBe('Completed');
  });

  it('a new record names its pre-upgrade dump from itself, so a restart finds the same one', () => {
    expect(recreate).toMatchObject({ step: 'BlockingWrites', from: '0.1.0', to: '0.2.0', mode: 'Dump', dump: 'products-pre-upgrade-0-2-0-1796000400', toStatefulSet: 'products' });
    expect(preUpgradeDumpName('products', recreate)).toBe(recreate.dump);
    expect(isActive(recreate)).toBe(true);
    expect(isActive({ ...recreate, finishedAt: 'x' })).toBe(false);
    // BlueGreen always goes through a dump, even where upstream could upgrade in place.
    expect(newRecord({ ...base, from: 'v1.12.0', to: 'v1.14.0', strategy: 'BlueGreen', path: { mode: 'Dumpless', flag: '--experimental-dumpless-upgrade' } })).toMatchObject({ mode: 'Dump', toStatefulSet: 'products-v1-14-0' });
  });
});

describe('workloads per step', () => {
  const rec = (strategy: 'Recreate' | 'BlueGreen', step: ActiveRecord['step']): ActiveRecord => ({
    ...newRecord({ ...base, from: '0.1.0', to: '0.2.0', strategy, path: { mode: 'Dump' }, fromStart: { importDump: '/dumps/old.dump' } }),
    step,
    toStart: { importDump: '/dumps/new.dump', extraArgs: ['--ignore-missing-dump'] },
  });

  it('Recreate: the old version until Restarting, the new one after, the old one again on rollback', () => {
    for (const s of ['BlockingWrites', 'Dumping'] as const) expect(upgradeWorkloads('products', rec('Recreate', s))).toEqual({ apply: [{ statefulSet: 'products', version: '0.1.0', start: { importDump: '/dumps/old.dump' } }], remove: [], serving: 'products' });
    for (const s of ['Restarting', 'Importing', 'Verifying', 'Completed'] as const) expect(upgradeWorkloads('products', rec('Recreate', s)).apply[0]).toMatchObject({ version: '0.2.0', start: { importDump: '/dumps/new.dump' } });
    for (const s of ['RollingBack', 'RolledBack'] as const) expect(upgradeWorkloads('products', rec('Recreate', s)).apply).toEqual([{ statefulSet: 'products', version: '0.1.0', start: { importDump: '/dumps/old.dump' } }]);
  });

  it('never runs the new version before its start (the dump to import) is recorded', () => {
    const { toStart: _, ...bare } = rec('Recreate', 'Restarting');
    expect(upgradeWorkloads('products', bare).apply[0]).toMatchObject({ version: '0.1.0' });
    const { toStart: __, ...bareBg } = rec('BlueGreen', 'Restarting');
    expect(upgradeWorkloads('products', bareBg).apply.map((p) => p.statefulSet)).toEqual(['products']);
    expect(upgradeWorkloads('products', rec('Recreate', 'Restarting')).apply[0]).toMatchObject({ version: '0.2.0' });
  });

  it('BlueGreen: both side by side, the Service pinned to the old pod until Switching, then the old one retired', () => {
    expect(upgradeWorkloads('products', rec('BlueGreen', 'Importing'))).toMatchObject({ apply: [{ statefulSet: 'products' }, { statefulSet: 'products-v0-2-0', colocateWith: 'products-0' }], remove: [], servedPod: 'products-0', serving: 'products' });
    expect(upgradeWorkloads('products', rec('BlueGreen', 'Switching'))).toMatchObject({ servedPod: 'products-v0-2-0-0', serving: 'products-v0-2-0' });
    expect(upgradeWorkloads('products', rec('BlueGreen', 'Completed'))).toMatchObject({ apply: [{ statefulSet: 'products-v0-2-0' }], remove: ['products'], servedPod: 'products-v0-2-0-0' });
    expect(upgradeWorkloads('products', rec('BlueGreen', 'RollingBack'))).toMatchObject({ apply: [{ statefulSet: 'products' }], remove: ['products-v0-2-0'], servedPod: 'products-0' });
    expect(blueGreenStatefulSet('products', '1.2.0-RC.1')).toBe('products-v1-2-0-rc-1');
  });

  it('the new version imports the dump, skips it once a database exists, and starts write-blocked (our engine only)', () => {
    const r = rec('Recreate', 'Restarting');
    expect(toStart(r, { upstream: false, path: { mode: 'Dump' }, dumpPath: '/dumps/20261130-010000000.dump' })).toEqual({ importDump: '/dumps/20261130-010000000.dump', extraArgs: ['--ignore-missing-dump', '--import-write-block', 'upgrade from 0.1.0 to 0.2.0 in progress'] });
    expect(toStart(r, { upstream: true, path: { mode: 'Dump' }, dumpPath: '/dumps/x.dump' })).toEqual({ importDump: '/dumps/x.dump', extraArgs: ['--ignore-missing-dump'] });
    const bg = rec('BlueGreen', 'Restarting');
    expect(toStart(bg, { upstream: false, path: { mode: 'Dump' }, dumpPath: '/dumps/d1.dump', fetchFrom: 'http://10.0.0.5:7700/dumps/d1', fetchKey: { name: 'k', key: 'masterKey' } })).toMatchObject({ importDump: '/import/d1.dump', fetchFrom: 'http://10.0.0.5:7700/dumps/d1' });
  });

  it('a StatefulSet built from a start gives the same start back (no roll of the old version while writes are blocked)', () => {
    const si = makeInstance('products');
    for (const start of [{}, { importDump: '/dumps/a.dump' }, { importDump: '/import/a.dump', extraArgs: ['--ignore-missing-dump'], fetchFrom: 'http://x/dumps/a', fetchKey: { name: 's', key: 'k' } }, { extraArgs: ['--upgrade-db'], copyFrom: '/data/db-v1.50.0' }]) {
      const sts = buildStatefulSet(si, workloadInputs(si, { name: 's', key: 'k' }, { version: '0.2.0', start }));
      expect(startOf(sts)).toEqual(start);
    }
  });
});

describe('judging the new pod', () => {
  const image = 'searchkube/engine:0.2.0';
  const pod = (status: object, img = image): V1Pod => ({ spec: { containers: [{ name: 'engine', image: img }] }, status } as V1Pod);

  it('ready, waiting, crashed, or out of time', () => {
    expect(judgeNewPod(pod({ conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'engine', restartCount: 0 }] }), image, 1000, 60_000)).toEqual({ kind: 'ready' });
    expect(judgeNewPod(pod({ conditions: [{ type: 'Ready', status: 'True' }] }, 'searchkube/engine:0.1.0'), image, 1000, 60_000)).toMatchObject({ kind: 'waiting' });
    expect(judgeNewPod(undefined, image, 1000, 60_000)).toMatchObject({ kind: 'waiting' });
    const crashed = judgeNewPod(pod({ containerStatuses: [{ name: 'engine', restartCount: 1, lastState: { terminated: { exitCode: 1, reason: 'Error', message: 'the dump could not be imported' } } }] }), image, 1000, 60_000);
    expect(crashed).toMatchObject({ kind: 'failed', reason: 'ImportFailed' });
    expect(crashed.kind === 'failed' && crashed.message).toContain('exit code 1 (Error): the dump could not be imported');
    expect(judgeNewPod(pod({ containerStatuses: [{ name: 'engine', restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff' } } }] }), image, 1000, 60_000)).toMatchObject({ kind: 'failed', reason: 'NewVersionFailing' });
    expect(judgeNewPod(pod({ containerStatuses: [{ name: 'engine', restartCount: 0 }] }), image, 61_000, 60_000)).toMatchObject({ kind: 'failed', reason: 'NotReadyInTime' });
  });

  it('verification compares index and document counts', () => {
    expect(verifyCounts({ indexes: 2, documents: 10 }, { indexes: 2, documents: 10 })).toEqual({ ok: true });
    expect(verifyCounts({ indexes: 2, documents: 10 }, { indexes: 2, documents: 9 })).toMatchObject({ ok: false, message: expect.stringContaining('9 documents') });
  });

  it('conditions say what is happening and why', () => {
    const r = newRecord({ ...base, from: '0.1.0', to: '0.2.0', strategy: 'Recreate', path: { mode: 'Dump' } });
    expect(upgradeCondition({ ...r, step: 'Importing', progress: { indexesDone: 1, indexesTotal: 2, documentsDone: 50, documentsTotal: 100 } })).toMatchObject({ status: 'True', reason: 'Importing', message: expect.stringContaining('50/100 documents') });
    expect(upgradeCondition({ ...r, step: 'RollingBack', failure: { reason: 'VerificationFailed', message: 'counts differ' } })).toMatchObject({ status: 'True', reason: 'RollingBack', message: expect.stringContaining('counts differ') });
    expect(upgradeCondition({ ...r, step: 'RolledBack', finishedAt: 'x', result: 'RolledBack', failure: { reason: 'ImportFailed', message: 'boom' } })).toMatchObject({ status: 'False', reason: 'RolledBack' });
    expect(upgradeCondition({ ...r, step: 'Completed', finishedAt: 'x', result: 'Succeeded', after: { indexes: 1, documents: 5 } })).toMatchObject({ status: 'False', reason: 'Completed' });
  });
});

describe('versions and upstream flags', () => {
  it('orders versions as semver does', () => {
    expect(compareVersions('0.2.0', '0.10.0')).toBeLessThan(0);
    expect(compareVersions('v1.2.0', '1.2.0')).toBe(0);
    expect(compareVersions('1.2.0-rc.1', '1.2.0')).toBeLessThan(0);
    expect(compareVersions('1.2.0-rc.2', '1.2.0-rc.10')).toBeLessThan(0);
    expect(compareVersions('0.4.0-broken', '0.3.0')).toBeGreaterThan(0);
  });

  it('upstream Meilisearch: dump before v1.12 sources, the dumpless flag up to v1.50, --upgrade-db from v1.51', () => {
    expect(upstreamUpgradePath('v1.11.3', 'v1.14.0')).toEqual({ mode: 'Dump' });
    expect(upstreamUpgradePath('v1.12.0', 'v1.12.5')).toEqual({ mode: 'Dump' }); // the flag exists from v1.13 on
    expect(upstreamUpgradePath('v1.12.0', 'v1.13.0')).toEqual({ mode: 'Dumpless', flag: '--experimental-dumpless-upgrade' });
    expect(upstreamUpgradePath('v1.40.0', 'v1.50.2')).toEqual({ mode: 'Dumpless', flag: '--experimental-dumpless-upgrade' });
    expect(upstreamUpgradePath('v1.40.0', 'v1.51.0')).toEqual({ mode: 'Dumpless', flag: '--upgrade-db' });
    expect(upstreamUpgradePath('v1.51.0', 'v2.0.0')).toEqual({ mode: 'Dumpless', flag: '--upgrade-db' });
    expect(upstreamUpgradePath('v1.20.0', 'v1.14.0')).toEqual({ mode: 'Dump' }); // a downgrade asked for: dump
    expect(upgradePath(makeInstance('p', { image: { repository: 'getmeili/meilisearch' } }), 'v1.20.0', 'v1.52.0')).toEqual({ mode: 'Dumpless', flag: '--upgrade-db' });
    expect(upgradePath(makeInstance('p'), 'v1.20.0', 'v1.52.0')).toEqual({ mode: 'Dump' }); // Searchkube's engine: always a dump
  });

  it('an in-place upstream upgrade copies the old database first and passes the flag', () => {
    const si = makeInstance('p', { version: 'v1.52.0', image: { repository: 'getmeili/meilisearch' } });
    const r = newRecord({ ...base, instance: 'p', from: 'v1.50.0', to: 'v1.52.0', strategy: 'Recreate', path: upgradePath(si, 'v1.50.0', 'v1.52.0') });
    expect(r.dump).toBeUndefined();
    const start = toStart(r, { upstream: true, path: upgradePath(si, 'v1.50.0', 'v1.52.0') });
    expect(start).toEqual({ extraArgs: ['--upgrade-db'], copyFrom: '/data/db-v1.50.0' });
    const sts = buildStatefulSet(si, workloadInputs(si, { name: 's', key: 'k' }, { version: 'v1.52.0', start }));
    const podSpec = sts.spec!.template.spec!;
    expect(podSpec.containers[0]).toMatchObject({ image: 'getmeili/meilisearch:v1.52.0', args: ['--db-path', '/data/db-v1.52.0', '--dump-dir', '/dumps', '--http-addr', '0.0.0.0:7700', '--upgrade-db'] });
    expect(podSpec.initContainers?.[0]).toMatchObject({ name: 'copy-db', args: ['copy-db', '--from', '/data/db-v1.50.0', '--to', '/data/db-v1.52.0'] });
  });
});
