/**
 * A `tasks/queue.jsonl` line (Meilisearch's internal task, see task-shape.ts) -> our Task.
 *
 * Every field is checked, and a line that does not fit is a DumpError naming the file and line.
 * Two deliberate normalizations: a `processing` task becomes `enqueued` with no `startedAt` (as
 * Meilisearch's own compat layer does: nothing is processing in a freshly imported instance),
 * and the API `duration` is derived from the dates. Kinds our engine cannot run (document edition
 * by function, export, index compaction, network/sharding tasks...) are reported as skipped.
 */
import type { ErrorObject } from '../errors/engine-error.ts';
import type { FilterInput } from '../index/types.ts';
import type { SettingsPatch } from '../types/settings.ts';
import { TASK_STATUSES, type Task, type TaskKind, type TaskStatus, type TaskType } from '../types/task.ts';
import { describe, invalidContent } from './errors.ts';
import { isObject } from './jsonl.ts';
import { decodeRoaring } from './roaring.ts';
import { isoDuration, isTimestamp } from './time.ts';

export type ParsedTask = { task: Task } | { skipped: string };

const ERROR_TYPES = new Set(['invalid_request', 'internal', 'auth', 'system']);
const INDEX_SCOPED = new Set<TaskKind['type']>(['documentAdditionOrUpdate', 'documentDeletion', 'documentDeletionByFilter',
  'documentClear', 'settingsUpdate', 'indexCreation', 'indexUpdate', 'indexDeletion']);

const camel = (key: string): string => key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

function apiType(kind: TaskKind): TaskType {
  return kind.type === 'documentDeletionByFilter' || kind.type === 'documentClear' ? 'documentDeletion' : kind.type;
}

export function taskFromDump(raw: unknown, rel: string, line?: number): ParsedTask {
  const bad = (what: string, cause?: unknown) => invalidContent(rel, `invalid task: ${what}`, line, cause);
  if (!isObject(raw)) throw bad('expected a JSON object');
  const { uid, batchUid, indexUid, status, canceledBy, enqueuedAt, startedAt, finishedAt, customMetadata } = raw;
  if (!Number.isInteger(uid) || (uid as number) < 0) throw bad('`uid` must be a non-negative integer');
  const where = `task ${uid as number}`;
  if (batchUid != null && !Number.isInteger(batchUid)) throw bad(`${where}: \`batchUid\` must be an integer or null`);
  if (indexUid != null && typeof indexUid !== 'string') throw bad(`${where}: \`indexUid\` must be a string or null`);
  if (typeof status !== 'string' || !(TASK_STATUSES as readonly string[]).includes(status)) throw bad(`${where}: unknown status ${JSON.stringify(status)}`);
  if (canceledBy != null && !Number.isInteger(canceledBy)) throw bad(`${where}: \`canceledBy\` must be an integer`);
  if (!isTimestamp(enqueuedAt)) throw bad(`${where}: \`enqueuedAt\` must be an RFC 3339 date`);
  for (const [name, value] of [['startedAt', startedAt], ['finishedAt', finishedAt]] as const) {
    if (value != null && !isTimestamp(value)) throw bad(`${where}: \`${name}\` must be an RFC 3339 date`);
  }
  if (customMetadata != null && typeof customMetadata !== 'string') throw bad(`${where}: \`customMetadata\` must be a string`);

  let kind: TaskKind | null;
  try {
    kind = kindFromDump(raw.type);
  } catch (error) {
    throw bad(`${where}: invalid \`type\` (${describe(error)})`, error);
  }
  if (kind === null) return { skipped: `${rel}: ${where} of type ${JSON.stringify(typeName(raw.type))} is not supported by this engine and was not imported` };
  if (INDEX_SCOPED.has(kind.type) && typeof indexUid !== 'string') throw bad(`${where}: a ${kind.type} task needs an \`indexUid\` (corrupted dump)`);

  let finalStatus = status as TaskStatus;
  let started = (startedAt as string | null | undefined) ?? null;
  if (finalStatus === 'processing') {
    finalStatus = 'enqueued';
    started = null;
  }
  const finished = (finishedAt as string | null | undefined) ?? null;
  const task: Task = {
    uid: uid as number,
    batchUid: (batchUid as number | null | undefined) ?? null,
    indexUid: (indexUid as string | null | undefined) ?? null,
    status: finalStatus,
    type: apiType(kind),
    canceledBy: (canceledBy as number | null | undefined) ?? null,
    error: raw.error == null ? null : errorFromDump(raw.error, bad),
    duration: isoDuration(started, finished),
    enqueuedAt: enqueuedAt as string,
    startedAt: started,
    finishedAt: finished,
    kind,
  };
  if (raw.details != null) {
    if (!isObject(raw.details)) throw bad(`${where}: \`details\` must be an object`);
    const details = detailsFromDump(raw.details);
    if (details !== undefined) task.details = details;
  }
  if (typeof customMetadata === 'string') task.customMetadata = customMetadata;
  return { task };
}

function typeName(type: unknown): string {
  return typeof type === 'string' ? type : isObject(type) ? Object.keys(type)[0] ?? '?' : '?';
}

function errorFromDump(raw: unknown, bad: (what: string) => Error): ErrorObject {
  if (!isObject(raw) || typeof raw.message !== 'string' || typeof raw.code !== 'string') throw bad('`error` must have a message and a code');
  const type = typeof raw.type === 'string' && ERROR_TYPES.has(raw.type) ? raw.type : 'internal';
  const link = typeof raw.link === 'string' ? raw.link : `https://docs.meilisearch.com/errors#${raw.code}`;
  return { message: raw.message, code: raw.code, type: type as ErrorObject['type'], link };
}

function field<T>(obj: Record<string, unknown>, key: string, check: (v: unknown) => boolean, expected: string): T {
  const value = obj[key];
  if (!check(value)) throw new Error(`\`${key}\` must be ${expected}`);
  return value as T;
}
const isStr = (v: unknown) => typeof v === 'string';
const isOptStr = (v: unknown) => v == null || typeof v === 'string';
const isBool = (v: unknown) => typeof v === 'boolean';
const isCount = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;
const isStrArray = (v: unknown) => Array.isArray(v) && v.every(isStr);
const isFilter = (v: unknown) => typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string' || isStrArray(x)));

/** Internal kind -> ours; null for kinds we cannot represent. Throws (plain Error) on bad fields. */
export function kindFromDump(type: unknown): TaskKind | null {
  if (typeof type === 'string') {
    switch (type) {
      case 'documentClear': return { type: 'documentClear' };
      case 'indexDeletion': return { type: 'indexDeletion' };
      case 'snapshotCreation': return { type: 'snapshotCreation' };
      default: return null;
    }
  }
  if (!isObject(type) || Object.keys(type).length !== 1) throw new Error('expected a string or an object with one key');
  const [name, body] = Object.entries(type)[0]!;
  if (!isObject(body)) throw new Error(`\`${name}\` must hold an object`);
  switch (name) {
    case 'documentImport': {
      const method = field<string>(body, 'method', (v) => v === 'ReplaceDocuments' || v === 'UpdateDocuments', '"ReplaceDocuments" or "UpdateDocuments"');
      return {
        type: 'documentAdditionOrUpdate',
        method: method === 'UpdateDocuments' ? 'update' : 'replace',
        primaryKey: field<string | null>(body, 'primary_key', isOptStr, 'a string or null') ?? null,
        documentsCount: field<number>(body, 'documents_count', isCount, 'a count'),
        allowIndexCreation: (body.allow_index_creation ?? true) === true,
      };
    }
    case 'documentDeletion': return { type: 'documentDeletion', ids: [...field<string[]>(body, 'documents_ids', isStrArray, 'an array of strings')] };
    case 'documentDeletionByFilter': return { type: 'documentDeletionByFilter', filter: field<FilterInput>(body, 'filter', isFilter, 'a filter') };
    case 'settings':
      return {
        type: 'settingsUpdate',
        settings: field<SettingsPatch>(body, 'settings', isObject, 'an object'),
        isDeletion: (body.is_deletion ?? false) === true,
        allowIndexCreation: (body.allow_index_creation ?? true) === true,
      };
    case 'indexCreation': return { type: 'indexCreation', primaryKey: field<string | null>(body, 'primary_key', isOptStr, 'a string or null') ?? null };
    case 'indexUpdate': {
      const primaryKey = field<string | null>(body, 'primary_key', isOptStr, 'a string or null') ?? null;
      const newUid = field<string | null>(body, 'uid', isOptStr, 'a string or null') ?? field<string | null>(body, 'new_index_uid', isOptStr, 'a string or null') ?? null;
      return { type: 'indexUpdate', primaryKey, newUid };
    }
    case 'indexSwap': {
      const swaps = field<unknown[]>(body, 'swaps', Array.isArray, 'an array');
      return {
        type: 'indexSwap',
        swaps: swaps.map((swap) => {
          if (!isObject(swap) || !Array.isArray(swap.indexes) || swap.indexes.length !== 2 || !swap.indexes.every(isStr)) {
            throw new Error('each swap needs `indexes`: two index uids');
          }
          return { indexes: [swap.indexes[0] as string, swap.indexes[1] as string], rename: swap.rename === true };
        }),
      };
    }
    case 'taskCancelation':
    case 'tasksDeletion':
    case 'taskDeletion': {
      const query = field<string>(body, 'query', isStr, 'a string');
      const tasks = decodeRoaring(field<number[]>(body, 'tasks', Array.isArray, 'a serialized task id bitmap'));
      return { type: name === 'taskCancelation' ? 'taskCancelation' : 'taskDeletion', query, tasks };
    }
    case 'dumpCreation': return { type: 'dumpCreation' };
    case 'snapshotCreation': return { type: 'snapshotCreation' };
    case 'upgradeDatabase': {
      const from = field<number[]>(body, 'from', (v) => Array.isArray(v) && v.length === 3 && v.every(isCount), 'a [major, minor, patch] triple');
      return { type: 'upgradeDatabase', from: [from[0]!, from[1]!, from[2]!] };
    }
    default: return null;
  }
}

const version = (triple: unknown): string | null =>
  Array.isArray(triple) && triple.length === 3 ? `v${triple.join('.')}` : null;

/** Internal Details (`{"Variant":{snake_case}}`) -> the API view, as Meilisearch's DetailsView shows it. */
export function detailsFromDump(raw: Record<string, unknown>): Record<string, unknown> | undefined {
  const entries = Object.entries(raw);
  if (entries.length !== 1 || !isObject(entries[0]![1])) return undefined;
  const [variant, d] = entries[0] as [string, Record<string, unknown>];
  const opt = (value: unknown) => value ?? null;
  switch (variant) {
    case 'DocumentAdditionOrUpdate': return { receivedDocuments: d.received_documents, indexedDocuments: opt(d.indexed_documents) };
    case 'SettingsUpdate': return isObject(d.settings) ? { ...d.settings } : {};
    case 'IndexInfo':
      return {
        primaryKey: opt(d.primary_key),
        ...(typeof d.old_index_uid === 'string' ? { oldIndexUid: d.old_index_uid } : {}),
        ...(typeof d.new_index_uid === 'string' ? { newIndexUid: d.new_index_uid } : {}),
      };
    case 'DocumentDeletion': return { providedIds: d.provided_ids, deletedDocuments: opt(d.deleted_documents), originalFilter: null };
    case 'DocumentDeletionByFilter': return { providedIds: 0, originalFilter: opt(d.original_filter), deletedDocuments: opt(d.deleted_documents) };
    case 'ClearAll': return { deletedDocuments: opt(d.deleted_documents) };
    case 'TaskCancelation': return { matchedTasks: d.matched_tasks, canceledTasks: opt(d.canceled_tasks), originalFilter: opt(d.original_filter) };
    case 'TaskDeletion': return { matchedTasks: d.matched_tasks, deletedTasks: opt(d.deleted_tasks), originalFilter: opt(d.original_filter) };
    case 'Dump': return { dumpUid: opt(d.dump_uid) };
    case 'IndexSwap': return { swaps: d.swaps };
    case 'UpgradeDatabase': return { upgradeFrom: version(d.from), upgradeTo: version(d.to) };
    default: return Object.fromEntries(Object.entries(d).map(([key, value]) => [camel(key), value]));
  }
}
