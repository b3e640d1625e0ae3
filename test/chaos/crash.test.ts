/**
 * SIGKILL of real engine processes at random moments, while indexing, while dumping and while
 * importing a dump. Builds on test/engine/crash.test.ts (one kill after a burst of additions)
 * and the dump kill tests (test/engine/dumps.test.ts, engine/src/dump/kill.test.ts): here the
 * kills are many, land while requests are still in flight, and every 202 is tracked.
 *
 * Invariants after every kill: the database opens; every acknowledged task is still known and
 * ends `succeeded`; the documents of every acknowledged addition are there; every visible
 * `<dumpUid>.dump` reads whole; a killed import leaves `<db-path>` absent or whole and
 * `<db-path>.importing` is gone after the next start.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { openDump } from '../../engine/src/dump/reader.ts';
import { startEngine, tempDir, type EngineProcess } from '../helpers/engine-process.ts';
import { Api } from '../helpers/http-client.ts';
import { count, report } from './scale.ts';

const KILLS_INDEXING = count('kills_indexing', 50, 5);
const KILLS_DUMPING = count('kills_dumping', 50, 5);
const KILLS_IMPORTING = count('kills_importing', 20, 3);
const WHOLE_DUMP = /^\d{8}-\d{9}\.dump$/;

/** Random integer in [min, max). */
const between = (min: number, max: number): number => min + Math.floor(Math.random() * (max - min));

/** Every task in `acknowledged` must be known after a restart, then end `succeeded`. */
async function expectAllSucceeded(api: Api, acknowledged: Iterable<number>, context: string): Promise<void> {
  for (const uid of acknowledged) {
    const known = await api.get(`/tasks/${uid}`);
    expect(known.status, `${context}: acknowledged task ${uid} lost`).toBe(200);
  }
  for (const uid of acknowledged) {
    const task = await api.waitTask(uid, 300_000);
    expect(task.status, `${context}: task ${uid} ${JSON.stringify(task.error)}`).toBe('succeeded');
  }
}

async function countDumpDocuments(path: string): Promise<number> {
  const reader = await openDump(path);
  try {
    let documents = 0;
    for await (const _key of reader.keys());
    for await (const task of reader.tasks()) if (task.payload) for await (const _doc of task.payload());
    for await (const index of reader.indexes()) for await (const _doc of index.documents()) documents += 1;
    return documents;
  } finally {
    await reader.close();
  }
}

describe('SIGKILL while indexing', () => {
  it(`loses no acknowledged task over ${KILLS_INDEXING} kills with additions, updates and deletions in flight`, async () => {
    const dir = tempDir('chaos-index');
    const dbPath = join(dir, 'db');
    const dumpDir = join(dir, 'dumps');
    const acknowledged = new Map<number, { kind: string; ids: number[] }>();
    const present = new Set<number>(); // ids whose acknowledged addition was never followed by an acknowledged deletion
    let nextId = 0;
    let sent = 0;
    let refused = 0; // requests cut by the kill: never acknowledged, so they may or may not have landed
    const maybe = new Set<number>();
    const delays: number[] = [];
    const pendingAtKill: number[] = [];
    for (let round = 0; round < KILLS_INDEXING; round += 1) {
      const engine = await startEngine({ dbPath, dumpDir });
      const api = new Api(engine.url);
      // Every task acknowledged before the previous kill is still known, whatever its state.
      for (const uid of acknowledged.keys()) expect((await api.get(`/tasks/${uid}`)).status, `round ${round}: task ${uid} lost`).toBe(200);
      // Writers: additions of fresh ids (the bulk), plus an update and a deletion now and then,
      // sent back to back by three concurrent clients until the kill cuts them.
      let stop = false;
      const writer = async (): Promise<void> => {
        while (!stop) {
          const roll = Math.random();
          const ids: number[] = [];
          let call: Promise<{ status: number; body: any }>;
          let kind: string;
          if (roll < 0.1 && present.size > 0) {
            const victim = [...present][between(0, present.size)]!;
            ids.push(victim);
            kind = 'delete';
            call = api.delete(`/indexes/chaos/documents/${victim}`);
          } else if (roll < 0.2 && present.size > 0) {
            kind = 'settings';
            call = api.patch('/indexes/chaos/settings', { filterableAttributes: Math.random() < 0.5 ? ['n'] : ['n', 'tag'] });
          } else {
            kind = 'add';
            const size = between(200, 3_000);
            for (let i = 0; i < size; i += 1) ids.push(nextId++);
            call = api.post('/indexes/chaos/documents', ids.map((id) => ({ id, n: id % 97, tag: `t${id % 13}`, text: `document ${id} of round ${round} `.repeat(3) })));
          }
          sent += 1;
          try {
            const response = await call;
            if (response.status !== 202) throw new Error(`${kind}: ${response.status} ${JSON.stringify(response.body)}`);
            acknowledged.set(response.body.taskUid, { kind, ids });
            if (kind === 'add') for (const id of ids) present.add(id);
            if (kind === 'delete') { present.delete(ids[0]!); maybe.add(ids[0]!); }
          } catch (error) {
            if (!stop) throw error;
            refused += 1;
            // A cut addition may have landed, and so may a cut deletion.
            for (const id of ids) maybe.add(id);
            return;
          }
        }
      };
      const writers = [writer(), writer(), writer()];
      const delay = between(50, 1_500);
      delays.push(delay);
      await sleep(delay);
      const tasks = await api.get('/tasks?statuses=enqueued,processing&limit=0');
      pendingAtKill.push(tasks.body.total ?? 0);
      stop = true;
      await engine.kill();
      await Promise.all(writers);
    }
    const engine = await startEngine({ dbPath, dumpDir });
    try {
      const api = new Api(engine.url);
      await expectAllSucceeded(api, acknowledged.keys(), 'after the last kill');
      // Every acknowledged addition is there (unless an acknowledged deletion removed it later).
      const ids = [...present].filter((id) => !maybe.has(id));
      for (let start = 0; start < ids.length; start += 1_000) {
        const slice = ids.slice(start, start + 1_000).map(String);
        const fetched = await api.post('/indexes/chaos/documents/fetch', { ids: slice, limit: 1_000, fields: ['id'] });
        expect(fetched.status).toBe(200);
        expect(fetched.body.results.length, `documents of acknowledged additions ${slice[0]}..`).toBe(slice.length);
      }
      const stats = (await api.get('/indexes/chaos/stats')).body;
      expect(stats.numberOfDocuments).toBeGreaterThanOrEqual(ids.length);
      expect(stats.numberOfDocuments).toBeLessThanOrEqual(present.size + maybe.size);
      // Some kills must have landed while the worker had a backlog, or this proved nothing.
      expect(pendingAtKill.some((pending) => pending > 0)).toBe(true);
      report(`indexing: ${KILLS_INDEXING} SIGKILLs (delays ${Math.min(...delays)}-${Math.max(...delays)} ms), ${sent} write requests, ${acknowledged.size} acknowledged and all succeeded after restart, ${refused} cut by a kill, tasks pending at the kill: median ${pendingAtKill.sort((a, b) => a - b)[pendingAtKill.length >> 1]}, max ${Math.max(...pendingAtKill)}; ${stats.numberOfDocuments} documents`);
    } finally {
      await engine.stop();
    }
  }, 1_800_000);
});

describe('SIGKILL while dumping', () => {
  it(`never shows a partial dump and loses no dump task over ${KILLS_DUMPING} kills`, async () => {
    const dir = tempDir('chaos-dump');
    const dbPath = join(dir, 'db');
    const dumpDir = join(dir, 'dumps');
    mkdirSync(dumpDir);
    const DOCUMENTS = 20_000;
    let engine: EngineProcess = await startEngine({ dbPath, dumpDir });
    let api = new Api(engine.url);
    await api.run(api.post('/indexes/d/documents', Array.from({ length: DOCUMENTS }, (_, i) => ({ id: i, text: `text ${i} `.repeat(6) }))));
    const acknowledged = new Set<number>();
    const verified = new Map<string, number>();
    let killsWithLeftovers = 0;
    let dumpsSeen = 0;
    try {
      for (let round = 0; round < KILLS_DUMPING; round += 1) {
        const response = await api.post('/dumps');
        expect(response.status).toBe(202);
        acknowledged.add(response.body.taskUid);
        if (round % 2 === 0) {
          // Every other round aims at the write itself: once the task is processing, within
          // 0-40 ms (the write lasts about 100-200 ms); the others land anywhere in 0-600 ms.
          for (let i = 0; i < 200 && (await api.get(`/tasks/${response.body.taskUid}`)).body.status === 'enqueued'; i += 1) await sleep(2);
          await sleep(between(0, 40));
        } else {
          await sleep(between(0, 600));
        }
        await engine.kill();
        const names = readdirSync(dumpDir);
        if (names.some((name) => !WHOLE_DUMP.test(name))) killsWithLeftovers += 1;
        for (const name of names.filter((n) => WHOLE_DUMP.test(n) && !verified.has(n))) {
          expect(await countDumpDocuments(join(dumpDir, name)), `${name} (round ${round})`).toBe(DOCUMENTS);
          verified.set(name, round);
          dumpsSeen += 1;
        }
        engine = await startEngine({ dbPath, dumpDir });
        api = new Api(engine.url);
        for (const uid of acknowledged) expect((await api.get(`/tasks/${uid}`)).status, `dump task ${uid} lost`).toBe(200);
        // Leftovers of the killed writer are removed at start; only whole dumps remain.
      }
      await expectAllSucceeded(api, acknowledged, 'dump tasks');
      await engine.stop();
      const final = readdirSync(dumpDir);
      engine = await startEngine({ dbPath, dumpDir });
      expect(readdirSync(dumpDir).filter((name) => !WHOLE_DUMP.test(name)), `leftovers in ${final.join(',')}`).toEqual([]);
      for (const name of readdirSync(dumpDir).filter((n) => !verified.has(n))) expect(await countDumpDocuments(join(dumpDir, name)), name).toBe(DOCUMENTS);
      expect(killsWithLeftovers, 'no kill landed mid-write').toBeGreaterThan(0);
      report(`dumping: ${KILLS_DUMPING} SIGKILLs, ${killsWithLeftovers} landed mid-write (leftovers removed at the next start), ${dumpsSeen} dumps visible between kills all whole, ${acknowledged.size} dump tasks acknowledged and all succeeded, ${readdirSync(dumpDir).length} dumps at the end`);
    } finally {
      await engine.stop();
    }
  }, 1_800_000);
});

describe('SIGKILL while importing', () => {
  it(`leaves no half database over ${KILLS_IMPORTING} kills during --import-dump`, async () => {
    const dir = tempDir('chaos-import');
    const source = await startEngine({ dbPath: join(dir, 'source'), dumpDir: join(dir, 'dumps') });
    const sourceApi = new Api(source.url);
    const DOCUMENTS = 60_000;
    await sourceApi.run(sourceApi.post('/indexes/a/documents', Array.from({ length: DOCUMENTS / 2 }, (_, i) => ({ id: i, text: `alpha ${i} `.repeat(5) }))));
    await sourceApi.run(sourceApi.post('/indexes/b/documents', Array.from({ length: DOCUMENTS / 2 }, (_, i) => ({ id: i, text: `beta ${i} `.repeat(5) }))));
    const dumpTask = await sourceApi.run(sourceApi.post('/dumps'));
    await source.stop();
    const dump = join(dir, 'dumps', `${dumpTask.details.dumpUid}.dump`);
    const dbPath = join(dir, 'target');
    // The import's length on this machine, to spread the kills over it.
    let started = Date.now();
    const timed = await startEngine({ dbPath: join(dir, 'timed'), dumpDir: join(dir, 'dumps'), args: ['--import-dump', dump] });
    const importMs = Date.now() - started;
    await timed.stop();
    const outcomes = { absent: 0, whole: 0 };
    const args = ['--import-dump', dump, '--ignore-dump-if-db-exists'];
    for (let round = 0; round < KILLS_IMPORTING; round += 1) {
      started = Date.now();
      const engine = await startEngine({ dbPath, dumpDir: join(dir, 'dumps'), args, waitFor: 'nothing' });
      // Every other round within the first 60% of the import's length, the others anywhere.
      await sleep(between(0, round % 2 === 0 ? importMs * 0.6 : importMs + 200));
      await engine.kill();
      if (existsSync(dbPath)) {
        // Whole or absent: when present it opens with every document.
        outcomes.whole += 1;
        const check = await startEngine({ dbPath, dumpDir: join(dir, 'dumps') });
        const checkApi = new Api(check.url);
        expect((await checkApi.get('/indexes/a/stats')).body.numberOfDocuments, `round ${round}`).toBe(DOCUMENTS / 2);
        expect((await checkApi.get('/indexes/b/stats')).body.numberOfDocuments, `round ${round}`).toBe(DOCUMENTS / 2);
        await check.stop();
        expect(existsSync(`${dbPath}.importing`), 'leftover removed at the next start').toBe(false);
        // Next round imports again from nothing.
        await import('node:fs/promises').then(({ rm }) => rm(dbPath, { recursive: true, force: true }));
      } else {
        outcomes.absent += 1;
        // The next start removes the leftover and imports whole.
        const again = await startEngine({ dbPath, dumpDir: join(dir, 'dumps'), args });
        expect(existsSync(`${dbPath}.importing`), 'leftover removed').toBe(false);
        expect(readdirSync(dir).filter((name) => name.startsWith('searchkube-dump-')), 'extraction leftovers removed').toEqual([]);
        const againApi = new Api(again.url);
        expect((await againApi.get('/indexes/a/stats')).body.numberOfDocuments).toBe(DOCUMENTS / 2);
        expect((await againApi.get('/indexes/b/stats')).body.numberOfDocuments).toBe(DOCUMENTS / 2);
        await again.stop();
        await import('node:fs/promises').then(({ rm }) => rm(dbPath, { recursive: true, force: true }));
      }
    }
    expect(outcomes.absent, 'no kill landed mid-import').toBeGreaterThan(0);
    report(`importing: ${KILLS_IMPORTING} SIGKILLs over a ${DOCUMENTS}-document import of ${importMs} ms: ${outcomes.absent} left no database (re-imported whole at the next start, .importing removed), ${outcomes.whole} after the rename (database whole); never a half database`);
  }, 1_800_000);
});
