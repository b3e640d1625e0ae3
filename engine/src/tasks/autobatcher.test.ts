import { describe, expect, it } from 'vitest';
import { nextBatch, MAX_BATCH_DOCUMENTS } from './autobatcher.ts';
import type { Task, TaskKind } from '../types/task.ts';

let uid = 0;
function task(indexUid: string | null, kind: TaskKind): Task {
  return { uid: uid++, batchUid: null, indexUid, status: 'enqueued', type: kind.type === 'documentClear' ? 'documentDeletion' : (kind.type as Task['type']), canceledBy: null, error: null, duration: null, enqueuedAt: '', startedAt: null, finishedAt: null, kind };
}
const add = (index: string, documentsCount = 10, method: 'replace' | 'update' = 'replace', primaryKey: string | null = null) =>
  task(index, { type: 'documentAdditionOrUpdate', method, primaryKey, documentsCount, allowIndexCreation: true });

describe('nextBatch', () => {
  it('batches consecutive additions to one index with the same method', () => {
    const tasks = [add('a'), add('a'), add('a', 10, 'update'), add('a')];
    expect(nextBatch(tasks)).toEqual(tasks.slice(0, 2));
  });

  it('stops at a task of another index or kind, and takes non-document tasks alone', () => {
    const settings = task('a', { type: 'settingsUpdate', settings: {}, isDeletion: false, allowIndexCreation: true });
    expect(nextBatch([add('a'), add('b')])).toHaveLength(1);
    expect(nextBatch([add('a'), settings, add('a')])).toHaveLength(1);
    expect(nextBatch([settings, add('a')])).toEqual([settings]);
  });

  it('never batches a task that names a different primary key', () => {
    expect(nextBatch([add('a', 1, 'replace', 'id'), add('a', 1, 'replace', 'sku')])).toHaveLength(1);
    expect(nextBatch([add('a', 1, 'replace', 'id'), add('a', 1, 'replace', null)])).toHaveLength(2);
  });

  it('runs cancelations, then deletions of tasks, before anything else', () => {
    const cancel = task(null, { type: 'taskCancelation', query: '?uids=1', tasks: [1] });
    const deletion = task(null, { type: 'taskDeletion', query: '?uids=1', tasks: [1] });
    expect(nextBatch([add('a'), deletion, cancel])).toEqual([cancel]);
    expect(nextBatch([add('a'), deletion])).toEqual([deletion]);
  });

  it('bounds a batch by its number of documents', () => {
    expect(nextBatch([add('a', MAX_BATCH_DOCUMENTS - 1), add('a', 2)])).toHaveLength(1);
  });

  it('batches deletions by id on one index', () => {
    const del = (index: string) => task(index, { type: 'documentDeletion', ids: ['1'] });
    expect(nextBatch([del('a'), del('a'), del('b')])).toHaveLength(2);
    expect(nextBatch([])).toEqual([]);
  });
});
