// Kubernetes faults for the chaos suite (issue 10): a full dumps volume. The instance's dumps PVC
// is of the harness's `process-local-sized` StorageClass, whose volumes are a tmpfs of the claimed
// size, so the filesystem really fills (ENOSPC). A SearchDump that does not fit must end Failed
// with the engine's no_space_left_on_device in its status and an Event, leave no partial file,
// and leave the instance Ready with every document; once space is freed a new SearchDump succeeds.
import { readdirSync, rmSync, statfsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoreV1Event } from '@kubernetes/client-node';
import { openDump } from '../../engine/src/dump/reader.ts';
import { SEARCHDUMPS } from '../../operator/src/controllers/search-dump/resource-types.ts';
import { EVENTS } from '../../operator/src/kube/resource.ts';
import { SIZED_STORAGE_CLASS } from '../harness/kubelet/provisioner.ts';
import { eventually, useNamespace } from '../harness/testing.ts';
import { freeBytes, isMountPoint, mountSmallVolume, writeZeros } from '../helpers/small-volume.ts';
import type { Api } from '../helpers/http-client.ts';
import { createDump, dumpFile, dumpsDir, engineApi, gone, waitForDump } from './operator-dumps-support.ts';
import { createInstance, installCrds, kubeApi, startOperator, waitForPhase, type OperatorProcess } from './operator-support.ts';

const ns = useNamespace('chaos-volume');
const api = kubeApi();
let op: OperatorProcess;
const MiB = 1024 * 1024;
const DUMPS_VOLUME_MIB = 8;
// Random words: a dump of these is ~1.5 MB, and the engine writes its ~4.5 MB of sections first.
const DOCS = 40_000;
const FILLER = 'old-backup.bin';

async function addRandomDocuments(engine: Api, count: number): Promise<void> {
  for (let from = 0; from < count; from += 10_000) {
    const documents = Array.from({ length: 10_000 }, (_, i) => ({
      id: from + i,
      title: `book ${from + i}`,
      body: Array.from({ length: 4 }, () => Math.random().toString(36).slice(2)).join(' '),
    }));
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
  op = await startOperator(ns.name, ['--resync-period=30'], 'chaos-volume');
  await createInstance(api, ns.name, 'tight', { dumps: { size: `${DUMPS_VOLUME_MIB}Mi`, storageClassName: SIZED_STORAGE_CLASS } });
  await waitForPhase(api, ns.name, 'tight', 'Ready', 120_000);
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
