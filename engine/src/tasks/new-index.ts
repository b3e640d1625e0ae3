import type { IndexRecord } from '../store/database.ts';
import { defaultSettings } from '../types/settings.ts';
import type { WorkerContext } from './context.ts';

/**
 * A record for a new index. The internal id counter is read here and advanced by `persist`
 * inside the batch's transaction; only the worker touches it, so no other writer races.
 */
export function newIndexRecord(ctx: WorkerContext, uid: string, primaryKey: string | null, now: string): { record: IndexRecord; persist: () => void } {
  const internalId = (ctx.db.meta.get('nextIndexInternalId') as number | undefined) ?? 0;
  const record: IndexRecord = { uid, internalId, primaryKey, createdAt: now, updatedAt: now, settings: defaultSettings() };
  return {
    record,
    persist: () => {
      ctx.db.meta.put('nextIndexInternalId', internalId + 1);
      ctx.db.indexes.put(uid, record);
    },
  };
}

/** Removes every stored document of an index. */
export function removeIndexDocuments(ctx: WorkerContext, internalId: number): void {
  ctx.db.documents.clear(internalId);
}
