import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEngine, type EngineProcess } from '../helpers/engine-process.ts';
import { Api } from '../helpers/http-client.ts';

let engine: EngineProcess;
let api: Api;

beforeAll(async () => {
  engine = await startEngine();
  api = new Api(engine.url);
});
afterAll(async () => engine?.stop());

const errorShape = (code: string) => expect.objectContaining({ code, link: `https://docs.meilisearch.com/errors#${code}`, message: expect.any(String), type: expect.any(String) });

describe('health and version', () => {
  it('answers /health without auth and /version with the package version', async () => {
    expect(await api.get('/health')).toMatchObject({ status: 200, body: { status: 'available' } });
    const version = await api.get('/version');
    expect(version.status).toBe(200);
    expect(version.body.pkgVersion).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('indexes', () => {
  it('creates an index as a task, lists it, and refuses a duplicate', async () => {
    const created = await api.post('/indexes', { uid: 'movies', primaryKey: 'id' });
    expect(created.status).toBe(202);
    expect(created.body).toMatchObject({ indexUid: 'movies', status: 'enqueued', type: 'indexCreation', taskUid: expect.any(Number) });
    expect((await api.waitTask(created.body.taskUid)).status).toBe('succeeded');
    const index = await api.get('/indexes/movies');
    expect(index.body).toMatchObject({ uid: 'movies', primaryKey: 'id' });
    const duplicate = await api.run(api.post('/indexes', { uid: 'movies' }));
    expect(duplicate.status).toBe('failed');
    expect(duplicate.error).toEqual(errorShape('index_already_exists'));
    const list = await api.get('/indexes?limit=1&offset=0');
    expect(list.body).toMatchObject({ limit: 1, offset: 0, total: expect.any(Number) });
    expect(list.body.results).toHaveLength(1);
  });

  it('rejects invalid uids, unknown fields and unknown indexes with Meilisearch errors', async () => {
    const bad = await api.post('/indexes', { uid: 'not valid!' });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual(errorShape('invalid_index_uid'));
    const unknown = await api.post('/indexes', { uid: 'x', color: 'red' });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual(errorShape('bad_request'));
    const missing = await api.get('/indexes/nope');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual(errorShape('index_not_found'));
    const malformed = await api.post('/indexes', '{"uid": ', { 'content-type': 'application/json' });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toEqual(errorShape('bad_request'));
  });

  it('updates the primary key of an empty index, renames, swaps and deletes', async () => {
    await api.run(api.post('/indexes', { uid: 'pk_change' }));
    expect((await api.run(api.patch('/indexes/pk_change', { primaryKey: 'sku' }))).status).toBe('succeeded');
    expect((await api.get('/indexes/pk_change')).body.primaryKey).toBe('sku');
    await api.run(api.post('/indexes/swap_a/documents', [{ id: 1, side: 'a' }]));
    await api.run(api.post('/indexes/swap_b/documents', [{ id: 1, side: 'b' }]));
    expect((await api.run(api.post('/swap-indexes', [{ indexes: ['swap_a', 'swap_b'] }]))).status).toBe('succeeded');
    expect((await api.get('/indexes/swap_a/documents/1')).body.side).toBe('b');
    const rename = await api.run(api.patch('/indexes/swap_a', { uid: 'swap_renamed' }));
    expect(rename.status).toBe('succeeded');
    expect((await api.get('/indexes/swap_renamed/documents/1')).body.side).toBe('b');
    expect((await api.get('/indexes/swap_a')).status).toBe(404);
    const deleted = await api.run(api.delete('/indexes/swap_renamed'));
    expect(deleted).toMatchObject({ status: 'succeeded', details: { deletedDocuments: 1 } });
  });
});

describe('documents', () => {
  it('adds JSON documents, infers the primary key, and fetches them', async () => {
    const task = await api.run(api.post('/indexes/books/documents', [
      { id: 1, title: 'Dune', author: 'Frank Herbert', year: 1965 },
      { id: 2, title: 'Hyperion', author: 'Dan Simmons', year: 1989 },
      { id: 'three', title: 'Neuromancer', author: 'William Gibson', year: 1984 },
    ]));
    expect(task).toMatchObject({ status: 'succeeded', type: 'documentAdditionOrUpdate', details: { receivedDocuments: 3, indexedDocuments: 3 } });
    expect(task.duration).toMatch(/^PT[\d.]+S$/);
    expect((await api.get('/indexes/books')).body.primaryKey).toBe('id');
    expect((await api.get('/indexes/books/documents/1')).body).toEqual({ id: 1, title: 'Dune', author: 'Frank Herbert', year: 1965 });
    expect((await api.get('/indexes/books/documents/1?fields=title')).body).toEqual({ title: 'Dune' });
    const list = await api.get('/indexes/books/documents?limit=2&offset=1&fields=id');
    expect(list.body).toMatchObject({ offset: 1, limit: 2, total: 3 });
    expect(list.body.results).toHaveLength(2);
    const fetched = await api.post('/indexes/books/documents/fetch', { ids: ['2'], fields: ['title'] });
    expect(fetched.body.results).toEqual([{ title: 'Hyperion' }]);
    const missing = await api.get('/indexes/books/documents/999');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual(errorShape('document_not_found'));
  });

  it('accepts NDJSON and typed CSV bodies', async () => {
    const ndjson = await api.run(api.post('/indexes/formats/documents', '{"id":1,"name":"a"}\n{"id":2,"name":"b"}\n', { 'content-type': 'application/x-ndjson' }));
    expect(ndjson.details).toMatchObject({ indexedDocuments: 2 });
    const csv = await api.run(api.post('/indexes/formats/documents', 'id:number,name,price:number,available:boolean\n3,"c, with comma",9.5,true\n4,d,,false\n', { 'content-type': 'text/csv' }));
    expect(csv.status).toBe('succeeded');
    expect((await api.get('/indexes/formats/documents/3')).body).toEqual({ id: 3, name: 'c, with comma', price: 9.5, available: true });
    expect((await api.get('/indexes/formats/documents/4')).body).toEqual({ id: 4, name: 'd', price: null, available: false });
    const semicolon = await api.run(api.post('/indexes/formats/documents?csvDelimiter=;', 'id;name\n5;e\n', { 'content-type': 'text/csv' }));
    expect(semicolon.status).toBe('succeeded');
    expect((await api.get('/indexes/formats/documents/5')).body.name).toBe('e');
  });

  it('merges fields with PUT and replaces documents with POST', async () => {
    await api.run(api.post('/indexes/merge/documents', [{ id: 1, a: 1, b: 2 }]));
    await api.run(api.put('/indexes/merge/documents', [{ id: 1, b: 3, c: 4 }]));
    expect((await api.get('/indexes/merge/documents/1')).body).toEqual({ id: 1, a: 1, b: 3, c: 4 });
    await api.run(api.post('/indexes/merge/documents', [{ id: 1, z: 0 }]));
    expect((await api.get('/indexes/merge/documents/1')).body).toEqual({ id: 1, z: 0 });
  });

  it('refuses malformed payloads at once and keeps what is stored', async () => {
    await api.run(api.post('/indexes/safe/documents', [{ id: 1, title: 'kept' }]));
    const malformed = await api.post('/indexes/safe/documents', '[{"id": 2,', { 'content-type': 'application/json' });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toEqual(errorShape('malformed_payload'));
    const noType = await api.request('POST', '/indexes/safe/documents', '[{"id":3}]');
    expect([415]).toContain(noType.status);
    const wrongType = await api.post('/indexes/safe/documents', 'id\n4', { 'content-type': 'text/plain' });
    expect(wrongType.status).toBe(415);
    expect(wrongType.body).toEqual(errorShape('invalid_content_type'));
    const notObjects = await api.post('/indexes/safe/documents', '[1, 2]', { 'content-type': 'application/json' });
    expect(notObjects.status).toBe(400);
    expect(notObjects.body).toEqual(errorShape('malformed_payload'));
    const list = await api.get('/indexes/safe/documents');
    expect(list.body.results).toEqual([{ id: 1, title: 'kept' }]);
  });

  it('fails tasks with bad ids or primary keys without touching stored documents', async () => {
    await api.run(api.post('/indexes/ids/documents', [{ id: 1, v: 'ok' }]));
    const badId = await api.run(api.post('/indexes/ids/documents', [{ id: 2, v: 'x' }, { id: 'bad id!', v: 'y' }]));
    expect(badId.status).toBe('failed');
    expect(badId.error).toEqual(errorShape('invalid_document_id'));
    const missingId = await api.run(api.post('/indexes/ids/documents', [{ v: 'no id' }]));
    expect(missingId.error).toEqual(errorShape('missing_document_id'));
    const otherKey = await api.run(api.post('/indexes/ids/documents?primaryKey=v', [{ id: 9, v: 'z' }]));
    expect(otherKey.error).toEqual(errorShape('index_primary_key_already_exists'));
    expect((await api.get('/indexes/ids/documents')).body.total).toBe(1);
    const none = await api.run(api.post('/indexes/no_candidate/documents', [{ title: 'x' }]));
    expect(none.error).toEqual(errorShape('index_primary_key_no_candidate_found'));
    const several = await api.run(api.post('/indexes/several/documents', [{ id: 1, uid: 2 }]));
    expect(several.error).toEqual(errorShape('index_primary_key_multiple_candidates_found'));
  });

  it('deletes one, a batch, by filter and all', async () => {
    await api.run(api.post('/indexes/del/documents', Array.from({ length: 10 }, (_, i) => ({ id: i, even: i % 2 === 0, n: i }))));
    await api.run(api.put('/indexes/del/settings/filterable-attributes', ['even', 'n']));
    expect(await api.run(api.delete('/indexes/del/documents/0'))).toMatchObject({ status: 'succeeded', details: { providedIds: 1, deletedDocuments: 1 } });
    expect(await api.run(api.post('/indexes/del/documents/delete-batch', [1, '2', 99]))).toMatchObject({ details: { providedIds: 3, deletedDocuments: 2 } });
    // An id no document can have (over 511 bytes) is simply not found, as an unknown one is.
    const long = 'x'.repeat(10_000);
    expect(await api.run(api.post('/indexes/del/documents/delete-batch', [long, 3]))).toMatchObject({ status: 'succeeded', details: { providedIds: 2, deletedDocuments: 1 } });
    expect(await api.run(api.delete(`/indexes/del/documents/${long}`))).toMatchObject({ status: 'succeeded', details: { deletedDocuments: 0 } });
    expect((await api.get(`/indexes/del/documents/${long}`)).body).toEqual(errorShape('document_not_found'));
    expect(await api.run(api.post('/indexes/del/documents/delete', { filter: 'n >= 8' }))).toMatchObject({ status: 'succeeded', details: { deletedDocuments: 2 } });
    expect((await api.get('/indexes/del/documents')).body.total).toBe(4);
    const badFilter = await api.post('/indexes/del/documents/delete', { filter: 'n >>> 3' });
    expect(badFilter.status).toBe(400);
    expect(badFilter.body).toEqual(errorShape('invalid_document_filter'));
    const noFilter = await api.post('/indexes/del/documents/delete', {});
    expect(noFilter.body).toEqual(errorShape('missing_document_filter'));
    expect(await api.run(api.delete('/indexes/del/documents'))).toMatchObject({ details: { deletedDocuments: 4 } });
    expect((await api.get('/indexes/del/documents')).body.total).toBe(0);
  });

  it('filters the document list on filterable attributes only', async () => {
    await api.run(api.post('/indexes/browse/documents', [{ id: 1, genre: 'sf' }, { id: 2, genre: 'fantasy' }]));
    const refused = await api.get('/indexes/browse/documents?filter=genre%20%3D%20sf');
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual(errorShape('invalid_document_filter'));
    await api.run(api.put('/indexes/browse/settings/filterable-attributes', ['genre']));
    const filtered = await api.get('/indexes/browse/documents?filter=genre%20%3D%20sf');
    expect(filtered.body.results).toEqual([{ id: 1, genre: 'sf' }]);
  });

  it('reports index stats and global stats', async () => {
    const stats = await api.get('/indexes/books/stats');
    expect(stats.body).toMatchObject({ numberOfDocuments: 3, isIndexing: false, fieldDistribution: { id: 3, title: 3, author: 3, year: 3 } });
    const global = await api.get('/stats');
    expect(global.body.databaseSize).toBeGreaterThan(0);
    expect(global.body.indexes.books.numberOfDocuments).toBe(3);
  });
});

describe('search baseline', () => {
  beforeAll(async () => {
    await api.run(api.post('/indexes/search_base/documents', [
      { id: 1, title: 'The Lord of the Rings', overview: 'A hobbit carries a ring' },
      { id: 2, title: 'The Hobbit', overview: 'A hobbit goes there and back again' },
      { id: 3, title: 'Ringworld', overview: 'An artificial ring around a star' },
      { id: 4, title: 'Dune', overview: 'Spice, sand and worms' },
    ]));
  });

  it('finds documents matching every query word, with prefix on the last word', async () => {
    const hobbit = await api.post('/indexes/search_base/search', { q: 'hobbit' });
    expect(hobbit.status).toBe(200);
    expect(hobbit.body.hits.map((hit: { id: number }) => hit.id).sort()).toEqual([1, 2]);
    expect(hobbit.body).toMatchObject({ query: 'hobbit', limit: 20, offset: 0, estimatedTotalHits: 2, processingTimeMs: expect.any(Number) });
    const prefix = await api.get('/indexes/search_base/search?q=hob');
    expect(prefix.body.hits.map((hit: { id: number }) => hit.id).sort()).toEqual([1, 2]);
    const paged = await api.post('/indexes/search_base/search', { q: '', limit: 1, offset: 1 });
    expect(paged.body.hits).toHaveLength(1);
    expect(paged.body.estimatedTotalHits).toBe(4);
  });

  it('rejects bad search parameters with Meilisearch codes', async () => {
    const badLimit = await api.post('/indexes/search_base/search', { q: 'x', limit: 'ten' });
    expect(badLimit.status).toBe(400);
    expect(badLimit.body).toEqual(errorShape('invalid_search_limit'));
    const unknown = await api.post('/indexes/search_base/search', { q: 'x', nope: 1 });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual(errorShape('bad_request'));
    const noIndex = await api.post('/indexes/missing_index/search', { q: 'x' });
    expect(noIndex.status).toBe(404);
  });
});
