// The upgrade machine's effects, over a fake API, a fake engine and a hand-driven "StatefulSet
// controller + kubelet": each step is written to status before the action it names, a
// verification mismatch and a failed dump roll back to the old template, a refused downgrade
// writes no workload.
import type { V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { SearchDump } from '../../../api/search-dump.ts';
import type { InstanceStats, SearchInstance } from '../../../api/search-instance.ts';
import type { UpgradeEngineApi } from '../../../engine-client/upgrade.ts';
import { EventRecorder } from '../../../kube/events.ts';
import { PODS } from '../../../kube/resource.ts';
import { FakeApi } from '../../../testing/fake-api.ts';
import { instanceCaches } from '../../../testing/store-cache.ts';
import { FakeClock } from '../../../testing/fake-clock.ts';
import { makeInstance } from '../../../testing/fixtures.ts';
import { Lookups, type InstanceDeps } from '../deps.ts';
import { reconcileInstance } from '../reconcile.ts';
import { SEARCHINSTANCES } from '../resource-types.ts';
import type { UpgradeApiFactory } from './run.ts';

interface FakeEngine {
  calls: string[];
  stats: Map<string, InstanceStats>;
}

function setup(spec: Partial<SearchInstance['spec']> = {}) {
  const api = new FakeApi();
  const clock = new FakeClock();
  api.put(SEARCHINSTANCES, makeInstance('products', { version: '0.3.0', ...spec }));
  const engine: FakeEngine = { calls: [], stats: new Map() };
  const factory: UpgradeApiFactory = (url) => {
    const ip = new URL(url).hostname;
    const say = (c: string): void => {
      engine.calls.push(`${ip} ${c}`);
    };
    const api: UpgradeEngineApi = {
      blockWrites: async () => say('block'),
      unblockWrites: async () => say('unblock'),
      pendingTasks: async () => 0,
      stats: async () => engine.stats.get(ip) ?? { indexes: 2, documents: 100, databaseSize: 1 },
      health: async () => ({ status: 'available' }),
      removeDatabase: async (name) => (say(`rm ${name}`), true),
    };
    return api;
  };
  const cache = instanceCaches(api);
  const deps: InstanceDeps & { upgradeApi: UpgradeApiFactory } = {
    api,
    clock,
    events: new EventRecorder({ api, clock, component: 'test', instance: 't' }),
    cache,
    engineAccess: 'pod-ip',
    statsIntervalMs: 60_000,
    pendingRequeueMs: 10_000,
    lookups: new Lookups(api, clock),
    engineStats: async () => ({ indexes: 2, documents: 100, databaseSize: 1 }),
    engineLatestWrite: async () => undefined,
    log: () => {},
    upgradeApi: factory,
  };
  return { api, deps, engine, clock };
}

/** The StatefulSet controller and the kubelet: a pod running the template's image, Ready. */
function kubelet(api: FakeApi, ready = true) {
  const sts = api.store.get('statefulsets/shop/products') as V1StatefulSet | undefined;
  if (!sts) return;
  const image = sts.spec!.template.spec!.containers[0]!.image!;
  api.store.set('statefulsets/shop/products', { ...sts, status: { replicas: 1, observedGeneration: sts.metadata!.generation, currentRevision: image, updateRevision: image, updatedReplicas: 1 } } as V1StatefulSet);
  const pod = api.store.get('pods/shop/products-0') as V1Pod | undefined;
  if (pod?.spec?.containers[0]?.image === image) return;
  api.put<V1Pod>(PODS, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'products-0', namespace: 'shop', uid: `pod-${image}`, labels: { 'searchkube.io/instance': 'products' } },
    spec: { containers: [{ name: 'engine', image }] },
    status: { phase: 'Running', podIP: `127.0.${image.split(':')[1]!.split('.')[1]}.1`, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }], containerStatuses: [{ name: 'engine', image, restartCount: 0, ready, imageID: '', started: true }] },
  });
}

/** The SearchDump controller: a created dump succeeds (or fails). */
function dumps(api: FakeApi, outcome: 'Succeeded' | 'Failed' = 'Succeeded') {
  for (const [k, d] of api.store) {
    if (!k.startsWith('searchdumps/') || (d as SearchDump).status?.phase) continue;
    api.store.set(k, { ...d, status: outcome === 'Succeeded' ? { phase: 'Succeeded', dumpUid: '20261130-010203004', path: '/dumps/20261130-010203004.dump' } : { phase: 'Failed', error: 'disk full' } } as SearchDump);
  }
}

async function running(h: ReturnType<typeof setup>) {
  await reconcileInstance(h.deps, 'shop/products');
  kubelet(h.api);
  await reconcileInstance(h.deps, 'shop/products');
  expect((h.api.store.get('searchinstances/shop/products') as SearchInstance).status).toMatchObject({ phase: 'Ready', currentVersion: '0.3.0' });
}

async function drive(h: ReturnType<typeof setup>, o: { dump?: 'Succeeded' | 'Failed'; passes?: number } = {}) {
  for (let i = 0; i < (o.passes ?? 30); i++) {
    h.clock.advance(1000);
    await reconcileInstance(h.deps, 'shop/products');
    kubelet(h.api);
    dumps(h.api, o.dump);
    const u = (h.api.store.get('searchinstances/shop/products') as SearchInstance).status?.upgrade;
    if (u?.finishedAt) return u;
  }
  throw new Error('the upgrade did not finish');
}

/** The order of status steps written and StatefulSet images applied. */
function timeline(api: FakeApi): string[] {
  const out: string[] = [];
  for (const c of api.calls) {
    const body = c.body as { status?: { upgrade?: { step?: string } }; spec?: { template?: { spec?: { containers?: Array<{ image?: string }> } } } } | undefined;
    if (c.plural === 'searchinstances' && c.subresource === 'status' && body?.status?.upgrade?.step && out.at(-1) !== `step ${body.status.upgrade.step}`) out.push(`step ${body.status.upgrade.step}`);
    if (c.plural === 'statefulsets' && c.verb === 'apply') out.push(`apply ${body?.spec?.template?.spec?.containers?.[0]?.image}`);
  }
  return out;
}

describe('upgrade effects', () => {
  it('records each step before acting on it; the StatefulSet moves only after Restarting is recorded', async () => {
    const h = setup();
    await running(h);
    h.api.calls.length = 0;
    await h.api.mergePatch(SEARCHINSTANCES, 'shop', 'products', { spec: { version: '0.4.0' } });
    const u = await drive(h);
    expect(u).toMatchObject({ result: 'Succeeded', from: '0.3.0', to: '0.4.0', dump: expect.stringMatching(/^products-pre-upgrade-0-4-0-\d+$/), dumpPath: '/dumps/20261130-010203004.dump' });
    expect(timeline(h.api)).toEqual(['step BlockingWrites', 'step Dumping', 'step Restarting', 'apply searchkube/engine:0.4.0', 'step Importing', 'step Verifying', 'step Completed']);
    // Old pod: block; old pod removes a stale new database before the restart; new pod: old database out, unblock.
    expect(h.engine.calls).toEqual(['127.0.3.1 block', '127.0.3.1 rm db-0.4.0', '127.0.4.1 unblock', '127.0.4.1 rm db-0.3.0']);
    const events = h.api.calls.filter((c) => c.plural === 'events' && c.verb === 'create').map((c) => (c.body as { reason: string }).reason);
    expect(events).toEqual(expect.arrayContaining(['UpgradeStarted', 'BlockingWrites', 'Dumping', 'Restarting', 'Importing', 'Verifying', 'Completed', 'Upgraded']));
    const sts = h.api.store.get('statefulsets/shop/products') as V1StatefulSet;
    expect(sts.spec?.template.spec?.containers[0]?.args).toEqual(['--db-path', '/data/db-0.4.0', '--dump-dir', '/dumps', '--http-addr', '0.0.0.0:7700', '--import-dump', '/dumps/20261130-010203004.dump', '--ignore-dump-if-db-exists', '--ignore-missing-dump', '--import-write-block', 'upgrade from 0.3.0 to 0.4.0 in progress']);
    expect((h.api.store.get('searchinstances/shop/products') as SearchInstance).status).toMatchObject({ phase: 'Ready', currentVersion: '0.4.0' });
    // Afterwards an idle pass writes nothing.
    h.api.calls.length = 0;
    await reconcileInstance(h.deps, 'shop/products');
    expect(h.api.writes()).toEqual([]);
  });

  it('a verification mismatch rolls back to the old image, unblocks writes and removes the new database', async () => {
    const h = setup();
    await running(h);
    h.engine.stats.set('127.0.4.1', { indexes: 2, documents: 99, databaseSize: 1 });
    await h.api.mergePatch(SEARCHINSTANCES, 'shop', 'products', { spec: { version: '0.4.0' } });
    const u = await drive(h);
    expect(u).toMatchObject({ result: 'RolledBack', failure: { reason: 'VerificationFailed', message: expect.stringContaining('99 documents') } });
    const sts = h.api.store.get('statefulsets/shop/products') as V1StatefulSet;
    expect(sts.spec?.template.spec?.containers[0]).toMatchObject({ image: 'searchkube/engine:0.3.0', args: ['--db-path', '/data/db-0.3.0', '--dump-dir', '/dumps', '--http-addr', '0.0.0.0:7700'] });
    expect(h.engine.calls.slice(-2)).toEqual(['127.0.3.1 rm db-0.4.0', '127.0.3.1 unblock']);
    const si = h.api.store.get('searchinstances/shop/products') as SearchInstance;
    expect(si.status).toMatchObject({ phase: 'Ready', currentVersion: '0.3.0' });
    // spec.version still names the failed version: no new attempt, the condition says so.
    h.api.calls.length = 0;
    await drive(h, { passes: 3 }).catch(() => undefined);
    expect(h.api.calls.filter((c) => c.plural === 'searchdumps' && c.verb === 'create')).toEqual([]);
    expect((h.api.store.get('searchinstances/shop/products') as SearchInstance).status?.conditions?.find((c) => c.type === 'Upgrading')).toMatchObject({ reason: 'UpgradeFailed' });
  });

  it('a failed pre-upgrade dump rolls back without the StatefulSet ever changing', async () => {
    const h = setup();
    await running(h);
    h.api.calls.length = 0;
    await h.api.mergePatch(SEARCHINSTANCES, 'shop', 'products', { spec: { version: '0.4.0' } });
    const u = await drive(h, { dump: 'Failed' });
    expect(u).toMatchObject({ result: 'RolledBack', failure: { reason: 'DumpFailed', message: expect.stringContaining('disk full') } });
    expect(timeline(h.api).filter((t) => t.startsWith('apply'))).toEqual([]);
    expect(h.engine.calls).toEqual(['127.0.3.1 block', '127.0.3.1 rm db-0.4.0', '127.0.3.1 unblock']);
  });

  it('a refused downgrade changes no workload and says why', async () => {
    const h = setup();
    await running(h);
    h.api.calls.length = 0;
    await h.api.mergePatch(SEARCHINSTANCES, 'shop', 'products', { spec: { version: '0.2.0' } });
    await reconcileInstance(h.deps, 'shop/products');
    expect(h.api.calls.filter((c) => c.plural === 'statefulsets' || c.plural === 'searchdumps')).toEqual([]);
    const si = h.api.store.get('searchinstances/shop/products') as SearchInstance;
    expect(si.status?.conditions?.find((c) => c.type === 'Upgrading')).toMatchObject({ status: 'False', reason: 'DowngradeRefused' });
    expect(si.status?.phase).toBe('Ready');
  });
});


