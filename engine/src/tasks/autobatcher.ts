/**
 * Pure batching decision: which enqueued tasks the worker processes next, together.
 * Cancelations and deletions of tasks go first (they change what else runs); otherwise tasks run
 * in uid order, and consecutive document additions (same index, same method) or deletions by id
 * on the same index share one batch and one transaction.
 */
import type { Task } from '../types/task.ts';

/** Bounds a batch's memory: a batch holds all its documents at once. */
export const MAX_BATCH_DOCUMENTS = 200_000;
export const MAX_BATCH_TASKS = 1_000;

export function nextBatch(enqueued: readonly Task[]): Task[] {
  const priority = enqueued.find((task) => task.kind.type === 'taskCancelation') ?? enqueued.find((task) => task.kind.type === 'taskDeletion');
  if (priority) return [priority];
  const first = enqueued[0];
  if (!first) return [];
  const batch = [first];
  if (first.kind.type !== 'documentAdditionOrUpdate' && first.kind.type !== 'documentDeletion') return batch;
  let documents = first.kind.type === 'documentAdditionOrUpdate' ? first.kind.documentsCount : 0;
  for (const task of enqueued.slice(1)) {
    if (!compatible(first, task) || batch.length >= MAX_BATCH_TASKS) break;
    if (task.kind.type === 'documentAdditionOrUpdate') {
      if (documents + task.kind.documentsCount > MAX_BATCH_DOCUMENTS) break;
      documents += task.kind.documentsCount;
    }
    batch.push(task);
  }
  return batch;
}

function compatible(first: Task, task: Task): boolean {
  if (task.indexUid !== first.indexUid) return false;
  if (first.kind.type === 'documentAdditionOrUpdate' && task.kind.type === 'documentAdditionOrUpdate') {
    return task.kind.method === first.kind.method && task.kind.allowIndexCreation === first.kind.allowIndexCreation
      && (task.kind.primaryKey === null || task.kind.primaryKey === first.kind.primaryKey);
  }
  return first.kind.type === 'documentDeletion' && task.kind.type === 'documentDeletion';
}
