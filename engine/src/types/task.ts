/**
 * Tasks as the engine stores and shows them. `Task` minus `kind` is Meilisearch's task view;
 * `kind` is what the worker needs to process it (Meilisearch's internal KindWithContent).
 */
import type { ErrorObject } from '../errors/engine-error.ts';
import type { SettingsPatch } from './settings.ts';
import type { FilterInput } from '../index/types.ts';

export const TASK_STATUSES = ['enqueued', 'processing', 'succeeded', 'failed', 'canceled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const TASK_TYPES = [
  'documentAdditionOrUpdate', 'documentEdition', 'documentDeletion', 'settingsUpdate',
  'indexCreation', 'indexDeletion', 'indexUpdate', 'indexSwap', 'taskCancelation',
  'taskDeletion', 'dumpCreation', 'snapshotCreation', 'export', 'upgradeDatabase', 'indexCompaction',
] as const;
export type TaskType = (typeof TASK_TYPES)[number];

export interface IndexSwap { indexes: [string, string]; rename: boolean }

export type TaskKind =
  | { type: 'documentAdditionOrUpdate'; method: 'replace' | 'update'; primaryKey: string | null; documentsCount: number; allowIndexCreation: boolean }
  | { type: 'documentDeletion'; ids: string[] }
  | { type: 'documentDeletionByFilter'; filter: FilterInput }
  | { type: 'documentClear' }
  | { type: 'settingsUpdate'; settings: SettingsPatch; isDeletion: boolean; allowIndexCreation: boolean }
  | { type: 'indexCreation'; primaryKey: string | null }
  | { type: 'indexUpdate'; primaryKey: string | null; newUid: string | null }
  | { type: 'indexDeletion' }
  | { type: 'indexSwap'; swaps: IndexSwap[] }
  | { type: 'taskCancelation'; query: string; tasks: number[] }
  | { type: 'taskDeletion'; query: string; tasks: number[] }
  | { type: 'dumpCreation' }
  | { type: 'snapshotCreation' }
  | { type: 'upgradeDatabase'; from: [number, number, number] };

export interface Task {
  uid: number;
  batchUid: number | null;
  indexUid: string | null;
  status: TaskStatus;
  type: TaskType;
  canceledBy: number | null;
  details?: Record<string, unknown>;
  error: ErrorObject | null;
  duration: string | null;
  enqueuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  customMetadata?: string;
  kind: TaskKind;
}

/** The answer of every enqueuing route. */
export interface SummarizedTask {
  taskUid: number;
  indexUid: string | null;
  status: TaskStatus;
  type: TaskType;
  enqueuedAt: string;
  customMetadata?: string;
}

export function summarize(task: Task): SummarizedTask {
  const summary: SummarizedTask = {
    taskUid: task.uid, indexUid: task.indexUid, status: task.status, type: task.type, enqueuedAt: task.enqueuedAt,
  };
  if (task.customMetadata !== undefined) summary.customMetadata = task.customMetadata;
  return summary;
}

/** The public view: everything but the internal `kind`. */
export function taskView(task: Task): Omit<Task, 'kind'> {
  const { kind: _kind, ...view } = task;
  return view;
}
