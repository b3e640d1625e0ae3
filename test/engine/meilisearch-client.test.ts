/**
 * The official `meilisearch` JS client, unchanged, against a real engine: what users run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Meilisearch, MeilisearchApiError } from 'meilisearch';
import { startEngine, type EngineProcess } from '../helpers/engine-process.ts';

const MASTER = 'client-suite-master-key-0123456789';
let engine: EngineProcess;
let client: Meilisearch;

beforeAll(async () => {
  engine = await startEngine({ masterKey: MASTER });
  client = new Meilisearch({ host: engine.url, apiKey: MASTER });
});
afterAll(async () => engine?.stop());

describe('meilisearch client', () => {
  it('checks health and version', async () => {
    expect(await client.health()).toEqual({ status: 'available' });
    expect(await client.isHealthy()).toBe(true);
    expect((await client.getVersion()).pkgVersion).toMatch(/^\d/);
  });

  it('creates indexes, adds documents in every format and searches them', async () => {
    await client.createIndex('movies', { primaryKey: 'id' }).waitTask();
    const index = client.index('movies');
    await index.addDocuments([{ id: 1, title: 'Carol', genres: ['Romance', 'Drama'] }, { id: 2, title: 'Wonder Woman', genres: ['Action'] }]).waitTask();
    await index.addDocumentsFromString('{"id":3,"title":"Life of Pi","genres":["Adventure"]}\n', 'application/x-ndjson').waitTask();
    await index.addDocumentsFromString('id:number,title\n4,Mad Max\n', 'text/csv').waitTask();
    await index.updateDocuments([{ id: 1, year: 2015 }]).waitTask();
    expect(await index.getDocument(1)).toEqual({ id: 1, title: 'Carol', genres: ['Romance', 'Drama'], year: 2015 });
    const documents = await index.getDocuments({ limit: 2 });
    expect(documents.total).toBe(4);
    expect(documents.results).toHaveLength(2);
    const result = await index.search('wonder');
    expect(result.hits.map((hit) => hit['id'])).toEqual([2]);
    expect(result.estimatedTotalHits).toBe(1);
    const stats = await index.getStats();
    expect(stats.numberOfDocuments).toBe(4);
    expect((await client.getIndexes()).results.map((entry) => entry.uid)).toContain('movies');
  });

  it('updates and resets settings', async () => {
    const index = client.index('movies');
    await index.updateSettings({ filterableAttributes: ['genres'], sortableAttributes: ['year'], stopWords: ['the'] }).waitTask();
    const settings = await index.getSettings();
    expect(settings.filterableAttributes).toEqual(['genres']);
    expect(settings.sortableAttributes).toEqual(['year']);
    await index.updateTypoTolerance({ minWordSizeForTypos: { oneTypo: 4 } }).waitTask();
    expect((await index.getTypoTolerance())?.minWordSizeForTypos).toEqual({ oneTypo: 4, twoTypos: 9 });
    await index.resetStopWords().waitTask();
    expect(await index.getStopWords()).toEqual([]);
    await index.deleteDocuments({ filter: 'genres = Action' }).waitTask();
    expect((await index.getDocuments()).total).toBe(3);
  });

  it('lists and filters tasks', async () => {
    const tasks = await client.tasks.getTasks({ indexUids: ['movies'], statuses: ['succeeded'], limit: 3 });
    expect(tasks.results).toHaveLength(3);
    expect(tasks.results.every((task) => task.indexUid === 'movies' && task.status === 'succeeded')).toBe(true);
    const task = await client.tasks.getTask(tasks.results[0]!.uid);
    expect(task.uid).toBe(tasks.results[0]!.uid);
    const failed = await client.index('movies').addDocuments([{ title: 'no id' }]).waitTask();
    expect(failed.status).toBe('failed');
    expect(failed.error?.code).toBe('missing_document_id');
  });

  it('manages keys', async () => {
    const key = await client.createKey({ actions: ['search'], indexes: ['movies'], expiresAt: null, description: 'frontend' });
    expect(key.description).toBe('frontend');
    const searchOnly = new Meilisearch({ host: engine.url, apiKey: key.key });
    expect((await searchOnly.index('movies').search('carol')).hits).toHaveLength(1);
    await expect(searchOnly.getIndexes()).rejects.toBeInstanceOf(MeilisearchApiError);
    const keys = await client.getKeys();
    expect(keys.results.some((entry) => entry.uid === key.uid)).toBe(true);
    await client.deleteKey(key.uid);
    await expect(client.getKey(key.uid)).rejects.toMatchObject({ cause: { code: 'api_key_not_found' } });
  });

  it('surfaces Meilisearch errors as the client expects them', async () => {
    await expect(client.getIndex('does-not-exist')).rejects.toMatchObject({ cause: { code: 'index_not_found', type: 'invalid_request' } });
    const bad = new Meilisearch({ host: engine.url, apiKey: 'wrong' });
    await expect(bad.getIndexes()).rejects.toMatchObject({ cause: { code: 'invalid_api_key' } });
  });

  it('deletes an index', async () => {
    await client.deleteIndex('movies').waitTask();
    await expect(client.getIndex('movies')).rejects.toMatchObject({ cause: { code: 'index_not_found' } });
  });
});
