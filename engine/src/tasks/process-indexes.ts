/** Index creation, update (primary key, rename), deletion and swaps. */
import { EngineError } from '../errors/engine-error.ts';
import type { Task } from '../types/task.ts';
import type { BatchPlan, WorkerContext } from './context.ts';
import { newIndexRecord, removeIndexDocuments } from './new-index.ts';
import type { IndexHandle } from '../store/index-registry.ts';

const fail = (error: EngineError): BatchPlan => ({ outcomes: [{ status: 'failed', error: error.toJSON() }] });

export function planIndexCreation(ctx: WorkerContext, task: Task): BatchPlan {
  if (task.kind.type !== 'indexCreation') throw new Error('unreachable');
  const uid = task.indexUid!;
  if (ctx.registry.get(uid)) return fail(new EngineError('index_already_exists', `Index \`${uid}\` already exists.`));
  const { record, persist } = newIndexRecord(ctx, uid, task.kind.primaryKey, new Date().toISOString());
  return {
    outcomes: [{ status: 'succeeded', details: { primaryKey: task.kind.primaryKey } }],
    write: persist,
    apply: () => { ctx.registry.attach(record); },
  };
}

export function planIndexUpdate(ctx: WorkerContext, task: Task): BatchPlan {
  if (task.kind.type !== 'indexUpdate') throw new Error('unreachable');
  const uid = task.indexUid!;
  const handle = ctx.registry.get(uid);
  if (!handle) return fail(new EngineError('index_not_found', `Index \`${uid}\` not found.`));
  const { primaryKey, newUid } = task.kind;
  const record = { ...handle.record, updatedAt: new Date().toISOString() };
  if (primaryKey !== null && primaryKey !== handle.record.primaryKey) {
    if (handle.documentCount > 0) {
      return fail(new EngineError('index_primary_key_already_exists', `Index \`${uid}\`: Index already has a primary key: \`${handle.record.primaryKey}\`.`));
    }
    record.primaryKey = primaryKey;
  }
  if (newUid !== null && newUid !== uid) {
    if (ctx.registry.get(newUid)) return fail(new EngineError('index_already_exists', `Index \`${newUid}\` already exists.`));
    record.uid = newUid;
  }
  const details: Record<string, unknown> = { primaryKey: record.primaryKey };
  if (newUid !== null) Object.assign(details, { oldIndexUid: uid, newIndexUid: newUid });
  return {
    outcomes: [{ status: 'succeeded', details }],
    write: () => {
      if (record.uid !== uid) ctx.db.indexes.remove(uid);
      ctx.db.indexes.put(record.uid, record);
    },
    apply: () => {
      handle.record = record;
      ctx.registry.rekey([handle]);
    },
  };
}

export function planIndexDeletion(ctx: WorkerContext, task: Task): BatchPlan {
  const uid = task.indexUid!;
  const handle = ctx.registry.get(uid);
  if (!handle) return fail(new EngineError('index_not_found', `Index \`${uid}\` not found.`));
  return {
    outcomes: [{ status: 'succeeded', details: { deletedDocuments: handle.documentCount } }],
    write: () => {
      removeIndexDocuments(ctx, handle.record.internalId);
      ctx.db.indexes.remove(uid);
    },
    apply: () => ctx.registry.detach(uid),
  };
}

export function planIndexSwap(ctx: WorkerContext, task: Task): BatchPlan {
  if (task.kind.type !== 'indexSwap') throw new Error('unreachable');
  const swaps = task.kind.swaps;
  const missing = [...new Set(swaps.flatMap((swap) => swap.indexes.filter((uid, position) => {
    const exists = ctx.registry.get(uid) !== undefined;
    // With rename, the second index is the new name and must not exist.
    return swap.rename ? (position === 0 ? !exists : false) : !exists;
  })))];
  if (missing.length > 0) {
    const names = missing.map((uid) => `\`${uid}\``).join(', ');
    return fail(new EngineError('index_not_found', missing.length === 1 ? `Index ${names} not found.` : `Indexes ${names} not found.`));
  }
  const existingTargets = swaps.filter((swap) => swap.rename && ctx.registry.get(swap.indexes[1])).map((swap) => swap.indexes[1]);
  if (existingTargets.length > 0) {
    return fail(new EngineError('index_already_exists', `Index \`${existingTargets[0]}\` already exists.`));
  }
  const now = new Date().toISOString();
  const changed: IndexHandle[] = [];
  const newRecords = new Map<IndexHandle, typeof changed[number]['record']>();
  for (const swap of swaps) {
    const [a, b] = swap.indexes;
    const left = ctx.registry.require(a);
    if (swap.rename) {
      newRecords.set(left, { ...left.record, uid: b, updatedAt: now });
      changed.push(left);
      continue;
    }
    const right = ctx.registry.require(b);
    newRecords.set(left, { ...left.record, uid: b, updatedAt: now });
    newRecords.set(right, { ...right.record, uid: a, updatedAt: now });
    changed.push(left, right);
  }
  return {
    outcomes: [{ status: 'succeeded', details: { swaps } }],
    write: () => {
      for (const handle of changed) ctx.db.indexes.remove(handle.record.uid);
      for (const record of newRecords.values()) ctx.db.indexes.put(record.uid, record);
      // Tasks keep pointing at the data they touched: swap their index uids too, as Meilisearch.
      const renames = new Map<string, string>();
      for (const [handle, record] of newRecords) renames.set(handle.record.uid, record.uid);
      for (const { value } of ctx.db.tasks.getRange({})) {
        if (value.indexUid !== null && renames.has(value.indexUid) && value.uid !== task.uid) {
          ctx.db.tasks.put(value.uid, { ...value, indexUid: renames.get(value.indexUid)! });
        }
      }
    },
    apply: () => {
      for (const [handle, record] of newRecords) handle.record = record;
      ctx.registry.rekey(changed);
    },
  };
}
