import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEngine, type EngineProcess } from '../helpers/engine-process.ts';
import { Api } from '../helpers/http-client.ts';

let engine: EngineProcess;
let api: Api;

beforeAll(async () => {
  engine = await startEngine();
  api = new Api(engine.url);
  await api.run(api.post('/indexes', { uid: 'conf' }));
});
afterAll(async () => engine?.stop());

const errorShape = (code: string) => expect.objectContaining({ code, link: `https://docs.meilisearch.com/errors#${code}` });

describe('settings', () => {
  it('returns every setting with its default', async () => {
    const { body } = await api.get('/indexes/conf/settings');
    expect(body).toMatchObject({
      displayedAttributes: ['*'], searchableAttributes: ['*'], filterableAttributes: [], sortableAttributes: [],
      rankingRules: ['words', 'typo', 'proximity', 'attribute', 'sort', 'exactness'], stopWords: [], synonyms: {},
      distinctAttribute: null, typoTolerance: { enabled: true, minWordSizeForTypos: { oneTypo: 5, twoTypos: 9 } },
      faceting: { maxValuesPerFacet: 100, sortFacetValuesBy: { '*': 'alpha' } }, pagination: { maxTotalHits: 1000 },
      facetSearch: true, prefixSearch: 'indexingTime', proximityPrecision: 'byWord',
    });
    expect(Object.keys(body)).toHaveLength(20);
  });

  it('patches, reads sub-routes, merges nested objects and resets with null or DELETE', async () => {
    const task = await api.run(api.patch('/indexes/conf/settings', { filterableAttributes: ['genre'], typoTolerance: { minWordSizeForTypos: { oneTypo: 4 } }, stopWords: ['the'] }));
    expect(task).toMatchObject({ status: 'succeeded', type: 'settingsUpdate', details: { filterableAttributes: ['genre'], stopWords: ['the'] } });
    expect((await api.get('/indexes/conf/settings/filterable-attributes')).body).toEqual(['genre']);
    expect((await api.get('/indexes/conf/settings/typo-tolerance')).body.minWordSizeForTypos).toEqual({ oneTypo: 4, twoTypos: 9 });
    await api.run(api.put('/indexes/conf/settings/sortable-attributes', ['year']));
    await api.run(api.patch('/indexes/conf/settings/pagination', { maxTotalHits: 50 }));
    expect((await api.get('/indexes/conf/settings')).body).toMatchObject({ sortableAttributes: ['year'], pagination: { maxTotalHits: 50 }, stopWords: ['the'] });
    await api.run(api.patch('/indexes/conf/settings', { stopWords: null }));
    expect((await api.get('/indexes/conf/settings/stop-words')).body).toEqual([]);
    await api.run(api.delete('/indexes/conf/settings/filterable-attributes'));
    expect((await api.get('/indexes/conf/settings/filterable-attributes')).body).toEqual([]);
    await api.run(api.delete('/indexes/conf/settings'));
    expect((await api.get('/indexes/conf/settings')).body.sortableAttributes).toEqual([]);
  });

  it('creates the index on a settings update, as Meilisearch does', async () => {
    expect((await api.run(api.patch('/indexes/made_by_settings/settings', { searchableAttributes: ['title'] }))).status).toBe('succeeded');
    expect((await api.get('/indexes/made_by_settings/settings/searchable-attributes')).body).toEqual(['title']);
  });

  it('rejects invalid settings with the setting\'s error code and changes nothing', async () => {
    const before = (await api.get('/indexes/conf/settings')).body;
    const cases: Array<[unknown, string]> = [
      [{ rankingRules: ['words', 'bogus'] }, 'invalid_settings_ranking_rules'],
      [{ displayedAttributes: 'title' }, 'invalid_settings_displayed_attributes'],
      [{ typoTolerance: { enabled: 'yes' } }, 'invalid_settings_typo_tolerance'],
      [{ pagination: { maxTotalHits: -1 } }, 'invalid_settings_pagination'],
      [{ unknownSetting: true }, 'bad_request'],
    ];
    for (const [body, code] of cases) {
      const response = await api.patch('/indexes/conf/settings', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body).toEqual(errorShape(code));
    }
    const invalidCombination = await api.run(api.patch('/indexes/conf/settings', { typoTolerance: { minWordSizeForTypos: { oneTypo: 10, twoTypos: 5 } } }));
    expect(invalidCombination.status).toBe('failed');
    expect(invalidCombination.error).toEqual(errorShape('invalid_settings_typo_tolerance'));
    expect((await api.get('/indexes/conf/settings')).body).toEqual(before);
  });
});

describe('tasks', () => {
  it('lists newest first with limit, from and next, and filters by every field', async () => {
    const a = await api.run(api.post('/indexes/tasks_a/documents', [{ id: 1 }]));
    const b = await api.run(api.post('/indexes/tasks_b/documents', [{ id: 1 }]));
    const failed = await api.run(api.post('/indexes/tasks_b/documents', [{ nope: 1 }]));
    const page = await api.get('/tasks?limit=2');
    expect(page.body.results).toHaveLength(2);
    expect(page.body.results[0].uid).toBeGreaterThan(page.body.results[1].uid);
    expect(page.body).toMatchObject({ limit: 2, from: page.body.results[0].uid, next: page.body.results[1].uid - 1 });
    const nextPage = await api.get(`/tasks?limit=2&from=${page.body.next}`);
    expect(nextPage.body.results[0].uid).toBe(page.body.next);
    const reversed = await api.get('/tasks?reverse=true&limit=1');
    expect(reversed.body.results[0].uid).toBe(0);
    expect((await api.get(`/tasks?uids=${a.uid},${b.uid}`)).body.results.map((task: { uid: number }) => task.uid)).toEqual([b.uid, a.uid]);
    expect((await api.get('/tasks?indexUids=tasks_a')).body.results.every((task: { indexUid: string }) => task.indexUid === 'tasks_a')).toBe(true);
    expect((await api.get('/tasks?statuses=failed')).body.results.map((task: { uid: number }) => task.uid)).toContain(failed.uid);
    expect((await api.get('/tasks?types=indexCreation')).body.results.every((task: { type: string }) => task.type === 'indexCreation')).toBe(true);
    expect((await api.get(`/tasks?batchUids=${a.batchUid}`)).body.results.map((task: { uid: number }) => task.uid)).toEqual([a.uid]);
    const future = new Date(Date.now() + 86_400_000).toISOString();
    expect((await api.get(`/tasks?afterEnqueuedAt=${future}`)).body.total).toBe(0);
    expect((await api.get(`/tasks?beforeEnqueuedAt=${future}`)).body.total).toBeGreaterThan(3);
    const one = await api.get(`/tasks/${a.uid}`);
    expect(one.body).toMatchObject({ uid: a.uid, indexUid: 'tasks_a', status: 'succeeded', type: 'documentAdditionOrUpdate', canceledBy: null, error: null });
    expect(one.body).not.toHaveProperty('kind');
    expect((await api.get('/tasks/999999')).body).toEqual(errorShape('task_not_found'));
  });

  it('rejects bad task filters', async () => {
    const cases: Array<[string, string]> = [
      ['/tasks?uids=abc', 'invalid_task_uids'],
      ['/tasks?statuses=done', 'invalid_task_statuses'],
      ['/tasks?types=explode', 'invalid_task_types'],
      ['/tasks?limit=-1', 'invalid_task_limit'],
      ['/tasks?afterEnqueuedAt=yesterday', 'invalid_task_after_enqueued_at'],
      ['/tasks?color=red', 'bad_request'],
    ];
    for (const [path, code] of cases) {
      const response = await api.get(path);
      expect(response.status, path).toBe(400);
      expect(response.body).toEqual(errorShape(code));
    }
    expect((await api.post('/tasks/cancel')).body).toEqual(errorShape('missing_task_filters'));
    expect((await api.delete('/tasks')).body).toEqual(errorShape('missing_task_filters'));
  });

  it('deletes finished tasks and cancels enqueued ones', async () => {
    const finished = await api.run(api.post('/indexes/tasks_del/documents', [{ id: 1 }]));
    const deletion = await api.post(`/tasks?uids=${finished.uid}`);
    expect(deletion.status).toBe(404);
    const del = await api.request('DELETE', `/tasks?uids=${finished.uid}`);
    expect(del.status).toBe(200);
    expect(del.body).toMatchObject({ type: 'taskDeletion', status: 'enqueued' });
    const done = await api.waitTask(del.body.taskUid);
    expect(done).toMatchObject({ status: 'succeeded', details: { matchedTasks: 1, deletedTasks: 1, originalFilter: `?uids=${finished.uid}` } });
    expect((await api.get(`/tasks/${finished.uid}`)).status).toBe(404);

    // A big enough addition keeps the worker busy while the next tasks wait to be canceled.
    const big = Array.from({ length: 30_000 }, (_, i) => ({ id: i, text: `document number ${i} with some words` }));
    const busy = await api.post('/indexes/tasks_cancel/documents', big);
    const waiting = await api.post('/indexes/tasks_cancel/documents', [{ id: 'w' }]);
    const cancel = await api.post(`/tasks/cancel?uids=${waiting.body.taskUid}`);
    expect(cancel.status).toBe(200);
    const cancelTask = await api.waitTask(cancel.body.taskUid);
    expect(cancelTask).toMatchObject({ status: 'succeeded', type: 'taskCancelation' });
    const canceled = await api.waitTask(waiting.body.taskUid);
    if (cancelTask.details.canceledTasks === 1) {
      expect(canceled).toMatchObject({ status: 'canceled', canceledBy: cancel.body.taskUid });
    } else {
      // The worker was faster than the cancel request: then the task must have run normally.
      expect(canceled.status).toBe('succeeded');
    }
    expect((await api.waitTask(busy.body.taskUid)).status).toBe('succeeded');
    expect((await api.get(`/tasks?canceledBy=${cancel.body.taskUid}`)).body.total).toBe(cancelTask.details.canceledTasks);
  });

  it('lists batches', async () => {
    const batches = await api.get('/batches?limit=1');
    expect(batches.status).toBe(200);
    expect(batches.body.results[0]).toMatchObject({ uid: expect.any(Number), stats: { totalNbTasks: expect.any(Number) } });
    expect((await api.get(`/batches/${batches.body.results[0].uid}`)).status).toBe(200);
    expect((await api.get('/batches/999999')).body).toEqual(errorShape('batch_not_found'));
  });
});
