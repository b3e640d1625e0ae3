import { resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../types/settings.ts';
import type { Task } from '../types/task.ts';
import { DumpError } from './errors.ts';
import { CURRENT_DUMP_VERSION, keyFromDump, keyToDump, settingsFromDump, taskFromDump, taskToDump } from './format.ts';
import { KEYS, sampleTasks } from './test-support/sample.ts';

const FIXTURES = resolve(import.meta.dirname, '../../../../shared/fixtures/meilisearch-dumps');
const fixtureFile = (dump: string, path: string): string =>
  execFileSync('tar', ['-xzOf', `${FIXTURES}/${dump}`, '--wildcards', `*${path}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
const lines = (text: string): string[] => text.split('\n').filter((l) => l.trim() !== '');

const parse = (raw: unknown): Task => {
  const parsed = taskFromDump(raw, 'tasks/queue.jsonl', 1);
  if ('skipped' in parsed) throw new Error(parsed.skipped);
  return parsed.task;
};

describe('format constants', () => {
  it('writes V6', () => expect(CURRENT_DUMP_VERSION).toBe('V6'));
});

describe('task shape: ours <-> Meilisearch internal', () => {
  it('writes every kind in the internal shape (tagged type, snake_case, PascalCase details)', () => {
    const lines = sampleTasks().map((task) => taskToDump(task));
    const byType = (name: string) => lines.find((l) => (typeof l.type === 'string' ? l.type : Object.keys(l.type)[0]) === name)!;
    expect(byType('documentImport').type).toEqual({ documentImport: { primary_key: 'id', method: 'ReplaceDocuments', documents_count: 3, allow_index_creation: true } });
    expect(byType('documentImport').details).toEqual({ DocumentAdditionOrUpdate: { received_documents: 3, indexed_documents: 3 } });
    expect(byType('documentDeletion')).toMatchObject({ type: { documentDeletion: { documents_ids: ['1', '2'] } }, details: { DocumentDeletion: { provided_ids: 2, deleted_documents: 1 } } });
    expect(byType('documentDeletionByFilter').details).toEqual({ DocumentDeletionByFilter: { original_filter: '["genre = horror",["year > 2000","year < 1990"]]', deleted_documents: 0 } });
    expect(byType('documentClear')).toMatchObject({ type: 'documentClear', details: { ClearAll: { deleted_documents: 12 } } });
    expect(byType('settings')).toMatchObject({ type: { settings: { settings: { rankingRules: ['words', 'typo'], distinctAttribute: null }, is_deletion: false, allow_index_creation: true } } });
    expect(byType('indexSwap').type).toEqual({ indexSwap: { swaps: [{ indexes: ['a', 'b'], rename: false }, { indexes: ['c', 'd'], rename: true }] } });
    expect(byType('taskCancelation').type).toMatchObject({ taskCancelation: { query: '?statuses=enqueued' } });
    expect(byType('tasksDeletion').type).toEqual({ tasksDeletion: { query: '?uids=0,1', tasks: [58, 48, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 16, 0, 0, 0, 0, 0, 1, 0] } });
    expect(byType('snapshotCreation')).not.toHaveProperty('details');
    expect(byType('upgradeDatabase')).toMatchObject({ type: { upgradeDatabase: { from: [1, 12, 0] } }, details: { UpgradeDatabase: { from: [1, 12, 0], to: [1, 13, 0] } } });
    expect(byType('dumpCreation')).toMatchObject({ type: { dumpCreation: { keys: [], instance_uid: null } }, details: { Dump: { dump_uid: '20250101-000000000' } } });
    const rename = lines.find((l) => typeof l.type === 'object' && 'indexUpdate' in l.type && l.type.indexUpdate!.uid === 'films')!;
    expect(rename.details).toEqual({ IndexInfo: { primary_key: null, new_index_uid: 'films', old_index_uid: 'movies' } });
    const plainUpdate = lines.find((l) => typeof l.type === 'object' && 'indexUpdate' in l.type && !('uid' in l.type.indexUpdate!))!;
    expect(plainUpdate.type).toEqual({ indexUpdate: { primary_key: 'id' } });
  });

  it('omits null optional fields like Meilisearch', () => {
    const line = taskToDump(sampleTasks().find((t) => t.status === 'enqueued')!);
    expect(line).not.toHaveProperty('startedAt');
    expect(line).not.toHaveProperty('finishedAt');
    expect(line).not.toHaveProperty('error');
    expect(line).not.toHaveProperty('canceledBy');
    expect(line.customMetadata).toBe('from-ci');
  });

  it('reads back every kind exactly (ours -> internal -> ours)', () => {
    for (const task of sampleTasks()) expect(parse(JSON.parse(JSON.stringify(taskToDump(task)))), task.kind.type).toEqual(task);
  });

  it('reproduces Meilisearch v1.13 queue lines byte for byte', () => {
    const dump = 'v6_v1.13.0_batches_and_enqueued_tasks.dump';
    const keys = lines(fixtureFile(dump, 'keys.jsonl')).map((l) => keyToDump(keyFromDump(JSON.parse(l), 'keys.jsonl')));
    const instanceUid = fixtureFile(dump, 'instance_uid.uuid');
    for (const line of lines(fixtureFile(dump, 'tasks/queue.jsonl'))) {
      const task = parse(JSON.parse(line));
      expect(JSON.stringify(taskToDump(task, task.kind.type === 'dumpCreation' ? { keys, instanceUid } : undefined))).toBe(line);
    }
  });

  it('reads older V6 lines (no batchUid, errors) into our Task', () => {
    const [, , , failed] = lines(fixtureFile('v6-with-vectors.dump', 'tasks/queue.jsonl')).map((l) => parse(JSON.parse(l)));
    expect(failed).toEqual({
      uid: 3, batchUid: null, indexUid: 'vector', status: 'failed', type: 'documentAdditionOrUpdate', canceledBy: null,
      details: { receivedDocuments: 1, indexedDocuments: 0 },
      error: { message: 'Invalid vector dimensions: expected: `768`, found: `512`.', code: 'invalid_vector_dimensions', type: 'invalid_request', link: 'https://docs.meilisearch.com/errors#invalid_vector_dimensions' },
      duration: 'PT3.526024S', enqueuedAt: '2024-05-16T15:37:50.5386Z', startedAt: '2024-05-16T15:37:50.539681Z', finishedAt: '2024-05-16T15:37:54.065705Z',
      kind: { type: 'documentAdditionOrUpdate', method: 'replace', primaryKey: null, documentsCount: 1, allowIndexCreation: true },
    });
  });

  it('turns a processing task into an enqueued one without a start date', () => {
    const task = parse({ uid: 4, indexUid: null, status: 'processing', type: 'snapshotCreation', enqueuedAt: '2025-01-01T00:00:00Z', startedAt: '2025-01-01T00:00:01Z' });
    expect(task).toMatchObject({ status: 'enqueued', startedAt: null, duration: null });
  });

  it('skips kinds the engine cannot run and rejects malformed lines', () => {
    expect(taskFromDump({ uid: 1, indexUid: 'a', status: 'succeeded', type: { documentEdition: { filter: null, context: null, function: 'x' } }, enqueuedAt: '2025-01-01T00:00:00Z' }, 'q', 7))
      .toEqual({ skipped: expect.stringMatching(/task 1 of type "documentEdition" is not supported/) });
    const bad = [
      [{ uid: -1 }, /uid/],
      [{ uid: 1, status: 'done', type: 'snapshotCreation', enqueuedAt: '2025-01-01T00:00:00Z' }, /unknown status "done"/],
      [{ uid: 1, status: 'enqueued', type: 'documentClear', enqueuedAt: '2025-01-01T00:00:00Z', indexUid: null }, /needs an `indexUid`/],
      [{ uid: 1, status: 'enqueued', type: { documentImport: { method: 'Nope' } }, enqueuedAt: '2025-01-01T00:00:00Z', indexUid: 'a' }, /method/],
      [{ uid: 1, status: 'enqueued', type: 'snapshotCreation', enqueuedAt: 'yesterday' }, /enqueuedAt/],
      [{ uid: 1, status: 'enqueued', type: { taskCancelation: { query: '', tasks: [1, 2] } }, enqueuedAt: '2025-01-01T00:00:00Z' }, /roaring/],
    ] as const;
    for (const [raw, message] of bad) {
      expect(() => taskFromDump(raw, 'tasks/queue.jsonl', 9)).toThrow(DumpError);
      expect(() => taskFromDump(raw, 'tasks/queue.jsonl', 9)).toThrow(message);
      expect(() => taskFromDump(raw, 'tasks/queue.jsonl', 9)).toThrow(/^tasks\/queue\.jsonl line 9: invalid task/);
    }
  });
});

describe('key shape', () => {
  it('writes keys like Meilisearch (snake_case dates, null name/description omitted) and reads them back', () => {
    const [search, custom] = KEYS.map(keyToDump);
    expect(JSON.stringify(search)).toBe('{"description":"Use it to search from the frontend","name":"Default Search API Key","uid":"42092c55-5496-4579-8a51-768ad7866998","actions":["search"],"indexes":["*"],"expires_at":null,"created_at":"2025-02-04T10:14:11.442986832Z","updated_at":"2025-02-04T10:14:11.442986832Z"}');
    expect(custom).not.toHaveProperty('name');
    expect(custom).not.toHaveProperty('description');
    expect(KEYS.map(keyToDump).map((k) => keyFromDump(JSON.parse(JSON.stringify(k)), 'keys.jsonl'))).toEqual(KEYS);
  });

  it('rejects keys without a uuid or dates', () => {
    expect(() => keyFromDump({ uid: 'x', actions: [], indexes: [] }, 'keys.jsonl', 2)).toThrow('keys.jsonl line 2: invalid API key: `uid` must be a uuid');
    expect(() => keyFromDump({ uid: '42092c55-5496-4579-8a51-768ad7866998', actions: [], indexes: [], created_at: 'x' }, 'keys.jsonl')).toThrow(/created_at/);
  });
});

describe('settings shape', () => {
  it('fills keys missing from older dumps with our defaults', () => {
    const raw = JSON.parse(fixtureFile('v6-with-experimental.dump', 'indexes/test/settings.json')) as Record<string, unknown>;
    expect(settingsFromDump(raw, 'settings.json', [])).toEqual(defaultSettings());
  });

  it('merges nested objects, treats null as not set and keeps nullable values', () => {
    const warnings: string[] = [];
    const settings = settingsFromDump({
      typoTolerance: { minWordSizeForTypos: { oneTypo: 4 }, disableOnWords: ['xyz'] },
      faceting: { maxValuesPerFacet: 10 },
      stopWords: null, embedders: null, distinctAttribute: 'sku', searchCutoffMs: null, chat: { enabled: true },
    }, 'indexes/a/settings.json', warnings);
    expect(settings.typoTolerance).toEqual({ enabled: true, minWordSizeForTypos: { oneTypo: 4, twoTypos: 9 }, disableOnWords: ['xyz'], disableOnAttributes: [], disableOnNumbers: false });
    expect(settings.faceting).toEqual({ maxValuesPerFacet: 10, sortFacetValuesBy: { '*': 'alpha' } });
    expect(settings).toMatchObject({ stopWords: [], embedders: {}, distinctAttribute: 'sku', searchCutoffMs: null });
    expect(warnings).toEqual(['indexes/a/settings.json: setting `chat` is not supported by this engine and was ignored']);
  });

  it('forces mean pooling on Hugging Face embedders of dumps older than v1.14 only', () => {
    const raw = { embedders: { default: { source: 'huggingFace', model: 'm' }, other: { source: 'openAi' } } };
    expect(settingsFromDump(raw, 's', [], { legacyEmbedderPooling: true }).embedders).toEqual({ default: { source: 'huggingFace', model: 'm', pooling: 'forceMean' }, other: { source: 'openAi' } });
    expect(settingsFromDump(raw, 's', []).embedders).toEqual(raw.embedders);
  });

  it('rejects values of the wrong type, naming the file and setting', () => {
    expect(() => settingsFromDump({ rankingRules: 'words' }, 'indexes/a/settings.json', [])).toThrow('indexes/a/settings.json: settings.rankingRules: expected an array of strings');
    expect(() => settingsFromDump({ proximityPrecision: 'byLetter' }, 's', [])).toThrow(/proximityPrecision/);
  });
});
