// BlueGreen upgrades and bootstrap from a dump, on the real control plane with real engine pods.
// BlueGreen: the new version runs beside the old one (StatefulSet <name>-v<version>), fetches
// the pre-upgrade dump from the old pod over HTTP in an init container, imports it, is verified,
// then the Service's selector switches to it and the old pod is retired. A reader searches every
// 100 ms on the pod the Service selects (the harness has no Service proxy, so the test follows
// the selector as kube-proxy would) and counts failures: none. Bootstrap: a new instance started
// from another instance's SearchDump (fetched from that instance's engine) holds the same data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoreV1Event, V1Pod, V1Service, V1StatefulSet } from '@kubernetes/client-node';
import { SEARCHINSTANCES } from '../../operator/src/controllers/search-instance/resource-types.ts';
import { EVENTS, PODS, SERVICES, STATEFULSETS } from '../../operator/src/kube/resource.ts';
import { eventually, useNamespace } from '../harness/testing.ts';
import { Api } from '../helpers/http-client.ts';
import { addDocuments, createDump, masterKey, waitForDump } from './operator-dumps-support.ts';
import { createInstance, getInstance, installCrds, kubeApi, startOperator, waitForPhase, type OperatorProcess } from './operator-support.ts';
import { dataDir, databases, servedEngine, servedPod, waitForUpgrade, watchSteps } from './operator-upgrade-support.ts';

const ns = useNamespace('op-bluegreen');
const api = kubeApi();
let op: OperatorProcess;
const DOCS = 5000;
const SETTINGS = { searchableAttributes: ['title', 'body'], filterableAttributes: ['id'], sortableAttributes: ['id'], synonyms: { tale: ['story'] } };

beforeAll(async () => {
  await installCrds(api);
  op = await startOperator(ns.name, ['--resync-period=30'], 'bluegreen');
  await createInstance(api, ns.name, 'products', { version: '0.1.0', upgrade: { strategy: 'BlueGreen', verify: true, blockWrites: true } });
  await waitForPhase(api, ns.name, 'products');
  const engine = await servedEngine(api, ns.name, 'products');
  await addDocuments(engine, 'books', DOCS);
  await engine.run(engine.patch('/indexes/books/settings', SETTINGS));
});

afterAll(async () => {
  await op?.stop();
});

/** Searches every 100 ms on the pod the Service selects; counts failures and which pods answered. */
function startReader(instance: string) {
  const state = { ok: 0, failures: [] as string[], pods: [] as string[] };
  let on = true;
  const done = (async () => {
    const key = await masterKey(api, ns.name, instance);
    while (on) {
      const t = Date.now();
      try {
        const pod = await servedPod(api, ns.name, instance);
        if (!pod) throw new Error('no ready pod behind the Service');
        const res = await new Api(`http://${pod.status!.podIP}:7700`, key).post('/indexes/books/search', { q: 'story', limit: 1 });
        if (res.status !== 200 || res.body.hits?.length !== 1) throw new Error(`${pod.metadata!.name}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
        state.ok++;
        if (state.pods.at(-1) !== pod.metadata!.name) state.pods.push(pod.metadata!.name!);
      } catch (e) {
        state.failures.push((e as Error).message);
      }
      await new Promise((r) => setTimeout(r, Math.max(0, 100 - (Date.now() - t))));
    }
  })();
  return Object.assign(state, { stop: async () => { on = false; await done; } });
}

describe('BlueGreen upgrade', () => {
  it('runs the new version beside the old one, switches the Service when verified, retires the old pod: searches never fail', async () => {
    const dir = await dataDir(api, ns.name, 'products');
    const reader = startReader('products');
    await eventually('the reader is reading', async () => reader.ok >= 5, 30_000, 100);
    const watch = watchSteps(api, ns.name, 'products');
    const t0 = Date.now();
    await api.mergePatch(SEARCHINSTANCES, ns.name, 'products', { spec: { version: '0.2.0' } });

    // While it imports, both pods exist and the Service still selects the old one.
    const green = await eventually('the new StatefulSet and its pod', async () => (await api.get<V1Pod>(PODS, ns.name, 'products-v0-2-0-0').catch(() => undefined)) ?? false, 60_000, 100);
    expect(green.spec?.initContainers?.[0]).toMatchObject({ name: 'fetch-dump', args: expect.arrayContaining(['fetch-dump', '--url']) });
    expect(green.spec?.containers[0]?.image).toBe('searchkube/engine:0.2.0');
    expect((await api.get<V1Service>(SERVICES, ns.name, 'products')).spec?.selector).toMatchObject({ 'statefulset.kubernetes.io/pod-name': 'products-0' });

    const si = await waitForUpgrade(api, ns.name, 'products', 'Succeeded', '0.2.0');
    const upgradeMs = Date.now() - t0;
    await eventually('the old pod is gone', async () => (await api.get(PODS, ns.name, 'products-0').then(() => false, () => true)), 60_000, 200);
    await new Promise((r) => setTimeout(r, 500));
    await reader.stop();
    watch.stop();
    console.log(`BlueGreen upgrade: ${upgradeMs} ms; steps: ${watch.steps.join(' > ')}; reader: ${reader.ok} searches, ${reader.failures.length} failures, pods ${reader.pods.join(' > ')}`);
    expect(reader.failures).toEqual([]);
    expect(reader.pods).toEqual(['products-0', 'products-v0-2-0-0']);
    // Switching lasts one pass; its Event is the lasting trace.
    const events = (await api.list<CoreV1Event>(EVENTS, ns.name)).items.filter((e) => e.involvedObject.name === 'products').map((e) => e.reason);
    for (const step of ['BlockingWrites', 'Dumping', 'Restarting', 'Importing', 'Verifying', 'Switching', 'Switched', 'Completed', 'Retired', 'Upgraded']) expect(events).toContain(step);

    expect(si.status).toMatchObject({ currentVersion: '0.2.0', statefulSet: 'products-v0-2-0', upgrade: { strategy: 'BlueGreen', after: { indexes: 1, documents: DOCS } } });
    expect((await api.get<V1Service>(SERVICES, ns.name, 'products')).spec?.selector).toMatchObject({ 'statefulset.kubernetes.io/pod-name': 'products-v0-2-0-0' });
    expect(await api.get<V1StatefulSet>(STATEFULSETS, ns.name, 'products').then(() => 'there', () => 'gone')).toBe('gone');
    const engine = await servedEngine(api, ns.name, 'products');
    expect((await engine.get('/version')).body.pkgVersion).toBe('0.2.0');
    expect((await engine.get('/indexes/books/settings')).body).toMatchObject(SETTINGS);
    expect((await engine.get('/write-block')).body.enabled).toBe(false);
    await eventually('the old database removed', async () => databases(dir).join() === 'db-0.2.0', 30_000, 200);
    // Writes go to the new version.
    const added = await engine.post('/indexes/books/documents', [{ id: DOCS, title: 'after the switch' }]);
    expect(added.status).toBe(202);
    expect((await engine.waitTask(added.body.taskUid)).status).toBe('succeeded');
    await engine.run(engine.delete(`/indexes/books/documents/${DOCS}`));
  });

  it('a later Recreate upgrade of the BlueGreen StatefulSet works in place', async () => {
    await api.mergePatch(SEARCHINSTANCES, ns.name, 'products', { spec: { version: '0.3.0', upgrade: { strategy: 'Recreate' } } });
    const si = await waitForUpgrade(api, ns.name, 'products', 'Succeeded', '0.3.0');
    expect(si.status).toMatchObject({ currentVersion: '0.3.0', statefulSet: 'products-v0-2-0', upgrade: { after: { documents: DOCS } } });
    expect((await (await servedEngine(api, ns.name, 'products')).get('/version')).body.pkgVersion).toBe('0.3.0');
  });
});

describe('BlueGreen rollback', () => {
  it('a failing new version is deleted beside the old one, which never stops serving reads', async () => {
    const reader = startReader('products');
    await eventually('the reader is reading', async () => reader.ok >= 5, 30_000, 100);
    await api.mergePatch(SEARCHINSTANCES, ns.name, 'products', { spec: { version: '0.4.0-broken', upgrade: { strategy: 'BlueGreen' } } });
    const si = await waitForUpgrade(api, ns.name, 'products', 'RolledBack', '0.4.0-broken');
    await reader.stop();
    console.log(`BlueGreen rollback: reader ${reader.ok} searches, ${reader.failures.length} failures, pods ${reader.pods.join(' > ')}`);
    expect(reader.failures).toEqual([]);
    expect(reader.pods).toEqual(['products-v0-2-0-0']);
    expect(si.status).toMatchObject({ currentVersion: '0.3.0', statefulSet: 'products-v0-2-0', upgrade: { failure: { reason: 'ImportFailed' } } });
    expect(await api.get(STATEFULSETS, ns.name, 'products-v0-4-0-broken').then(() => 'there', () => 'gone')).toBe('gone');
    const engine = await servedEngine(api, ns.name, 'products');
    expect((await engine.get('/version')).body.pkgVersion).toBe('0.3.0');
    expect((await engine.get('/write-block')).body.enabled).toBe(false);
    expect((await engine.get('/indexes/books/stats')).body.numberOfDocuments).toBe(DOCS);
  });
});

describe('bootstrap', () => {
  it('a new instance from another instance\'s SearchDump is identical to it', async () => {
    await createDump(api, ns.name, 'snapshot', 'products', 'Retain');
    await waitForDump(api, ns.name, 'snapshot', 'Succeeded');
    const source = await getInstance(api, ns.name, 'products');
    await createInstance(api, ns.name, 'clone', { version: source.status!.currentVersion!, bootstrap: { fromDump: { name: 'snapshot' } } });
    const clone = await waitForPhase(api, ns.name, 'clone', 'Ready', 120_000);
    const pod = await api.get<V1Pod>(PODS, ns.name, 'clone-0');
    expect(pod.spec?.initContainers?.[0]?.name).toBe('fetch-dump');
    expect(clone.status?.stats).toMatchObject({ indexes: 1, documents: DOCS });

    const a = await servedEngine(api, ns.name, 'products');
    const b = await servedEngine(api, ns.name, 'clone');
    const all = async (e: Api) => ({
      docs: ((await e.get('/indexes/books/documents?limit=10000')).body.results as Array<{ id: number }>).sort((x, y) => x.id - y.id),
      settings: (await e.get('/indexes/books/settings')).body,
      index: (({ uid, primaryKey }) => ({ uid, primaryKey }))((await e.get('/indexes/books')).body),
      search: (await e.post('/indexes/books/search', { q: 'tale 42', filter: 'id < 500', sort: ['id:desc'] })).body.hits,
    });
    expect(await all(b)).toEqual(await all(a));
  });
});
