/**
 * Document additions (replace or update) and deletions. Each task of a batch is validated on
 * its own (one bad task fails alone), then the batch's writes commit in one transaction, and
 * the in-memory core follows once they are durable.
 */
import { EngineError, toErrorObject } from '../errors/engine-error.ts';
import { documentIdOf, inferPrimaryKey } from '../documents/primary-key.ts';
import type { Document } from '../types/document.ts';
import type { Task } from '../types/task.ts';
import type { IndexRecord } from '../store/database.ts';
import type { BatchPlan, WorkerContext } from './context.ts';
import type { Outcome } from './outcome.ts';
import { newIndexRecord, removeIndexDocuments } from './new-index.ts';

export function planDocumentAdditions(ctx: WorkerContext, batch: Task[]): BatchPlan {
  const uid = batch[0]!.indexUid!;
  const now = new Date().toISOString();
  let handle = ctx.registry.get(uid);
  let record: IndexRecord;
  let createIndex: (() => void) | null = null;
  if (handle) {
    record = { ...handle.record };
  } else {
    const first = batch[0]!.kind;
    if (first.type !== 'documentAdditionOrUpdate' || !first.allowIndexCreation) {
      const error = new EngineError('index_not_found', `Index \`${uid}\` not found.`).toJSON();
      return { outcomes: batch.map(() => ({ status: 'failed', error })) };
    }
    const created = newIndexRecord(ctx, uid, null, now);
    record = created.record;
    createIndex = created.persist;
  }
  const stored = (id: string): Document | undefined => ctx.db.documents.get(record.internalId, id);
  // The batch's view of documents: later tasks see what earlier tasks of the batch wrote.
  const pending = new Map<string, Document>();
  const outcomes: Outcome[] = [];
  for (const task of batch) {
    if (task.kind.type !== 'documentAdditionOrUpdate') throw new Error('unreachable');
    const documents = ctx.queue.payload(task.uid) ?? [];
    try {
      const requested = task.kind.primaryKey;
      if (record.primaryKey !== null && requested !== null && requested !== record.primaryKey) {
        throw new EngineError('index_primary_key_already_exists', `Index \`${uid}\`: Index already has a primary key: \`${record.primaryKey}\`.`);
      }
      const primaryKey = record.primaryKey ?? requested ?? (documents[0] ? inferPrimaryKey(documents[0]) : null);
      const changes = new Map<string, Document>();
      if (primaryKey !== null) {
        for (const document of documents) {
          const id = documentIdOf(document, primaryKey);
          const base = task.kind.method === 'update' ? (changes.get(id) ?? pending.get(id) ?? stored(id)) : undefined;
          changes.set(id, base ? { ...base, ...document } : document);
        }
        record.primaryKey = primaryKey;
      }
      for (const [id, document] of changes) pending.set(id, document);
      outcomes.push({ status: 'succeeded', details: { receivedDocuments: documents.length, indexedDocuments: documents.length } });
    } catch (error) {
      outcomes.push({ status: 'failed', error: toErrorObject(error), details: { receivedDocuments: documents.length, indexedDocuments: 0 } });
    }
  }
  if (pending.size > 0 || record.primaryKey !== handle?.record.primaryKey) record.updatedAt = now;
  return {
    outcomes,
    write: () => {
      createIndex?.();
      ctx.db.indexes.put(uid, record);
      for (const [id, document] of pending) ctx.db.documents.put(record.internalId, id, document);
    },
    apply: () => {
      handle ??= ctx.registry.attach(record);
      handle.record = record;
      for (const [id, document] of pending) handle.core.upsert(id, document);
    },
  };
}

export function planDocumentDeletions(ctx: WorkerContext, batch: Task[]): BatchPlan {
  const uid = batch[0]!.indexUid!;
  const handle = ctx.registry.get(uid);
  if (!handle) {
    const error = new EngineError('index_not_found', `Index \`${uid}\` not found.`).toJSON();
    return { outcomes: batch.map(() => ({ status: 'failed', error })) };
  }
  const internalId = handle.record.internalId;
  const deleted = new Set<string>();
  let clear = false;
  const outcomes: Outcome[] = [];
  const exists = (id: string): boolean => !clear && !deleted.has(id) && ctx.db.documents.has(internalId, id);
  for (const task of batch) {
    const kind = task.kind;
    try {
      if (kind.type === 'documentDeletion') {
        let count = 0;
        for (const id of kind.ids) if (exists(id)) { deleted.add(id); count += 1; }
        outcomes.push({ status: 'succeeded', details: { providedIds: kind.ids.length, deletedDocuments: count, originalFilter: null } });
      } else if (kind.type === 'documentDeletionByFilter') {
        const ids = handle.core.filterDocuments(kind.filter, 'invalid_document_filter').filter(exists);
        for (const id of ids) deleted.add(id);
        outcomes.push({ status: 'succeeded', details: { providedIds: 0, originalFilter: JSON.stringify(kind.filter), deletedDocuments: ids.length } });
      } else if (kind.type === 'documentClear') {
        const count = clear ? 0 : handle.documentCount - deleted.size;
        clear = true;
        outcomes.push({ status: 'succeeded', details: { deletedDocuments: count } });
      } else {
        throw new Error('unreachable');
      }
    } catch (error) {
      outcomes.push({ status: 'failed', error: toErrorObject(error), details: { ...task.details, deletedDocuments: 0 } });
    }
  }
  const now = new Date().toISOString();
  const record = { ...handle.record, updatedAt: now };
  return {
    outcomes,
    write: () => {
      if (clear) removeIndexDocuments(ctx, internalId);
      else for (const id of deleted) ctx.db.documents.remove(internalId, id);
      ctx.db.indexes.put(uid, record);
    },
    apply: () => {
      handle.record = record;
      if (clear) handle.core.clear();
      else for (const id of deleted) handle.core.remove(id);
    },
  };
}
