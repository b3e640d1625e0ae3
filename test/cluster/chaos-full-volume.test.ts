// Kubernetes faults for the chaos suite (issue 10): full volumes. The PVCs are of the harness's
// `process-local-sized` StorageClass, whose volumes are a tmpfs of the claimed size, so the
// filesystem really fills (ENOSPC).
// Dumps volume: a SearchDump that does not fit ends Failed with the engine's
// no_space_left_on_device in its status and an Event, leaves no partial file, and leaves the
// instance Ready with every document; once space is freed a new SearchDump succeeds.
// Data volume: writes are refused with no_space_left_on_device, the instance's StorageFull
// condition and a Warning Event say why, it stays Ready and serves every acknowledged document;
// once space is freed writes succeed and the condition goes; a new pod finds everything.
import { readdirSync, rmSync, statSync, statfsSync, truncateSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoreV1Event, V1PersistentVolume, V1PersistentVolumeClaim, V1Pod } from '@kubernetes/client-node';
import { openDump } from '../../engine/src/dump/reader.ts';
import { SEARCHDUMPS } from '../../operator/src/controllers/search-dump/resource-types.ts';
import { EVENTS, PODS, PVCS } from '../../operator/src/kube/resource.ts';
import { STORAGE_FULL_CONDITION } from '../../operator/src/controllers/search-instance/storage-full.ts';
import { SIZED_STORAGE_CLASS } from '../harness/kubelet/provisioner.ts';
import { eventually, isPodReady, useNamespace } from '../harness/testing.ts';
import { NO_SPACE, freeBytes, isMountPoint, mountSmallVolume, writeZeros } from '../helpers/small-volume.ts';
import type { Api } from '../helpers/http-client.ts';
import { createDump, dumpFile, dumpsDir, engineApi, gone, waitForDump } from './operator-dumps-support.ts';
import { createInstance, getInstance, installCrds, kubeApi, startOperator, waitForPhase, type OperatorProcess } from './operator-support.ts';

const ns = useNamespace('chaos-volume');
const api = kubeApi();
let op: OperatorProcess;
const MiB = 1024 * 1024;
const DUMPS_VOLUME_MIB = 8;
// Random words: a dump of these is ~1.5 MB, and the engine writes its ~4.5 MB of sections first.
const DOCS = 40_000;
const FILLER = 'old-backup.bin';
const DATA_VOLUME_MIB = 24;

function randomBooks(from: number, size: number): Array<{ id: number; title: string; body: string }> {
  return Array.from({ length: size }, (_, i) => ({
    id: from + i,
    title: `book ${from + i}`,
    body: Array.from({ length: 4 }, () => Math.random().toString(36).slice(2)).join(' '),
  }));
}

async function addRandomDocuments(engine: Api, count: number): Promise<void> {
  for (let from = 0; from < count; from += 10_000) {
    const documents = randomBooks(from, 10_000);
    const task = await engine.run(engine.post('/indexes/books/documents', documents));
    if (task.status !== 'succeeded') throw new Error(`adding documents: ${JSON.stringify(task.error)}`);
  }
}

function totalBytes(dir: string): number {
  const stats = statfsSync(dir);
  return stats.blocks * stats.bsize;
}

async function countDumpDocuments(file: string): Promise<number> {
  const reader = await openDump(file);
  let documents = 0;
  try {
    for await (const index of reader.indexes()) for await (const _ of index.documents()) documents += 1;
  } finally {
    await reader.close();
  }
  return documents;
}

beforeAll(async () => {
  // The provisioner mounts the sized volumes; say so here if this machine cannot, rather than
  // leave the claim Pending until a timeout.
  mountSmallVolume('cluster-probe', MiB).unmount();
  await installCrds(api);
  // Stats (and the engine's newest write, behind StorageFull) every 2 s instead of every minute.
  op = await startOperator(ns.name, ['--resync-period=30', '--stats-interval=2'], 'chaos-volume');
  await createInstance(api, ns.name, 'tight', { dumps: { size: `${DUMPS_VOLUME_MIB}Mi`, storageClassName: SIZED_STORAGE_CLASS } });
  await createInstance(api, ns.name, 'crowded', { storage: { size: `${DATA_VOLUME_MIB}Mi`, storageClassName: SIZED_STORAGE_CLASS } });
  await waitForPhase(api, ns.name, 'tight', 'Ready', 120_000);
  await waitForPhase(api, ns.name, 'crowded', 'Ready', 120_000);
  await addRandomDocuments(await engineApi(api, ns.name, 'tight'), DOCS);
});

afterAll(async () => {
  await op?.stop();
});

describe('full dumps volume', () => {
  it('a SearchDump that does not fit ends Failed with no_space_left_on_device, leaves no partial file, and the next one succeeds once space is freed', async () => {
    const dir = await dumpsDir(api, ns.name, 'tight');
    expect(isMountPoint(dir), `${dir} is a size-limited mount`).toBe(true);
    expect(totalBytes(dir)).toBe(DUMPS_VOLUME_MIB * MiB);

    await createDump(api, ns.name, 'first', 'tight');
    const first = await waitForDump(api, ns.name, 'first', 'Succeeded', 120_000);

    // Something else takes the volume down to 1 MiB free: less than this dump needs.
    writeZeros(path.join(dir, FILLER), freeBytes(dir) - MiB);
    const before = readdirSync(dir).sort();
    const freeBefore = freeBytes(dir);
    await createDump(api, ns.name, 'no-room', 'tight');
    const failed = await waitForDump(api, ns.name, 'no-room', 'Failed', 120_000);
    expect(failed.status?.error).toMatch(/no space left on device.*\(no_space_left_on_device\)$/i);
    expect(failed.status?.conditions?.[0]).toMatchObject({ type: 'Ready', status: 'False', reason: 'EngineTaskFailed', message: failed.status?.error });
    const event = await eventually('a Failed event', async () => {
      const events = (await api.list<CoreV1Event>(EVENTS, ns.name)).items;
      return events.find((e) => e.involvedObject?.name === 'no-room' && e.reason === 'Failed');
    }, 30_000);
    expect(event).toMatchObject({ type: 'Warning', message: failed.status?.error });
    expect(readdirSync(dir).sort(), 'no partial dump and no temporary file on the volume').toEqual(before);
    expect(freeBytes(dir), 'the space the dump took is back').toBe(freeBefore);

    const si = await waitForPhase(api, ns.name, 'tight', 'Ready', 60_000);
    const engine = await engineApi(api, ns.name, 'tight');
    expect((await engine.get('/indexes/books/stats')).body.numberOfDocuments).toBe(DOCS);
    expect((await engine.post('/indexes/books/search', { q: 'book', limit: 1 })).body.hits).toHaveLength(1);

    // Free the volume: the old dump through its SearchDump (deletionPolicy Delete), the other file by hand.
    await api.delete(SEARCHDUMPS, ns.name, 'first');
    await eventually('SearchDump first gone', () => gone(api, SEARCHDUMPS, ns.name, 'first'), 30_000);
    expect(readdirSync(dir)).not.toContain(`${first.status!.dumpUid}.dump`);
    rmSync(path.join(dir, FILLER));
    await createDump(api, ns.name, 'after', 'tight');
    const after = await waitForDump(api, ns.name, 'after', 'Succeeded', 120_000);
    expect(readdirSync(dir)).toEqual([`${after.status!.dumpUid}.dump`]);
    expect(await countDumpDocuments(dumpFile(dir, after.status!.dumpUid!))).toBe(DOCS);
    console.log(`full dumps volume: ${DUMPS_VOLUME_MIB} MiB tmpfs PVC (${SIZED_STORAGE_CLASS}); ${DOCS} documents, dump ${first.status!.sizeBytes} bytes; with 1 MiB free the SearchDump failed: "${failed.status?.error}" (status, Ready=False EngineTaskFailed, Warning event); volume unchanged; instance ${si.status?.phase} with ${DOCS} documents; after deleting the old dump and the filler a new SearchDump succeeded (${after.status!.sizeBytes} bytes, ${DOCS} documents)`);
  });
});

/** The local directory behind an instance's data PVC. */
async function dataDir(name: string): Promise<string> {
  const pvc = await api.get<V1PersistentVolumeClaim>(PVCS, ns.name, `${name}-data`);
  const pv = await api.get<V1PersistentVolume>({ group: '', version: 'v1', plural: 'persistentvolumes', kind: 'PersistentVolume', namespaced: false }, undefined, pvc.spec!.volumeName!);
  return pv.spec!.hostPath!.path;
}

async function storageFull(name: string): Promise<{ status?: string; reason?: string; message?: string } | undefined> {
  return (await getInstance(api, ns.name, name)).status?.conditions?.find((c) => c.type === STORAGE_FULL_CONDITION);
}

async function eventFor(name: string, reason: string): Promise<CoreV1Event | undefined> {
  return (await api.list<CoreV1Event>(EVENTS, ns.name)).items.find((e) => e.involvedObject?.name === name && e.reason === reason);
}

describe('full data volume', () => {
  it('refuses writes with no_space_left_on_device, says so in a StorageFull condition and an Event, loses nothing, and recovers once space is freed', async () => {
    const dir = await dataDir('crowded');
    expect(isMountPoint(dir), `${dir} is a size-limited mount`).toBe(true);
    writeZeros(path.join(dir, FILLER), 4 * MiB);
    let engine = await engineApi(api, ns.name, 'crowded');

    // Batches until a task fails for lack of space. A batch refused at enqueue (422) leaves no
    // task for the operator to see, so the filler then gives back a little more than the batch's
    // payload: the payload fits, its indexing (the documents written next to it) does not.
    // (Halving the batch instead could leave the volume too full for even the smallest payload.)
    const filler = path.join(dir, FILLER);
    const size = 1_000;
    let stored = 0;
    let refusedAtEnqueue = 0;
    let failedTask: { uid: number; error: unknown } | undefined;
    for (let attempt = 0; attempt < 400 && !failedTask; attempt += 1) {
      const books = randomBooks(stored, size);
      const response = await engine.post('/indexes/books/documents', books);
      if (response.status !== 202) {
        expect({ status: response.status, body: response.body }, 'a refused enqueue').toEqual({ status: 422, body: NO_SPACE });
        refusedAtEnqueue += 1;
        const giveBack = Math.ceil(JSON.stringify(books).length * 1.1);
        expect(statSync(filler).size, 'the filler has room left to give back').toBeGreaterThan(giveBack);
        truncateSync(filler, statSync(filler).size - giveBack);
        continue;
      }
      const task = await engine.waitTask(response.body.taskUid, 120_000);
      if (task.status === 'succeeded') stored += size;
      else failedTask = task;
    }
    expect(failedTask, `no write failed on the ${DATA_VOLUME_MIB} MiB data volume`).toBeDefined();
    expect(failedTask!.error).toEqual(NO_SPACE);

    const condition = await eventually('StorageFull True', async () => {
      const c = await storageFull('crowded');
      return c?.status === 'True' ? c : undefined;
    }, 60_000);
    expect(condition.reason).toBe('NoSpaceLeftOnDevice');
    expect(condition.message).toContain(`task ${failedTask!.uid} failed`);
    expect(condition.message).toContain('PVC crowded-data');
    const warning = await eventually('a StorageFull event', () => eventFor('crowded', 'StorageFull'), 30_000);
    expect(warning.type).toBe('Warning');
    const si = await getInstance(api, ns.name, 'crowded');
    expect(si.status?.phase).toBe('Ready');
    const pod = await api.get<V1Pod>(PODS, ns.name, 'crowded-0');
    expect(pod.status?.containerStatuses?.[0]?.restartCount, 'the engine did not crash').toBe(0);
    expect((await engine.get('/indexes/books/stats')).body.numberOfDocuments).toBe(stored);
    expect((await engine.post('/indexes/books/search', { q: 'book', limit: 1 })).body.hits).toHaveLength(1);

    rmSync(path.join(dir, FILLER));
    const after = await engine.run(engine.post('/indexes/books/documents', randomBooks(stored, 1_000)));
    expect({ status: after.status, error: after.error }, 'a write once space is freed').toEqual({ status: 'succeeded', error: null });
    stored += 1_000;
    await eventually('StorageFull gone', async () => (await storageFull('crowded')) === undefined, 60_000);
    expect((await eventually('a StorageAvailable event', () => eventFor('crowded', 'StorageAvailable'), 30_000)).type).toBe('Normal');

    // A new pod on the same volume opens the database with everything acknowledged.
    await api.delete(PODS, ns.name, 'crowded-0');
    await eventually('a new crowded-0 Ready', async () => {
      const current = await api.get<V1Pod>(PODS, ns.name, 'crowded-0').catch(() => undefined);
      return current && current.metadata?.uid !== pod.metadata?.uid && isPodReady(current);
    }, 120_000);
    engine = await engineApi(api, ns.name, 'crowded');
    expect((await engine.get('/indexes/books/stats')).body.numberOfDocuments).toBe(stored);
    console.log(`full data volume: ${DATA_VOLUME_MIB} MiB tmpfs PVC (${SIZED_STORAGE_CLASS}, 4 MiB filler); ${stored - 1_000} documents stored, then ${refusedAtEnqueue} enqueue(s) refused with 422 and task ${failedTask!.uid} failed with no_space_left_on_device; StorageFull: "${condition.message}"; instance Ready, pod never restarted; after deleting the filler a write succeeded, the condition went (StorageAvailable event); a new pod found all ${stored} documents`);
  });
});
