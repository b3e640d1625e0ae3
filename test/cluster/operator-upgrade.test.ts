// Version upgrades, Recreate strategy, on the real control plane with real engine pods. The
// process kubelet runs this checkout's engine under any tag and reports the tag as the engine's
// version, so 0.1.0 -> 0.2.0 -> ... are real version changes (a new database directory filled by
// a dump import each time); tags ending in -broken crash during the import (test/harness).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import type { SearchDump } from '../../operator/src/api/search-dump.ts';
import { SEARCHINSTANCES } from '../../operator/src/controllers/search-instance/resource-types.ts';
import { SEARCHDUMPS } from '../../operator/src/controllers/search-dump/resource-types.ts';
import { EVENTS, PODS } from '../../operator/src/kube/resource.ts';
import { eventually, useNamespace } from '../harness/testing.ts';
import { addDocuments } from './operator-dumps-support.ts';
import { createInstance, getInstance, installCrds, kubeApi, startOperator, waitForPhase, type OperatorProcess } from './operator-support.ts';
import { dataDir, databases, servedEngine, startWriter, waitForUpgrade, watchSteps } from './operator-upgrade-support.ts';

const ns = useNamespace('op-upgrade');
const api = kubeApi();
let op: OperatorProcess;
const DOCS = 5000;
const SETTINGS = { searchableAttributes: ['title', 'body'], filterableAttributes: ['id'], sortableAttributes: ['id'], stopWords: ['the', 'a'], synonyms: { tale: ['story'] }, typoTolerance: { minWordSizeForTypos: { oneTypo: 4, twoTypos: 9 } } };

async function setVersion(version: string, annotations?: Record<string, string>): Promise<void> {
  await api.mergePatch(SEARCHINSTANCES, ns.name, 'products', { spec: { version }, ...(annotations ? { metadata: { annotations } } : {}) });
}

async function snapshot() {
  const engine = await servedEngine(api, ns.name, 'products');
  const settings = (await engine.get('/indexes/books/settings')).body;
  const stats = (await engine.get('/indexes/books/stats')).body.numberOfDocuments as number;
  const docs = (await engine.get('/indexes/books/documents?limit=10000&fields=id,title,body')).body.results as Array<{ id: number }>;
  const search = (await engine.post('/indexes/books/search', { q: 'tale numbr 42', filter: 'id < 100', sort: ['id:asc'], limit: 5 })).body;
  return { engine, settings, stats, docs: [...docs].sort((a, b) => a.id - b.id), hits: search.hits?.map((h: { id: number }) => h.id), version: (await engine.get('/version')).body.pkgVersion as string };
}

beforeAll(async () => {
  await installCrds(api);
  op = await startOperator(ns.name, ['--resync-period=30'], 'upgrade');
  await createInstance(api, ns.name, 'products', { version: '0.1.0' });
  await waitForPhase(api, ns.name, 'products');
  const engine = await servedEngine(api, ns.name, 'products');
  await addDocuments(engine, 'books', DOCS);
  await engine.run(engine.patch('/indexes/books/settings', SETTINGS));
});

afterAll(async () => {
  await op?.stop();
});

describe('Recreate upgrade', () => {
  it('keeps every document and setting, records each step before acting, and removes the old database', async () => {
    const before = await snapshot();
    expect(before.version).toBe('0.1.0');
    expect(before.stats).toBe(DOCS);
    const dir = await dataDir(api, ns.name, 'products');
    expect(databases(dir)).toEqual(['db-0.1.0']);

    const watch = watchSteps(api, ns.name, 'products');
    const t0 = Date.now();
    await setVersion('0.2.0');
    const si = await waitForUpgrade(api, ns.name, 'products', 'Succeeded', '0.2.0');
    watch.stop();
    console.log(`Recreate upgrade of ${DOCS} documents: ${Date.now() - t0} ms; steps seen: ${watch.steps.join(' > ')}`);

    expect(si.status?.currentVersion).toBe('0.2.0');
    expect(si.status?.upgrade).toMatchObject({ from: '0.1.0', to: '0.2.0', step: 'Completed', before: { indexes: 1, documents: DOCS }, after: { indexes: 1, documents: DOCS }, strategy: 'Recreate', mode: 'Dump' });
    expect(si.status?.conditions?.find((c) => c.type === 'Upgrading')).toMatchObject({ status: 'False', reason: 'Completed' });
    expect(watch.phases).toContain('Upgrading');
    // The watch polls every 100 ms; the steps it saw are in the machine's order.
    const order = ['BlockingWrites', 'Dumping', 'Restarting', 'Importing', 'Verifying', 'Completed'];
    const seen = watch.steps.map((s) => order.indexOf(s));
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(watch.steps).toContain('Dumping');
    expect(watch.steps).toContain('Importing');

    const after = await snapshot();
    expect(after.version).toBe('0.2.0');
    expect(after.stats).toBe(DOCS);
    expect(after.docs).toEqual(before.docs);
    expect(after.settings).toEqual(before.settings);
    expect(after.hits).toEqual(before.hits);
    expect((await after.engine.get('/write-block')).body.enabled).toBe(false);
    expect(databases(dir)).toEqual(['db-0.2.0']);

    const dump = await api.get<SearchDump>(SEARCHDUMPS, ns.name, si.status!.upgrade!.dump!);
    expect(dump.metadata.labels).toMatchObject({ 'searchkube.io/reason': 'PreUpgrade', 'searchkube.io/instance': 'products' });
    expect(dump.status).toMatchObject({ phase: 'Succeeded', engineVersion: '0.1.0', path: si.status!.upgrade!.dumpPath });
    const pod = await api.get<V1Pod>(PODS, ns.name, 'products-0');
    expect(pod.spec?.containers[0]?.image).toBe('searchkube/engine:0.2.0');
    expect(pod.spec?.containers[0]?.args).toEqual(expect.arrayContaining(['--db-path', '/data/db-0.2.0', '--import-dump', dump.status!.path!, '--ignore-dump-if-db-exists']));

    const events = (await api.list<CoreV1Event>(EVENTS, ns.name)).items.filter((e) => e.involvedObject.name === 'products').map((e) => e.reason);
    for (const step of ['UpgradeStarted', ...order, 'Upgraded']) expect(events).toContain(step);
  });

  it('loses no write: writes during the upgrade get 503 with Retry-After, every acknowledged one is in the new version', async () => {
    const writer = startWriter(api, ns.name, 'products', 'live', 1);
    await eventually('the writer gets some documents in', async () => writer.acked.length >= 20, 30_000, 100);
    await setVersion('0.3.0');
    await waitForUpgrade(api, ns.name, 'products', 'Succeeded', '0.3.0');
    const n = writer.acked.length;
    await eventually('the writer writes on the new version', async () => writer.acked.length >= n + 20, 30_000, 100);
    await writer.stop();
    console.log(`writer: ${writer.acked.length} acknowledged, ${writer.blocked} answered 503 (${writer.withRetryAfter} with Retry-After), ${writer.errors} connection errors`);
    expect(writer.blocked).toBeGreaterThan(0);
    expect(writer.withRetryAfter).toBe(writer.blocked);

    const engine = await servedEngine(api, ns.name, 'products');
    expect((await engine.get('/version')).body.pkgVersion).toBe('0.3.0');
    await eventually('the last writes are indexed', async () => (await engine.get('/tasks?statuses=enqueued,processing&limit=1')).body.total === 0, 30_000, 200);
    const ids = new Set(((await engine.get('/indexes/live/documents?limit=100000&fields=id')).body.results as Array<{ id: number }>).map((d) => d.id));
    const missing = writer.acked.filter((id) => !ids.has(id));
    expect(missing).toEqual([]);
    expect((await engine.get('/indexes/books/stats')).body.numberOfDocuments).toBe(DOCS);
  });

  it('rolls a failing version back with the data intact; a later version change tries again', async () => {
    const dir = await dataDir(api, ns.name, 'products');
    const before = await snapshot();
    const watch = watchSteps(api, ns.name, 'products');
    await setVersion('0.4.0-broken');
    const si = await waitForUpgrade(api, ns.name, 'products', 'RolledBack', '0.4.0-broken');
    watch.stop();
    console.log(`failing upgrade; steps seen: ${watch.steps.join(' > ')}; phases: ${watch.phases.join(' > ')}`);
    expect(watch.steps).toContain('RollingBack');
    expect(watch.phases).toContain('RollingBack');
    expect(si.status?.currentVersion).toBe('0.3.0');
    expect(si.status?.upgrade?.failure?.reason).toBe('ImportFailed');
    // RolledBack, then (spec.version still names the failed version) UpgradeFailed: the reason either way.
    const cond = si.status?.conditions?.find((c) => c.type === 'Upgrading');
    expect(cond).toMatchObject({ status: 'False', reason: expect.stringMatching(/^(RolledBack|UpgradeFailed)$/) });
    expect(cond?.message).toContain('rolled back');
    expect(cond?.message).toContain('crashed while starting on the dump');
    const after = await snapshot();
    expect(after.version).toBe('0.3.0');
    expect(after.docs).toEqual(before.docs);
    expect(after.settings).toEqual(before.settings);
    expect(databases(dir)).toEqual(['db-0.3.0']);
    // Writes are accepted again.
    const added = await after.engine.post('/indexes/books/documents', [{ id: 999_999, title: 'after the rollback' }]);
    expect(added.status).toBe(202);
    await after.engine.waitTask(added.body.taskUid);

    // The same failing version is not retried by itself.
    await new Promise((r) => setTimeout(r, 3000));
    const still = await getInstance(api, ns.name, 'products');
    expect(still.status?.upgrade?.result).toBe('RolledBack');
    expect(still.status?.conditions?.find((c) => c.type === 'Upgrading')).toMatchObject({ reason: 'UpgradeFailed' });

    await setVersion('0.4.0');
    const retried = await waitForUpgrade(api, ns.name, 'products', 'Succeeded', '0.4.0');
    expect(retried.status?.upgrade?.after).toEqual(retried.status?.upgrade?.before);
    expect((await (await servedEngine(api, ns.name, 'products')).get('/indexes/books/stats')).body.numberOfDocuments).toBe(DOCS + 1);
  });

  it('refuses a downgrade with a readable message unless the annotation asks for it', async () => {
    const pod = await api.get<V1Pod>(PODS, ns.name, 'products-0');
    await setVersion('0.2.0');
    const refused = await waitForPhase(api, ns.name, 'products', 'Ready', 30_000, (s) => s.status?.conditions?.some((c) => c.type === 'Upgrading' && c.reason === 'DowngradeRefused') ?? false);
    const message = refused.status!.conditions!.find((c) => c.type === 'Upgrading')!.message;
    expect(message).toContain('older than the running 0.4.0');
    expect(message).toContain('searchkube.io/allow-downgrade="true"');
    expect(refused.status?.currentVersion).toBe('0.4.0');
    expect((await api.get<V1Pod>(PODS, ns.name, 'products-0')).metadata?.uid).toBe(pod.metadata?.uid);

    await setVersion('0.2.0', { 'searchkube.io/allow-downgrade': 'true' });
    const down = await waitForUpgrade(api, ns.name, 'products', 'Succeeded', '0.2.0');
    expect(down.status?.currentVersion).toBe('0.2.0');
    expect(down.status?.upgrade?.after).toEqual(down.status?.upgrade?.before);
    expect((await (await servedEngine(api, ns.name, 'products')).get('/indexes/books/stats')).body.numberOfDocuments).toBe(DOCS + 1);
  });
});
