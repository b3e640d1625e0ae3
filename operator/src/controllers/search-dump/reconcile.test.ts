// Pure-logic tests of the SearchDump reconcile over a fake API, hand-fed caches and a scripted
// engine (the real apiserver and engine are in test/cluster/operator-dumps*.test.ts).
import type { V1Pod, V1Secret } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { SearchDump } from '../../api/search-dump.ts';
import type { SearchInstance } from '../../api/search-instance.ts';
import type { DumpFileInfo, DumpsApi, EngineTask } from '../../engine-client/dumps.ts';
import { EventRecorder } from '../../kube/events.ts';
import { PODS, SECRETS } from '../../kube/resource.ts';
import { FakeApi } from '../../testing/fake-api.ts';
import { storeCache } from '../../testing/store-cache.ts';
import { FakeClock } from '../../testing/fake-clock.ts';
import { makeInstance } from '../../testing/fixtures.ts';
import { Lookups } from '../search-instance/deps.ts';
import { SEARCHINSTANCES } from '../search-instance/resource-types.ts';
import type { DumpDeps } from './deps.ts';
import { KeyedLock } from './keyed-lock.ts';
import { reconcileDump } from './reconcile.ts';
import { DUMP_FINALIZER, SEARCHDUMPS } from './resource-types.ts';

/** A scripted engine: tasks by uid, files by dump uid, and a log of what was asked. */
class FakeEngine implements DumpsApi {
  tasks: EngineTask[] = [{ uid: 0, status: 'succeeded', type: 'documentAdditionOrUpdate' }, { uid: 1, status: 'succeeded', type: 'settingsUpdate' }];
  files: DumpFileInfo[] = [];
  calls: string[] = [];
  async createDump() {
    this.calls.push('createDump');
    const uid = this.tasks.length;
    this.tasks.push({ uid, status: 'enqueued', type: 'dumpCreation', details: { dumpUid: null } });
    return uid;
  }
  async task(uid: number) {
    this.calls.push(`task ${uid}`);
    return this.tasks.find((t) => t.uid === uid);
  }
  async latestTaskUid() {
    this.calls.push('latestTaskUid');
    return this.tasks.at(-1)?.uid ?? -1;
  }
  async dumpTasks() {
    this.calls.push('dumpTasks');
    return this.tasks.filter((t) => t.type === 'dumpCreation').reverse();
  }
  async cancelTask(uid: number) {
    this.calls.push(`cancel ${uid}`);
    const t = this.tasks.find((x) => x.uid === uid);
    if (t?.status === 'enqueued') t.status = 'canceled';
  }
  async version() {
    return '0.1.0';
  }
  async listFiles() {
    this.calls.push('listFiles');
    return this.files;
  }
  async deleteFile(uid: string) {
    this.calls.push(`deleteFile ${uid}`);
    const before = this.files.length;
    this.files = this.files.filter((f) => f.uid !== uid);
    return this.files.length < before;
  }
  /** The engine finishes task `uid`, writing a dump file. */
  finish(uid: number, dumpUid = '20260101-030000123', sizeBytes = 4096) {
    const t = this.tasks.find((x) => x.uid === uid)!;
    t.status = 'succeeded';
    t.details = { dumpUid };
    this.files.push({ uid: dumpUid, fileName: `${dumpUid}.dump`, sizeBytes, createdAt: '2026-01-01T03:00:00Z' });
  }
}

function readyInstance(): SearchInstance {
  return { ...makeInstance('products'), status: { phase: 'Ready', currentVersion: '0.3.0' } };
}

function setup(si: SearchInstance | null = readyInstance()) {
  const api = new FakeApi();
  const clock = new FakeClock();
  const engine = new FakeEngine();
  if (si) api.put(SEARCHINSTANCES, si);
  api.put<V1Pod>(PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'products-0', namespace: 'shop' }, status: { podIP: '127.1.0.5' } });
  api.put<V1Secret>(SECRETS, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'products-master-key', namespace: 'shop' }, data: { masterKey: Buffer.from('k'.repeat(32)).toString('base64') } });
  const endpoints: string[] = [];
  const deps: DumpDeps = {
    api,
    clock,
    events: new EventRecorder({ api, clock, component: 'test', instance: 't' }),
    cache: { dumps: storeCache(api, SEARCHDUMPS), instances: storeCache(api, SEARCHINSTANCES), pods: storeCache(api, PODS), secrets: storeCache(api, SECRETS) },
    lookups: new Lookups(api, clock),
    engineAccess: 'pod-ip',
    dumpsApi: (e) => {
      endpoints.push(`${e.engineUrl} ${e.filesUrl}`);
      return engine;
    },
    locks: new KeyedLock(),
    pendingRequeueMs: 10_000,
    log: () => {},
  };
  return { api, clock, engine, deps, endpoints };
}

function addDump(api: FakeApi, name = 'd1', spec: Partial<SearchDump['spec']> = {}, status?: SearchDump['status']): SearchDump {
  return api.put<SearchDump>(SEARCHDUMPS, { apiVersion: 'searchkube.io/v1alpha1', kind: 'SearchDump', metadata: { name, namespace: 'shop' }, spec: { instanceRef: { name: 'products' }, deletionPolicy: 'Delete', ...spec }, ...(status ? { status } : {}) });
}

const getDump = (api: FakeApi, name = 'd1') => api.store.get(`searchdumps/shop/${name}`) as SearchDump;
const statusWrites = (api: FakeApi) => api.writes().filter((c) => c.plural === 'searchdumps' && c.subresource === 'status').map((c) => (c.body as { status: SearchDump['status'] }).status);
const eventReasons = (api: FakeApi) => api.writes().filter((c) => c.plural === 'events' && c.verb === 'create').map((c) => (c.body as { reason: string }).reason);

describe('reconcileDump', () => {
  it('leaves the dump Pending, with the reason, while its instance is not Ready', async () => {
    const { api, engine, deps } = setup({ ...makeInstance('products'), status: { phase: 'Provisioning' } });
    addDump(api);
    const r = await reconcileDump(deps, 'shop/d1');
    expect(r.requeueAfterMs).toBe(10_000);
    expect(getDump(api).status).toMatchObject({ phase: 'Pending', conditions: [{ type: 'Ready', status: 'False', reason: 'InstanceNotReady', message: 'SearchInstance products is Provisioning; the dump starts once it is Ready' }] });
    expect(engine.calls).toEqual([]);
    const missing = setup(null);
    addDump(missing.api);
    await reconcileDump(missing.deps, 'shop/d1');
    expect(getDump(missing.api).status?.conditions?.[0]).toMatchObject({ reason: 'InstanceNotFound' });
  });

  it('writes its intent before asking for the dump, records the task, then follows it to Succeeded with the file\'s size', async () => {
    const { api, engine, deps, endpoints } = setup();
    addDump(api);
    const r1 = await reconcileDump(deps, 'shop/d1');
    expect(engine.calls.slice(0, 2)).toEqual(['latestTaskUid', 'createDump']);
    const writes = statusWrites(api);
    // The first status write is the intent: no taskUid yet, the engine's newest task uid recorded.
    expect(writes[0]).toMatchObject({ phase: 'Running', requestedAfterTaskUid: 1 });
    expect(writes[0]).not.toHaveProperty('taskUid');
    expect(writes[1]).toMatchObject({ taskUid: 2 });
    expect(getDump(api).metadata.finalizers).toEqual([DUMP_FINALIZER]);
    expect(r1.requeueAfterMs).toBeGreaterThan(0);
    expect(endpoints[0]).toBe('http://127.1.0.5:7700 http://127.1.0.5:7700');

    engine.finish(2);
    await reconcileDump(deps, 'shop/d1');
    expect(getDump(api).status).toMatchObject({
      phase: 'Succeeded',
      taskUid: 2,
      dumpUid: '20260101-030000123',
      path: '/dumps/20260101-030000123.dump',
      sizeBytes: 4096,
      engineVersion: '0.1.0',
      conditions: [{ type: 'Ready', status: 'True', reason: 'DumpSucceeded' }],
    });
    expect(getDump(api).status?.startedAt).toBeDefined();
    expect(getDump(api).status?.completedAt).toBeDefined();
    expect(eventReasons(api)).toEqual(['Started', 'Succeeded']);
  });

  it('never processes a finished dump again', async () => {
    const { api, engine, deps } = setup();
    addDump(api, 'd1', {}, { phase: 'Succeeded', taskUid: 1, dumpUid: 'x' });
    addDump(api, 'd2', {}, { phase: 'Failed', error: 'boom' });
    await reconcileDump(deps, 'shop/d1');
    await reconcileDump(deps, 'shop/d2');
    expect(engine.calls).toEqual([]);
    expect(api.writes()).toEqual([]);
  });

  it('after a restart between POST /dumps and recording the task, adopts that task instead of starting a second dump', async () => {
    const { api, engine, deps } = setup();
    // The previous operator wrote its intent (newest task 1), POSTed (task 2), and died.
    await engine.createDump();
    engine.calls = [];
    addDump(api, 'd1', {}, { phase: 'Running', requestedAfterTaskUid: 1, startedAt: '2023-11-14T22:13:20Z' });
    await reconcileDump(deps, 'shop/d1');
    expect(engine.calls).not.toContain('createDump');
    expect(getDump(api).status?.taskUid).toBe(2);
    expect(eventReasons(api)).toContain('Resumed');
  });

  it('after a restart between the intent and POST /dumps, asks once', async () => {
    const { api, engine, deps } = setup();
    addDump(api, 'd1', {}, { phase: 'Running', requestedAfterTaskUid: 1, startedAt: '2023-11-14T22:13:20Z' });
    await reconcileDump(deps, 'shop/d1');
    await reconcileDump(deps, 'shop/d1');
    expect(engine.calls.filter((c) => c === 'createDump')).toHaveLength(1);
    expect(getDump(api).status?.taskUid).toBe(2);
  });

  it('does not adopt a task another SearchDump of the instance has claimed', async () => {
    const { api, engine, deps } = setup();
    await engine.createDump(); // task 2, d0's
    addDump(api, 'd0', {}, { phase: 'Running', taskUid: 2 });
    addDump(api, 'd1', {}, { phase: 'Running', requestedAfterTaskUid: 1 });
    await reconcileDump(deps, 'shop/d1');
    expect(getDump(api).status?.taskUid).toBe(3);
  });

  it('starts one dump when two passes race from the same stale cache (the API read in the lock sees the intent)', async () => {
    const { api, engine, deps } = setup();
    addDump(api);
    // The loser of a status write gets a 409 (retried from fresh state); never a second dump.
    const results = await Promise.allSettled([reconcileDump(deps, 'shop/d1'), reconcileDump(deps, 'shop/d1')]);
    for (const r of results) if (r.status === 'rejected') expect(String(r.reason)).toContain('modified');
    expect(engine.calls.filter((c) => c === 'createDump')).toHaveLength(1);
  });

  it('fails the dump with the engine\'s error when the task fails', async () => {
    const { api, engine, deps } = setup();
    addDump(api);
    await reconcileDump(deps, 'shop/d1');
    Object.assign(engine.tasks[2]!, { status: 'failed', error: { message: 'EACCES: permission denied, mkdir \'/dumps\'', code: 'internal' } });
    await reconcileDump(deps, 'shop/d1');
    expect(getDump(api).status).toMatchObject({ phase: 'Failed', error: 'EACCES: permission denied, mkdir \'/dumps\' (internal)', conditions: [{ status: 'False', reason: 'EngineTaskFailed' }] });
    expect(eventReasons(api)).toContain('Failed');
  });

  it('fails a dump whose task succeeded but whose file is not there', async () => {
    const { api, engine, deps } = setup();
    addDump(api);
    await reconcileDump(deps, 'shop/d1');
    Object.assign(engine.tasks[2]!, { status: 'succeeded', details: { dumpUid: '20260101-030000123' } });
    await reconcileDump(deps, 'shop/d1');
    expect(getDump(api).status).toMatchObject({ phase: 'Failed', conditions: [{ reason: 'FileMissing' }] });
  });

  it('deletes the file through the finalizer with deletionPolicy Delete', async () => {
    const { api, engine, deps } = setup();
    addDump(api);
    await reconcileDump(deps, 'shop/d1');
    engine.finish(2);
    await reconcileDump(deps, 'shop/d1');
    api.store.set('searchdumps/shop/d1', { ...getDump(api), metadata: { ...getDump(api).metadata, deletionTimestamp: new Date() } } as SearchDump);
    await reconcileDump(deps, 'shop/d1');
    expect(engine.calls).toContain('deleteFile 20260101-030000123');
    expect(engine.files).toEqual([]);
    expect(getDump(api).metadata.finalizers).toEqual([]);
  });

  it('cancels a dump the engine has not started when it is deleted, and waits for a running one', async () => {
    const { api, engine, deps } = setup();
    addDump(api);
    await reconcileDump(deps, 'shop/d1');
    const deleting = () => api.store.set('searchdumps/shop/d1', { ...getDump(api), metadata: { ...getDump(api).metadata, deletionTimestamp: new Date() } } as SearchDump);
    engine.tasks[2]!.status = 'processing';
    deleting();
    expect((await reconcileDump(deps, 'shop/d1')).requeueAfterMs).toBeGreaterThan(0);
    expect(getDump(api).metadata.finalizers).toEqual([DUMP_FINALIZER]);
    engine.finish(2);
    await reconcileDump(deps, 'shop/d1');
    expect(engine.files).toEqual([]);
    expect(getDump(api).metadata.finalizers).toEqual([]);
  });

  it('lets a dump that never started go at once, even while its instance is not Ready', async () => {
    const { api, engine, deps } = setup({ ...makeInstance('products'), status: { phase: 'Failed' } });
    addDump(api);
    await reconcileDump(deps, 'shop/d1');
    expect(getDump(api).metadata.finalizers).toEqual([DUMP_FINALIZER]);
    api.store.set('searchdumps/shop/d1', { ...getDump(api), metadata: { ...getDump(api).metadata, deletionTimestamp: new Date() } } as SearchDump);
    expect(await reconcileDump(deps, 'shop/d1')).toEqual({});
    expect(getDump(api).metadata.finalizers).toEqual([]);
    expect(engine.calls).toEqual([]);
  });

  it('puts no finalizer on a Retain dump, so its deletion never touches the file', async () => {
    const { api, engine, deps } = setup();
    addDump(api, 'd1', { deletionPolicy: 'Retain' });
    await reconcileDump(deps, 'shop/d1');
    engine.finish(2);
    await reconcileDump(deps, 'shop/d1');
    expect(getDump(api).metadata.finalizers ?? []).toEqual([]);
    expect(engine.files).toHaveLength(1);
  });

  it('sends the file routes to the dumps agent for an upstream Meilisearch image', async () => {
    const si = { ...makeInstance('products', { image: { repository: 'getmeili/meilisearch' } }), status: { phase: 'Ready' as const } };
    const { api, deps, endpoints } = setup(si);
    addDump(api);
    await reconcileDump(deps, 'shop/d1');
    expect(endpoints[0]).toBe('http://127.1.0.5:7700 http://127.1.0.5:7701');
  });
});
