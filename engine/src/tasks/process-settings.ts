/** Settings updates: merged, stored, then applied to the core (which re-indexes what it must). */
import { EngineError } from '../errors/engine-error.ts';
import { mergeSettings } from '../settings/merge.ts';
import type { Task } from '../types/task.ts';
import type { BatchPlan, WorkerContext } from './context.ts';
import { newIndexRecord } from './new-index.ts';

export function planSettingsUpdate(ctx: WorkerContext, task: Task): BatchPlan {
  if (task.kind.type !== 'settingsUpdate') throw new Error('unreachable');
  const uid = task.indexUid!;
  const now = new Date().toISOString();
  let handle = ctx.registry.get(uid);
  let createIndex: (() => void) | null = null;
  let record = handle?.record;
  if (!record) {
    if (!task.kind.allowIndexCreation) {
      return { outcomes: [{ status: 'failed', error: new EngineError('index_not_found', `Index \`${uid}\` not found.`).toJSON() }] };
    }
    const created = newIndexRecord(ctx, uid, null, now);
    record = created.record;
    createIndex = created.persist;
  }
  let settings;
  try {
    settings = mergeSettings(record.settings, task.kind.settings);
  } catch (error) {
    if (error instanceof EngineError) return { outcomes: [{ status: 'failed', error: error.toJSON() }] };
    throw error;
  }
  const next = { ...record, settings, updatedAt: now };
  return {
    outcomes: [{ status: 'succeeded', details: { ...task.kind.settings } }],
    write: () => {
      createIndex?.();
      ctx.db.indexes.put(uid, next);
    },
    apply: () => {
      handle ??= ctx.registry.attach(next);
      handle.record = next;
      handle.core.applySettings(settings, handle.source);
    },
  };
}
