// Kubernetes faults for the chaos suite (issue 10), on the real control plane: the engine pod
// deleted while it writes a dump, and while it imports one at bootstrap. Each must end in a
// correct, explained state with no data lost. (A full volume: chaos-full-volume.test.ts, on a PVC
// of the harness's `process-local-sized` StorageClass, a tmpfs of the claimed size that really
// fills; operator-dumps.test.ts also puts a file where the dumps directory should be.)
import type { V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { EVENTS, PODS } from '../../operator/src/kube/resource.ts';
import { SEARCHINSTANCES } from '../../operator/src/controllers/search-instance/resource-types.ts';
import { SEARCHDUMPS } from '../../operator/src/controllers/search-dump/resource-types.ts';
import { openDump } from '../../engine/src/dump/reader.ts';
import { eventually, isPodReady, useNamespace } from '../harness/testing.ts';
import { addDocuments, createDump, dumpFile, dumpFiles, dumpsDir, engineApi, getDump, masterKey, waitForDump } from './operator-dumps-support.ts';
import { createInstance, installCrds, kubeApi, startOperator, waitForPhase, type OperatorProcess } from './operator-support.ts';

const ns = useNamespace('chaos-pods');
const api = kubeApi();
let op: OperatorProcess;
const DOCS = 60_000;

async function readyPod(name: string, notUid?: string): Promise<V1Pod> {
  return eventually(`pod ${name} Ready`, async () => {
    const p = await api.get<V1Pod>(PODS, ns.name, name).catch(() => undefined);
    return p && p.metadata?.uid !== notUid && isPodReady(p) ? p : undefined;
  }, 180_000);
}

beforeAll(async () => {
  await installCrds(api);
  op = await startOperator(ns.name, ['--resync-period=30'], 'chaos-pods');
  await createInstance(api, ns.name, 'victim');
  await waitForPhase(api, ns.name, 'victim');
  await addDocuments(await engineApi(api, ns.name, 'victim'), 'books', DOCS, 10_000);
});

afterAll(async () => {
  await op?.stop();
});

describe('engine pod faults', () => {
  it('pod deleted mid-dump: the dump ends Succeeded (the engine re-runs its persisted task) or Failed with a reason; no partial file, no document lost', async () => {
    const before = await readyPod('victim-0');
    await createDump(api, ns.name, 'mid', 'victim');
    // Delete the pod as soon as the engine has the task (Running with a taskUid).
    await eventually('dump task recorded', async () => (await getDump(api, ns.name, 'mid')).status?.taskUid !== undefined, 60_000, 5);
    await api.delete(PODS, ns.name, 'victim-0');
    const deletedAt = Date.now();
    await readyPod('victim-0', before.metadata!.uid);
    const d = await eventually('dump finished', async () => {
      const current = await getDump(api, ns.name, 'mid');
      return ['Succeeded', 'Failed'].includes(current.status?.phase ?? '') ? current : undefined;
    }, 180_000);
    const dir = await dumpsDir(api, ns.name, 'victim');
    console.log(`pod deleted mid-dump: SearchDump ${d.status?.phase} ${Math.round((Date.now() - deletedAt) / 1000)} s after the delete${d.status?.error ? ` (${d.status.error})` : ''}; files ${dumpFiles(dir).join(', ')}`);
    if (d.status?.phase === 'Failed') expect(d.status.error, 'a failed dump says why').toBeTruthy();
    else {
      const reader = await openDump(dumpFile(dir, d.status!.dumpUid!));
      let documents = 0;
      for await (const index of reader.indexes()) for await (const _ of index.documents()) documents += 1;
      await reader.close();
      expect(documents).toBe(DOCS);
    }
    // Every visible .dump is whole (leftovers of the killed writer removed at the restart).
    for (const name of dumpFiles(dir)) {
      const reader = await openDump(`${dir}/${name}`);
      await reader.close();
    }
    const engine = await engineApi(api, ns.name, 'victim');
    expect((await engine.get('/indexes/books/stats')).body.numberOfDocuments).toBe(DOCS);
    const task = (await engine.get(`/tasks/${d.status!.taskUid}`)).body;
    console.log(`  delete at ${new Date(deletedAt).toISOString()}; the engine's dump task ${task.status}, started ${task.startedAt}, finished ${task.finishedAt} (${Date.parse(task.finishedAt) > deletedAt ? 'after the delete: re-run by the new pod or finished during the SIGTERM grace' : 'before the delete'})`);
    await waitForPhase(api, ns.name, 'victim');
  });

  it('pod deleted mid-import: the bootstrap import starts again and the instance becomes Ready with every document', async () => {
    const source = await waitForDump(api, ns.name, 'mid', 'Succeeded', 180_000).catch(async () => {
      await createDump(api, ns.name, 'mid2', 'victim');
      return waitForDump(api, ns.name, 'mid2', 'Succeeded', 180_000);
    });
    await createInstance(api, ns.name, 'clone', { bootstrap: { fromDump: { name: source.metadata.name! } } });
    // Wait for the engine to be importing (its /health answers 503 with progress), then delete it.
    let importingUid = '';
    await eventually('clone importing', async () => {
      const pod = await api.get<V1Pod>(PODS, ns.name, 'clone-0').catch(() => undefined);
      if (!pod?.status?.podIP || pod.status.phase !== 'Running') return false;
      const health = await fetch(`http://${pod.status.podIP}:7700/health`).catch(() => undefined);
      // 200: the import already finished (a fast machine); stop looking rather than wait it out.
      if (health?.status === 200) return true;
      if (health?.status !== 503) return false;
      importingUid = pod.metadata!.uid!;
      return true;
    }, 120_000, 5).catch(() => undefined);
    const deleted = importingUid !== '';
    if (deleted) await api.delete(PODS, ns.name, 'clone-0');
    const pod = await readyPod('clone-0', importingUid || undefined);
    const si = await waitForPhase(api, ns.name, 'clone', 'Ready', 180_000);
    const engine = await engineApi(api, ns.name, 'clone');
    console.log(`pod deleted mid-import: ${deleted ? 'deleted while /health answered 503' : 'the import finished before it could be caught'}; clone ${si.status?.phase}, pod ${pod.metadata!.name} restarts ${pod.status?.containerStatuses?.[0]?.restartCount ?? 0}`);
    expect((await engine.get('/indexes/books/stats')).body.numberOfDocuments).toBe(DOCS);
  });

  it('writes no master key to the operator log, Events or status', async () => {
    const secrets = [await masterKey(api, ns.name, 'victim'), await masterKey(api, ns.name, 'clone')];
    const places: Record<string, string> = {
      'operator log': readFileSync(op.logFile, 'utf8'),
      Events: JSON.stringify((await api.list(EVENTS, ns.name)).items),
      'SearchInstance status': JSON.stringify((await api.list(SEARCHINSTANCES, ns.name)).items.map((item) => (item as { status?: unknown }).status)),
      'SearchDump status': JSON.stringify((await api.list(SEARCHDUMPS, ns.name)).items.map((item) => (item as { status?: unknown }).status)),
    };
    for (const [place, text] of Object.entries(places)) {
      expect(text.length, place).toBeGreaterThan(10);
      for (const secret of secrets) expect(text.includes(secret), `a master key in the ${place}`).toBe(false);
    }
    console.log(`secrets: ${secrets.length} master keys absent from the operator log (${places['operator log']!.split('\n').length} lines), ${JSON.parse(places['Events']!).length} Events and the statuses`);
  });
});
