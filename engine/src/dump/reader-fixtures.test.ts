/**
 * Every real Meilisearch dump of shared/fixtures/meilisearch-dumps opens and yields what we
 * inspected in it (see the fixture README): versions, dates, instance uids, index uids, primary
 * keys, document counts, derived index dates (equal to Meilisearch's own snapshots), settings,
 * keys and tasks with their statuses and payloads.
 */
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Document } from '../types/document.ts';
import type { StoredKey } from '../types/key.ts';
import type { Task } from '../types/task.ts';
import { DumpError } from './errors.ts';
import { openDump, removeExtractionLeftovers, type DumpIndex, type DumpReader } from './reader.ts';

const FIXTURES = resolve(import.meta.dirname, '../../../../shared/fixtures/meilisearch-dumps');

interface Loaded {
  reader: DumpReader;
  keys: StoredKey[];
  tasks: Array<{ task: Task; payload: Document[] | null }>;
  indexes: Array<Omit<DumpIndex, 'documents'> & { documents: Document[] }>;
}

async function load(file: string): Promise<Loaded> {
  const reader = await openDump(join(FIXTURES, file));
  try {
    const keys: StoredKey[] = [];
    for await (const key of reader.keys()) keys.push(key);
    const tasks: Loaded['tasks'] = [];
    for await (const { task, payload } of reader.tasks()) {
      let documents: Document[] | null = null;
      if (payload) {
        documents = [];
        for await (const document of payload()) documents.push(document);
      }
      tasks.push({ task, payload: documents });
    }
    const indexes: Loaded['indexes'] = [];
    for await (const index of reader.indexes()) {
      const documents: Document[] = [];
      for await (const document of index.documents()) documents.push(document);
      indexes.push({ ...index, documents });
    }
    return { reader, keys, tasks, indexes };
  } finally {
    await reader.close();
  }
}

const byUid = (loaded: Loaded) => Object.fromEntries(loaded.indexes.map((i) => [i.uid, i]));
const statuses = (loaded: Loaded) => loaded.tasks.reduce<Record<string, number>>((acc, { task }) => ({ ...acc, [task.status]: (acc[task.status] ?? 0) + 1 }), {});
const counts = (loaded: Loaded) => Object.fromEntries(loaded.indexes.map((i) => [i.uid, i.documents.length]));
const PRIMARY_KEY_FAILURE = { code: 'index_primary_key_no_candidate_found', type: 'invalid_request', link: 'https://docs.meilisearch.com/errors#index_primary_key_no_candidate_found' };

describe('Meilisearch fixtures', () => {
  it('refuses V1 with a clear message', async () => {
    const error = await openDump(join(FIXTURES, 'v1.dump')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DumpError);
    expect((error as Error).message).toBe('cannot import dump v1.dump: dump version V1 (written by Meilisearch v0.20 and older) is not supported: '
      + 'import it into Meilisearch v0.21 to v0.24 first, create a new dump there, and import that dump');
  });

  it('V2 (v0.21.1): 4 indexes, renumbered updates, asc() ranking rules upgraded, JSON-array payload', async () => {
    const dump = await load('v2.dump');
    expect(dump.reader).toMatchObject({ version: 'V2', dbVersion: '0.21.1', dumpDate: '2022-10-09T20:27:59.904096267Z', instanceUid: null, totals: { indexes: 4, documents: 130 } });
    expect(counts(dump)).toEqual({ dnd_spells: 10, movies: 110, movies_2: 0, products: 10 });
    const { movies, products, dnd_spells: spells, movies_2: movies2 } = byUid(dump);
    expect(movies).toMatchObject({ primaryKey: 'id', createdAt: '2022-10-09T20:27:22.197788495Z', updatedAt: '2022-10-09T20:28:01.931110530Z' });
    expect(products).toMatchObject({ primaryKey: 'sku', createdAt: '2022-10-09T20:27:22.688964637Z', updatedAt: '2022-10-09T20:27:23.951017769Z' });
    expect(spells).toMatchObject({ primaryKey: 'index', createdAt: '2022-10-09T20:27:24.242683494Z', updatedAt: '2022-10-09T20:27:24.312809641Z' });
    expect(movies2).toMatchObject({ primaryKey: null, createdAt: '2022-10-09T20:27:59.904096267Z' }); // no finished update: the dump date
    expect(movies!.settings.rankingRules).toEqual(['words', 'typo', 'proximity', 'attribute', 'exactness', 'release_date:asc']);
    expect(products!.settings.synonyms).toEqual({ android: ['phone', 'smartphone'], iphone: ['phone', 'smartphone'], phone: ['android', 'iphone', 'smartphone'] });
    expect(movies!.settings.sortableAttributes).toEqual([]);
    expect(dump.keys).toEqual([]);
    expect(dump.tasks.map((t) => t.task.uid)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(statuses(dump)).toEqual({ enqueued: 1, succeeded: 6, failed: 2 });
    const [pending, settings, failed] = dump.tasks;
    expect(pending!.task).toMatchObject({ indexUid: 'movies_2', status: 'enqueued', type: 'documentAdditionOrUpdate', kind: { method: 'replace', documentsCount: 0 } });
    expect(pending!.payload).toHaveLength(200);
    expect(pending!.payload![0]).toMatchObject({ id: '287947', title: 'Shazam!' });
    expect(settings!.task).toMatchObject({ indexUid: 'products', type: 'settingsUpdate', details: { synonyms: { android: ['phone', 'smartphone'] } }, duration: 'PT0.078898523S' });
    expect(failed!.task.error).toEqual({ message: 'missing primary key', ...PRIMARY_KEY_FAILURE });
    expect(dump.tasks.filter((t) => t.payload !== null)).toHaveLength(1);
  });

  it('V3 (v0.24.0): 4 indexes, sortable attributes, NDJSON payload', async () => {
    const dump = await load('v3.dump');
    expect(dump.reader).toMatchObject({ version: 'V3', dbVersion: '0.24.0', dumpDate: '2022-10-07T11:39:03.709153554Z', instanceUid: null, totals: { indexes: 4, documents: 130 } });
    expect(counts(dump)).toEqual({ dnd_spells: 10, movies: 110, movies_2: 0, products: 10 });
    const { movies, products, dnd_spells: spells } = byUid(dump);
    expect(products).toMatchObject({ createdAt: '2022-10-07T11:38:54.743898990Z', updatedAt: '2022-10-07T11:38:55.963185778Z' });
    expect(movies).toMatchObject({ createdAt: '2022-10-07T11:38:54.026649575Z', updatedAt: '2022-10-07T11:39:04.188852537Z' });
    expect(spells).toMatchObject({ createdAt: '2022-10-07T11:38:56.265951133Z', updatedAt: '2022-10-07T11:38:56.521004328Z' });
    expect(movies!.settings).toMatchObject({ filterableAttributes: ['genres', 'id'], sortableAttributes: ['release_date'], rankingRules: ['words', 'typo', 'proximity', 'attribute', 'sort', 'exactness', 'release_date:asc'] });
    expect(statuses(dump)).toEqual({ enqueued: 1, succeeded: 7, failed: 2 });
    expect(dump.tasks.map((t) => t.task.uid)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(dump.tasks[0]!.task).toMatchObject({ indexUid: 'movies_2', status: 'enqueued' });
    expect(dump.tasks[0]!.payload).toHaveLength(200);
    expect(dump.tasks[6]!.task.error).toMatchObject({ message: expect.stringContaining('primary key inference process failed'), ...PRIMARY_KEY_FAILURE });
  });

  it('V4 (v0.27.2): 3 indexes, 2 keys re-uid\'d, event-log tasks newest first', async () => {
    const dump = await load('v4.dump');
    expect(dump.reader).toMatchObject({ version: 'V4', dbVersion: '0.27.2', dumpDate: '2022-10-06T12:53:49.131989609Z', instanceUid: '9e15e977-f2ae-4761-943f-1eaf75fd736d', totals: { indexes: 3, documents: 130 } });
    expect(counts(dump)).toEqual({ dnd_spells: 10, movies: 110, products: 10 });
    expect(byUid(dump).products).toMatchObject({ primaryKey: 'sku', createdAt: '2022-10-06T12:53:39.360187055Z', updatedAt: '2022-10-06T12:53:40.603035979Z' });
    expect(byUid(dump).movies).toMatchObject({ createdAt: '2022-10-06T12:53:38.710611568Z', updatedAt: '2022-10-06T12:53:49.785862546Z' });
    expect(dump.keys).toHaveLength(2);
    expect(dump.keys[0]).toMatchObject({ name: null, description: 'Default Search API Key (Use it to search from the frontend)', actions: ['search'], indexes: ['*'], expiresAt: null, createdAt: '2022-10-06T12:53:33.424274047Z' });
    expect(dump.keys[1]).toMatchObject({ actions: ['*'], indexes: ['*'] });
    for (const key of dump.keys) expect(key.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(statuses(dump)).toEqual({ enqueued: 1, succeeded: 7, failed: 2 });
    expect(dump.tasks.map((t) => t.task.uid)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect(dump.tasks[0]!.task).toMatchObject({ indexUid: 'movies_2', details: { receivedDocuments: 200, indexedDocuments: null } });
    expect(dump.tasks[0]!.payload).toHaveLength(200);
    expect(dump.tasks[1]!.task).toMatchObject({ status: 'succeeded', details: { receivedDocuments: 100, indexedDocuments: 100 }, startedAt: '2022-10-06T12:53:49.125930546Z', finishedAt: '2022-10-06T12:53:49.785862546Z' });
  });

  it('V5 (v0.29.0): 3 indexes, 2 keys kept, the processing dump task comes back enqueued', async () => {
    const dump = await load('v5.dump');
    expect(dump.reader).toMatchObject({ version: 'V5', dbVersion: '0.29.0', dumpDate: '2022-10-04T15:55:10.344982459Z', instanceUid: '9e15e977-f2ae-4761-943f-1eaf75fd736d', totals: { indexes: 3, documents: 220 } });
    expect(counts(dump)).toEqual({ dnd_spells: 10, movies: 200, products: 10 });
    expect(byUid(dump).movies).toMatchObject({ createdAt: '2022-10-04T15:51:35.291992167Z', updatedAt: '2022-10-04T15:55:10.33561842Z' });
    expect(byUid(dump).dnd_spells).toMatchObject({ createdAt: '2022-10-04T15:51:37.381094632Z', updatedAt: '2022-10-04T15:55:02.394503431Z' });
    expect(byUid(dump).movies!.settings).toMatchObject({ faceting: { maxValuesPerFacet: 100, sortFacetValuesBy: { '*': 'alpha' } }, pagination: { maxTotalHits: 1000 } });
    expect(dump.keys.map((k) => [k.uid, k.name, k.actions])).toEqual([
      ['192e54ae-32f8-4c61-85f5-eb2b1b255629', 'Default Search API Key', ['search']],
      ['292cd892-be06-452f-a90b-ef28dfc94077', 'Default Admin API Key', ['*']],
    ]);
    expect(dump.tasks).toHaveLength(22);
    expect(statuses(dump)).toEqual({ enqueued: 2, succeeded: 18, failed: 2 });
    const [dumpTask, pending] = dump.tasks;
    expect(dumpTask!.task).toMatchObject({ uid: 21, type: 'dumpCreation', status: 'enqueued', startedAt: null, indexUid: null, details: { dumpUid: '20221004-155510279' } });
    expect(pending!.task).toMatchObject({ uid: 20, indexUid: 'movies_2', status: 'enqueued' });
    expect(pending!.payload).toHaveLength(200);
    expect(dump.tasks.filter((t) => t.payload !== null)).toHaveLength(1);
  });

  it('V6 from v1.3 with retired experimental features: 1 index, 2 keys, 2 tasks', async () => {
    const dump = await load('v6-with-experimental.dump');
    expect(dump.reader).toMatchObject({ version: 'V6', dbVersion: '1.3.0', dumpDate: '2023-07-06T07:10:27.21958Z', instanceUid: null, totals: { indexes: 1, documents: 1 } });
    expect(dump.reader.experimentalFeatures).toEqual({ scoreDetails: false, vectorStore: true });
    expect(dump.indexes[0]).toMatchObject({ uid: 'test', primaryKey: 'id', createdAt: '2023-07-06T07:07:41.364694Z', updatedAt: '2023-07-06T07:07:41.396114Z', documentCount: 1 });
    expect(dump.indexes[0]!.documents).toEqual([{ id: 1, name: 'this is a test dump to check that experimental features work as intended' }]);
    expect(dump.keys.map((k) => k.uid)).toEqual(['db7bcc81-78a5-44ac-b1a7-7364c28d91ae', '6a350146-4a84-4713-8f1c-53ae9997c74b']);
    expect(dump.tasks.map((t) => [t.task.uid, t.task.type, t.task.status])).toEqual([[0, 'documentAdditionOrUpdate', 'succeeded'], [1, 'dumpCreation', 'succeeded']]);
  });

  it('V6 from v1.8 with vectors, AppleDouble junk and PAX xattrs: 2 indexes, 10 tasks', async () => {
    const dump = await load('v6-with-vectors.dump');
    expect(dump.reader).toMatchObject({ version: 'V6', dbVersion: '1.8.0', instanceUid: null, totals: { indexes: 2, documents: 6 } });
    expect(counts(dump)).toEqual({ novector: 2, vector: 4 });
    const { vector, novector } = byUid(dump);
    expect(vector!.settings.embedders).toEqual({ default: {
      source: 'huggingFace', model: 'BAAI/bge-base-en-v1.5', revision: '617ca489d9e86b49b8167676d8220688b99db36e',
      documentTemplate: '{% for field in fields %} {{ field.name }}: {{ field.value }}\n{% endfor %}', pooling: 'forceMean',
    } });
    expect(vector!.documents[0]).toMatchObject({ id: 'e0', desc: 'overriden vector' });
    expect(novector!.documents).toEqual([{ id: 'e0', other: 'random0' }, { id: 'e1', other: 'random1', _vectors: 'toto' }]);
    expect(statuses(dump)).toEqual({ succeeded: 8, failed: 2 });
    expect(dump.tasks.map((t) => t.task.batchUid)).toEqual(Array(10).fill(null));
  });

  it('V6 from v1.13 with batches and an enqueued task: its payload comes from tasks/update_files', async () => {
    const dump = await load('v6_v1.13.0_batches_and_enqueued_tasks.dump');
    expect(dump.reader).toMatchObject({ version: 'V6', dbVersion: '1.13.0', dumpDate: '2025-02-04T10:22:31.331764736Z', instanceUid: '972b0d34-a73b-4b37-9a06-eac9af32c9b3', totals: { indexes: 1, documents: 1 } });
    expect(dump.indexes[0]).toMatchObject({ uid: 'kefir', primaryKey: 'id', documents: [{ id: 1, dog: 'kefir' }] });
    expect(dump.keys).toHaveLength(2);
    expect(statuses(dump)).toEqual({ succeeded: 3, enqueued: 1 });
    expect(dump.tasks[2]).toEqual({
      task: {
        uid: 2, batchUid: null, indexUid: 'kefir', status: 'enqueued', type: 'documentAdditionOrUpdate', canceledBy: null,
        details: { receivedDocuments: 1, indexedDocuments: null }, error: null, duration: null,
        enqueuedAt: '2025-02-04T10:15:49.212484063Z', startedAt: null, finishedAt: null,
        kind: { type: 'documentAdditionOrUpdate', method: 'replace', primaryKey: null, documentsCount: 1, allowIndexCreation: true },
      },
      payload: [{ id: 2, dog: 'intel' }],
    });
  });

  it('exposes V6 batches and removes its extraction directory on close', async () => {
    const reader = await openDump(join(FIXTURES, 'v6_v1.13.0_batches_and_enqueued_tasks.dump'), { tmpDir: join(tmpdir(), 'dump-fixture-close') });
    const batches = [];
    for await (const batch of reader.batches()) batches.push(batch);
    expect(batches.map((b) => b.uid)).toEqual([0, 1]);
    expect(await readdir(join(tmpdir(), 'dump-fixture-close'))).toHaveLength(1);
    await reader.close();
    await reader.close();
    expect(await readdir(join(tmpdir(), 'dump-fixture-close'))).toHaveLength(0);
  });

  it('removeExtractionLeftovers removes what a killed import left in a private tmpDir', async () => {
    const parent = join(tmpdir(), 'dump-fixture-leftovers');
    const reader = await openDump(join(FIXTURES, 'v6-with-experimental.dump'), { tmpDir: parent });
    const [name] = await readdir(parent);
    expect(await removeExtractionLeftovers(parent)).toEqual([join(parent, name!)]); // as if the process had died here
    expect(await readdir(parent)).toEqual([]);
    await reader.close();
    expect(await removeExtractionLeftovers(join(parent, 'missing'))).toEqual([]);
  });
});
