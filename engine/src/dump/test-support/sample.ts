/**
 * A small instance with one task of every kind our engine has, in the exact shapes Meilisearch's
 * API shows them (details included), for converter and round-trip tests.
 */
import type { StoredKey } from '../../types/key.ts';
import { defaultSettings, type Settings } from '../../types/settings.ts';
import type { Task, TaskKind } from '../../types/task.ts';
import { isoDuration } from '../time.ts';
import type { DumpIndexSource, DumpSource } from '../writer.ts';

export const INSTANCE_UID = '972b0d34-a73b-4b37-9a06-eac9af32c9b3';

export const KEYS: StoredKey[] = [
  { uid: '42092c55-5496-4579-8a51-768ad7866998', name: 'Default Search API Key', description: 'Use it to search from the frontend', actions: ['search'], indexes: ['*'], expiresAt: null, createdAt: '2025-02-04T10:14:11.442986832Z', updatedAt: '2025-02-04T10:14:11.442986832Z' },
  { uid: '2004d2a6-2f86-431c-ba19-35a401b1812c', name: null, description: null, actions: ['documents.*', 'indexes.get'], indexes: ['movies', 'prod*'], expiresAt: '2030-01-01T00:00:00Z', createdAt: '2025-02-04T10:14:11.434973257Z', updatedAt: '2025-03-01T08:00:00.5Z' },
];

let nextUid = 0;
function task(kind: TaskKind, fields: Partial<Task> & { details?: Record<string, unknown> }): Task {
  const startedAt = fields.startedAt === undefined ? '2025-02-04T10:15:21.275640274Z' : fields.startedAt;
  const finishedAt = fields.finishedAt === undefined ? '2025-02-04T10:15:21.420468164Z' : fields.finishedAt;
  const type = kind.type === 'documentDeletionByFilter' || kind.type === 'documentClear' ? 'documentDeletion' : kind.type;
  const out: Task = {
    uid: nextUid++, batchUid: null, indexUid: null, status: 'succeeded', type, canceledBy: null, error: null,
    enqueuedAt: '2025-02-04T10:15:21.258630973Z', ...fields, startedAt, finishedAt,
    duration: isoDuration(startedAt, finishedAt), kind,
  };
  if (fields.details === undefined) delete out.details;
  return out;
}

export function sampleTasks(): Task[] {
  nextUid = 0;
  return [
    task({ type: 'indexCreation', primaryKey: null }, { indexUid: 'movies', batchUid: 0, details: { primaryKey: null } }),
    task({ type: 'documentAdditionOrUpdate', method: 'replace', primaryKey: 'id', documentsCount: 3, allowIndexCreation: true },
      { indexUid: 'movies', batchUid: 1, details: { receivedDocuments: 3, indexedDocuments: 3 } }),
    task({ type: 'documentAdditionOrUpdate', method: 'update', primaryKey: null, documentsCount: 2, allowIndexCreation: false },
      { indexUid: 'movies', status: 'failed', details: { receivedDocuments: 2, indexedDocuments: 0 },
        error: { message: 'Document identifier `"a b"` is invalid.', code: 'invalid_document_id', type: 'invalid_request', link: 'https://docs.meilisearch.com/errors#invalid_document_id' } }),
    task({ type: 'documentDeletion', ids: ['1', '2'] }, { indexUid: 'movies', details: { providedIds: 2, deletedDocuments: 1, originalFilter: null } }),
    task({ type: 'documentDeletionByFilter', filter: ['genre = horror', ['year > 2000', 'year < 1990']] },
      { indexUid: 'movies', details: { providedIds: 0, originalFilter: JSON.stringify(['genre = horror', ['year > 2000', 'year < 1990']]), deletedDocuments: 0 } }),
    task({ type: 'documentClear' }, { indexUid: 'books', details: { deletedDocuments: 12 } }),
    task({ type: 'settingsUpdate', settings: { rankingRules: ['words', 'typo'], distinctAttribute: null }, isDeletion: false, allowIndexCreation: true },
      { indexUid: 'movies', details: { rankingRules: ['words', 'typo'], distinctAttribute: null } }),
    task({ type: 'indexUpdate', primaryKey: 'id', newUid: null }, { indexUid: 'movies', details: { primaryKey: 'id' } }),
    task({ type: 'indexUpdate', primaryKey: null, newUid: 'films' }, { indexUid: 'movies', details: { primaryKey: null, oldIndexUid: 'movies', newIndexUid: 'films' } }),
    task({ type: 'indexDeletion' }, { indexUid: 'old', details: { deletedDocuments: 5 } }),
    task({ type: 'indexSwap', swaps: [{ indexes: ['a', 'b'], rename: false }, { indexes: ['c', 'd'], rename: true }] },
      { details: { swaps: [{ indexes: ['a', 'b'], rename: false }, { indexes: ['c', 'd'], rename: true }] } }),
    task({ type: 'taskCancelation', query: '?statuses=enqueued', tasks: [1, 5, 70000] },
      { details: { matchedTasks: 3, canceledTasks: 0, originalFilter: '?statuses=enqueued' } }),
    task({ type: 'taskDeletion', query: '?uids=0,1', tasks: [0, 1] }, { canceledBy: null, details: { matchedTasks: 2, deletedTasks: 2, originalFilter: '?uids=0,1' } }),
    task({ type: 'snapshotCreation' }, {}),
    task({ type: 'upgradeDatabase', from: [1, 12, 0] }, { details: { upgradeFrom: 'v1.12.0', upgradeTo: 'v1.13.0' } }),
    task({ type: 'dumpCreation' }, { details: { dumpUid: '20250101-000000000' } }),
    task({ type: 'documentAdditionOrUpdate', method: 'replace', primaryKey: null, documentsCount: 2, allowIndexCreation: true },
      { indexUid: 'movies', status: 'canceled', canceledBy: 11, details: { receivedDocuments: 2, indexedDocuments: 0 } }),
    task({ type: 'settingsUpdate', settings: { stopWords: ['the'] }, isDeletion: false, allowIndexCreation: true },
      { indexUid: 'movies', status: 'enqueued', startedAt: null, finishedAt: null, customMetadata: 'from-ci', details: { stopWords: ['the'] } }),
    // Still enqueued: its payload travels in tasks/update_files/<uid>.jsonl.
    task({ type: 'documentAdditionOrUpdate', method: 'update', primaryKey: 'id', documentsCount: 2, allowIndexCreation: true },
      { indexUid: 'movies', status: 'enqueued', startedAt: null, finishedAt: null, details: { receivedDocuments: 2, indexedDocuments: null } }),
  ];
}

export const PAYLOAD = [{ id: 10, title: 'Pending one', tags: ['a'] }, { id: 11, title: 'Pending two', nested: { deep: [1, 2, { x: null }] } }];

export function sampleSettings(): Settings {
  const settings = defaultSettings();
  settings.rankingRules = ['words', 'typo', 'proximity', 'attribute', 'sort', 'exactness', 'year:desc'];
  settings.filterableAttributes = ['genre', { attributePatterns: ['year'], features: { facetSearch: false, filter: { equality: true, comparison: true } } }];
  settings.sortableAttributes = ['year'];
  settings.synonyms = { film: ['movie'] };
  settings.typoTolerance.disableOnNumbers = true;
  settings.localizedAttributes = [{ attributePatterns: ['title_fr'], locales: ['fra'] }];
  settings.searchCutoffMs = 150;
  return settings;
}

export const MOVIES = [
  { id: 1, title: 'Carol', year: 2015, genre: ['drama'], text: 'line\nbreak "quoted" \u2028 \u00e9\u00e8 \ud83c\udfac' },
  { id: 2, title: 'Wild at Heart', year: 1990, rating: 7.2, empty: {}, none: null },
  { id: '3-b', title: 'Dune', year: 2021, big: Number.MAX_SAFE_INTEGER },
];

export function sampleIndexes(): DumpIndexSource[] {
  return [
    { uid: 'movies', primaryKey: 'id', createdAt: '2025-02-04T10:14:43.560230749Z', updatedAt: '2025-02-04T10:15:21.391248252Z', settings: sampleSettings(), documents: () => MOVIES },
    { uid: 'empty_one', primaryKey: null, createdAt: '2025-02-05T00:00:00Z', updatedAt: '2025-02-05T00:00:00Z', settings: defaultSettings(), documents: () => [] },
  ];
}

export function sampleSource(overrides: Partial<DumpSource> = {}): DumpSource {
  const tasks = sampleTasks();
  return {
    instanceUid: INSTANCE_UID,
    engineVersion: '1.13.0',
    keys: KEYS,
    *tasks() {
      for (const t of tasks) yield t.status === 'enqueued' && t.kind.type === 'documentAdditionOrUpdate' ? { task: t, payload: () => PAYLOAD } : { task: t };
    },
    // Async on purpose: the writer accepts both.
    async *indexes() {
      yield* sampleIndexes();
    },
    ...overrides,
  };
}
