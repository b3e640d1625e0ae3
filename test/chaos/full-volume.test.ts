/**
 * A really full disk (a size-limited tmpfs: the kernel answers ENOSPC), under the database and
 * under the dump directory of a real engine process. Issue 10: each ends in a correct, explained
 * state with no data lost.
 *
 * Database volume: documents are added until the volume refuses. The write that does not fit is
 * refused with Meilisearch's `no_space_left_on_device` (system, 422), either at enqueue or as its
 * task's error; the process stays up, searches go on, every acknowledged task and document is
 * intact; once a filler file is deleted new writes succeed, and a restart finds everything.
 *
 * Dump volume: a dump larger than the free space fails its task with the same code, leaves no
 * `.dump` and no temporary file (the space comes back), and a later dump succeeds once there is room.
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDump } from '../../engine/src/dump/reader.ts';
import { startEngine, tempDir, type EngineProcess } from '../helpers/engine-process.ts';
import { Api } from '../helpers/http-client.ts';
import { NO_SPACE, mountSmallVolume, type SmallVolume } from '../helpers/small-volume.ts';
import { count, report } from './scale.ts';

const MiB = 1024 * 1024;
const DB_VOLUME_MIB = count('full_volume_db_mib', 64, 32);
const FILLER_MIB = 4;
const BATCH = 1_000;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A temp directory removed after the test (after the engines using it have stopped). */
function scratchDir(prefix: string): string {
  const dir = tempDir(prefix);
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function volume(prefix: string, mib: number): SmallVolume {
  const mounted = mountSmallVolume(prefix, mib * MiB);
  cleanups.push(() => mounted.unmount());
  return mounted;
}

async function engineOn(options: { dbPath: string; dumpDir: string }): Promise<EngineProcess> {
  // The log stays off the volumes under test: a log that cannot be written is another story.
  const engine = await startEngine({ ...options, logFile: join(scratchDir('full-volume-log'), 'engine.log') });
  cleanups.push(() => engine.stop());
  return engine;
}

/** Words that repeat (so a search finds them) plus noise that neither compresses nor dedups. */
function books(from: number, size: number): Array<{ id: number; title: string; body: string }> {
  return Array.from({ length: size }, (_, i) => ({
    id: from + i,
    title: `book ${from + i} shelf${(from + i) % 50}`,
    body: `lorem ipsum dolor ${Array.from({ length: 4 }, () => Math.random().toString(36).slice(2)).join(' ')}`,
  }));
}

async function expectDocuments(api: Api, ids: number[], context: string): Promise<void> {
  const stats = await api.get('/indexes/books/stats');
  expect(stats.status, context).toBe(200);
  expect(stats.body.numberOfDocuments, `${context}: documents`).toBe(ids.length);
  // Every acknowledged batch's first and last document, by id.
  for (let i = 0; i < ids.length; i += BATCH) {
    for (const id of [ids[i]!, ids[Math.min(i + BATCH, ids.length) - 1]!]) {
      expect((await api.get(`/indexes/books/documents/${id}`)).status, `${context}: document ${id}`).toBe(200);
    }
  }
  await expectSearchFinds(api, ids[ids.length - 1]!, context);
}

/**
 * The number's own word matches a few dozen documents (typos and prefixes); all of them are
 * asked for, since what is checked is that the document is searchable, not its rank (the exact
 * number is not always ranked first: see the issue 10 note).
 */
async function expectSearchFinds(api: Api, id: number, context: string): Promise<void> {
  const search = await api.post('/indexes/books/search', { q: String(id), limit: 1000 });
  expect(search.status, `${context}: search`).toBe(200);
  expect(search.body.hits.map((hit: { id: number }) => hit.id), `${context}: search for ${id}`).toContain(id);
}

describe('full database volume', () => {
  it(`refuses what does not fit on a ${DB_VOLUME_MIB} MiB volume with no_space_left_on_device, loses nothing acknowledged, recovers when space is freed`, async () => {
    const vol = volume('full-db', DB_VOLUME_MIB);
    expect(vol.fill('filler', FILLER_MIB * MiB)).toBe(FILLER_MIB * MiB);
    const dbPath = join(vol.dir, 'data.ms');
    const dumpDir = join(scratchDir('full-db-dumps'), 'dumps');
    let engine = await engineOn({ dbPath, dumpDir });
    let api = new Api(engine.url);

    const stored: number[] = [];
    const refusals: string[] = [];
    let nextId = 0;
    const started = Date.now();
    // Enough batches to fill the volume several times over: the loop ends at the first refusal.
    for (let batch = 0; batch < DB_VOLUME_MIB * 16 && refusals.length === 0; batch += 1) {
      const documents = books(nextId, BATCH);
      nextId += BATCH;
      const response = await api.post('/indexes/books/documents', documents);
      if (response.status !== 202) {
        expect({ status: response.status, body: response.body }, 'a refused enqueue').toEqual({ status: 422, body: NO_SPACE });
        refusals.push('enqueue answered 422');
        continue;
      }
      const task = await api.waitTask(response.body.taskUid, 120_000);
      if (task.status === 'succeeded') stored.push(...documents.map((document) => document.id));
      else {
        expect({ status: task.status, error: task.error }, `task ${task.uid}`).toEqual({ status: 'failed', error: NO_SPACE });
        refusals.push(`task ${task.uid} failed`);
      }
    }
    const fillSeconds = (Date.now() - started) / 1000;
    expect(refusals, `the ${DB_VOLUME_MIB} MiB volume never filled`).toHaveLength(1);
    expect(vol.freeBytes(), 'the volume is full').toBeLessThan(MiB);

    // Still up and serving; nothing acknowledged is lost; the full disk is said, not a 500.
    expect((await api.get('/health')).status).toBe(200);
    await expectDocuments(api, stored, 'on the full volume');
    const failedTasks = await api.get('/tasks?statuses=failed');
    for (const task of failedTasks.body.results) expect(task.error, `task ${task.uid}`).toEqual(NO_SPACE);
    // A settings update rewrites no document here but is a write too: done, or refused the same way.
    const settings = await api.patch('/indexes/books/settings', { filterableAttributes: ['id'] });
    let settingsOutcome = `refused at enqueue (${settings.status})`;
    if (settings.status === 202) {
      const task = await api.waitTask(settings.body.taskUid, 120_000);
      settingsOutcome = task.status === 'succeeded' ? 'succeeded' : `task ${task.status}`;
      if (task.status !== 'succeeded') expect(task.error, 'a settings update on the full volume').toEqual(NO_SPACE);
    } else expect({ status: settings.status, body: settings.body }).toEqual({ status: 422, body: NO_SPACE });

    // Space freed: the same kind of write goes through.
    vol.remove('filler');
    const after = books(nextId, BATCH);
    nextId += BATCH;
    const task = await api.run(api.post('/indexes/books/documents', after));
    expect({ status: task.status, error: task.error }, 'a write after space was freed').toEqual({ status: 'succeeded', error: null });
    stored.push(...after.map((document) => document.id));
    const tasks = (await api.get('/tasks?limit=1000')).body.results as Array<{ uid: number; status: string }>;
    await expectDocuments(api, stored, 'after freeing space');

    await engine.stop();
    engine = await engineOn({ dbPath, dumpDir });
    api = new Api(engine.url);
    await expectDocuments(api, stored, 'after a restart');
    for (const before of tasks) expect((await api.get(`/tasks/${before.uid}`)).body.status, `task ${before.uid} after a restart`).toBe(before.status);
    report(`full database volume: ${DB_VOLUME_MIB} MiB tmpfs (${FILLER_MIB} MiB filler) full after ${stored.length - BATCH} documents in ${fillSeconds.toFixed(1)} s; ${refusals[0]} with no_space_left_on_device; process up, search and ${stored.length - BATCH} documents intact; a settings update on the full volume: ${settingsOutcome}; after deleting the filler a ${BATCH}-document batch succeeded; ${stored.length} documents and ${tasks.length} tasks unchanged after a restart`);
  });
});

describe('full dumps volume', () => {
  it('fails the dump task with no_space_left_on_device, leaves nothing on the volume, and dumps once there is room', async () => {
    const DOCUMENTS = count('full_volume_dump_docs', 40_000, 20_000);
    const vol = volume('full-dumps', 64);
    const dbPath = join(scratchDir('full-dumps-db'), 'data.ms');
    const engine = await engineOn({ dbPath, dumpDir: vol.dir });
    const api = new Api(engine.url);
    for (let from = 0; from < DOCUMENTS; from += 10_000) {
      const task = await api.run(api.post('/indexes/books/documents', books(from, 10_000)));
      expect(task.status).toBe('succeeded');
    }
    // A filler leaves 1 MiB: less than the dump file, and far less than its sections before packing.
    vol.fill('filler', vol.freeBytes() - MiB);
    const freeBefore = vol.freeBytes();
    const failed = await api.run(api.post('/dumps'));
    expect({ status: failed.status, code: failed.error?.code, type: failed.error?.type }).toEqual({ status: 'failed', code: 'no_space_left_on_device', type: 'system' });
    expect(failed.error.message).toMatch(/no space left on device/i);
    expect(readdirSync(vol.dir), 'no partial dump, no temporary file').toEqual(['filler']);
    expect(vol.freeBytes(), 'the space the dump took is back').toBe(freeBefore);
    expect((await api.get('/health')).status).toBe(200);
    await expectSearchFinds(api, DOCUMENTS - 1, 'after the failed dump');
    expect((await api.get('/dumps')).body.results).toEqual([]);

    vol.remove('filler');
    const done = await api.run(api.post('/dumps'));
    expect({ status: done.status, error: done.error }).toEqual({ status: 'succeeded', error: null });
    const file = `${done.details.dumpUid}.dump`;
    expect(readdirSync(vol.dir)).toEqual([file]);
    const reader = await openDump(join(vol.dir, file));
    let documents = 0;
    try {
      for await (const index of reader.indexes()) for await (const _ of index.documents()) documents += 1;
    } finally {
      await reader.close();
    }
    expect(documents).toBe(DOCUMENTS);
    report(`full dumps volume: dump of ${DOCUMENTS} documents with 1 MiB free failed (${failed.error.code}: ${failed.error.message}); volume left as it was; after deleting the filler the dump succeeded (${Math.round((vol.sizeBytes - vol.freeBytes()) / 1024)} KiB file, ${documents} documents)`);
  });
});
