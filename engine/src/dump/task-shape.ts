/**
 * Our Task -> the line Meilisearch writes in `tasks/queue.jsonl`.
 *
 * That line is Meilisearch's INTERNAL task, not the API view: the top level is camelCase, but
 * `type` is the externally tagged kind with snake_case fields (`{"documentImport":{...}}`, unit
 * kinds as bare strings) and `details` is externally tagged with a PascalCase variant and
 * snake_case fields (`{"DocumentAdditionOrUpdate":{"received_documents":1,...}}`). Writing that
 * exact shape is what lets Meilisearch import our dumps. Optional fields are omitted when null,
 * as Meilisearch does. task-parse.ts is the inverse.
 */
import type { ErrorObject } from '../errors/engine-error.ts';
import type { Task, TaskKind, TaskStatus } from '../types/task.ts';
import type { DumpKey } from './key-shape.ts';
import { encodeRoaring } from './roaring.ts';

export type DumpTaskType = string | Record<string, Record<string, unknown>>;
export type DumpDetails = Record<string, Record<string, unknown>>;

export interface DumpTask {
  uid: number;
  batchUid: number | null;
  indexUid: string | null;
  status: TaskStatus;
  type: DumpTaskType;
  canceledBy?: number;
  details?: DumpDetails;
  error?: ErrorObject;
  enqueuedAt: string;
  startedAt?: string;
  finishedAt?: string;
  customMetadata?: string;
}

/** What a `dumpCreation` kind carries in Meilisearch: the keys and instance uid of its request. */
export interface DumpTaskContext {
  keys: DumpKey[];
  instanceUid: string | null;
}

const NO_CONTEXT: DumpTaskContext = { keys: [], instanceUid: null };

export function kindToDump(kind: TaskKind, context: DumpTaskContext = NO_CONTEXT): DumpTaskType {
  switch (kind.type) {
    case 'documentAdditionOrUpdate':
      return { documentImport: {
        primary_key: kind.primaryKey,
        method: kind.method === 'update' ? 'UpdateDocuments' : 'ReplaceDocuments',
        documents_count: kind.documentsCount,
        allow_index_creation: kind.allowIndexCreation,
      } };
    case 'documentDeletion': return { documentDeletion: { documents_ids: [...kind.ids] } };
    case 'documentDeletionByFilter': return { documentDeletionByFilter: { filter: kind.filter } };
    case 'documentClear': return 'documentClear';
    case 'settingsUpdate':
      return { settings: { settings: kind.settings, is_deletion: kind.isDeletion, allow_index_creation: kind.allowIndexCreation } };
    case 'indexCreation': return { indexCreation: { primary_key: kind.primaryKey } };
    // `uid` (the new name of a rename) only when set: older Meilisearch versions do not know it.
    case 'indexUpdate': return { indexUpdate: { primary_key: kind.primaryKey, ...(kind.newUid !== null ? { uid: kind.newUid } : {}) } };
    case 'indexDeletion': return 'indexDeletion';
    case 'indexSwap': return { indexSwap: { swaps: kind.swaps.map((swap) => ({ indexes: [...swap.indexes], rename: swap.rename })) } };
    case 'taskCancelation': return { taskCancelation: { query: kind.query, tasks: encodeRoaring(kind.tasks) } };
    case 'taskDeletion': return { tasksDeletion: { query: kind.query, tasks: encodeRoaring(kind.tasks) } };
    case 'dumpCreation': return { dumpCreation: { keys: context.keys, instance_uid: context.instanceUid } };
    case 'snapshotCreation': return 'snapshotCreation';
    case 'upgradeDatabase': return { upgradeDatabase: { from: [...kind.from] } };
  }
}

const count = (value: unknown, fallback: number | null = null): number | null => (typeof value === 'number' ? value : fallback);
const text = (value: unknown, fallback: string | null = null): string | null => (typeof value === 'string' ? value : fallback);

/** `"v1.12.0"` -> `[1, 12, 0]` (the API view prints versions, the internal form stores triples). */
export function parseVersionTriple(value: unknown): [number, number, number] | null {
  const m = typeof value === 'string' ? /^v?(\d+)\.(\d+)\.(\d+)/.exec(value) : null;
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}

/** The API details view (camelCase, flat) -> Meilisearch's internal Details, chosen by the kind. */
export function detailsToDump(kind: TaskKind, d: Record<string, unknown>): DumpDetails | undefined {
  switch (kind.type) {
    case 'documentAdditionOrUpdate':
      return { DocumentAdditionOrUpdate: { received_documents: count(d.receivedDocuments, kind.documentsCount), indexed_documents: count(d.indexedDocuments) } };
    case 'documentDeletion':
      return { DocumentDeletion: { provided_ids: count(d.providedIds, kind.ids.length), deleted_documents: count(d.deletedDocuments) } };
    case 'documentDeletionByFilter':
      return { DocumentDeletionByFilter: { original_filter: text(d.originalFilter, JSON.stringify(kind.filter)), deleted_documents: count(d.deletedDocuments) } };
    case 'documentClear':
    case 'indexDeletion':
      return { ClearAll: { deleted_documents: count(d.deletedDocuments) } };
    case 'settingsUpdate': return { SettingsUpdate: { settings: { ...d } } };
    case 'indexCreation':
    case 'indexUpdate':
      return { IndexInfo: {
        primary_key: text(d.primaryKey),
        ...(typeof d.newIndexUid === 'string' ? { new_index_uid: d.newIndexUid } : {}),
        ...(typeof d.oldIndexUid === 'string' ? { old_index_uid: d.oldIndexUid } : {}),
      } };
    case 'indexSwap': return { IndexSwap: { swaps: Array.isArray(d.swaps) ? d.swaps : kind.swaps } };
    case 'taskCancelation':
      return { TaskCancelation: { matched_tasks: count(d.matchedTasks, kind.tasks.length), canceled_tasks: count(d.canceledTasks), original_filter: text(d.originalFilter, kind.query) } };
    case 'taskDeletion':
      return { TaskDeletion: { matched_tasks: count(d.matchedTasks, kind.tasks.length), deleted_tasks: count(d.deletedTasks), original_filter: text(d.originalFilter, kind.query) } };
    case 'dumpCreation': return { Dump: { dump_uid: text(d.dumpUid) } };
    case 'snapshotCreation': return undefined;
    case 'upgradeDatabase': {
      const from = parseVersionTriple(d.upgradeFrom) ?? kind.from;
      // The internal form needs both ends; an unfinished upgrade has no target yet.
      return { UpgradeDatabase: { from, to: parseVersionTriple(d.upgradeTo) ?? from } };
    }
  }
}

export function taskToDump(task: Task, context?: DumpTaskContext): DumpTask {
  // Field order as Meilisearch writes it, so our lines are byte-identical to theirs.
  const out: DumpTask = {
    uid: task.uid,
    batchUid: task.batchUid,
    indexUid: task.indexUid,
    status: task.status,
    type: kindToDump(task.kind, context),
  } as DumpTask;
  if (task.canceledBy !== null) out.canceledBy = task.canceledBy;
  const details = task.details === undefined ? undefined : detailsToDump(task.kind, task.details);
  if (details !== undefined) out.details = details;
  if (task.error !== null) out.error = task.error;
  out.enqueuedAt = task.enqueuedAt;
  if (task.startedAt !== null) out.startedAt = task.startedAt;
  if (task.finishedAt !== null) out.finishedAt = task.finishedAt;
  if (task.customMetadata !== undefined) out.customMetadata = task.customMetadata;
  return out;
}
