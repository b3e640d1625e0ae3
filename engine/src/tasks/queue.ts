/**
 * The persistent task queue: registering a task persists it (and its document payload) in one
 * durable transaction before the route answers 202, so an acknowledged task survives a SIGKILL.
 * Only the scheduler changes a task after that.
 */
import type { Database } from '../store/database.ts';
import type { Document } from '../types/document.ts';
import type { Task, TaskKind, TaskType } from '../types/task.ts';
import { taskMatches, type TaskFilter, type TaskPage } from './task-filter.ts';

export interface NewTask {
  indexUid: string | null;
  kind: TaskKind;
  customMetadata?: string;
  payload?: Document[];
  /** Details known at enqueue time; the defaults for the kind otherwise. */
  details?: Record<string, unknown>;
}

export function apiType(kind: TaskKind): TaskType {
  switch (kind.type) {
    case 'documentDeletionByFilter':
    case 'documentClear':
      return 'documentDeletion';
    default:
      return kind.type;
  }
}

export function initialDetails(kind: TaskKind): Record<string, unknown> | undefined {
  switch (kind.type) {
    case 'documentAdditionOrUpdate': return { receivedDocuments: kind.documentsCount, indexedDocuments: null };
    case 'documentDeletion': return { providedIds: kind.ids.length, deletedDocuments: null, originalFilter: null };
    case 'documentDeletionByFilter': return { providedIds: 0, originalFilter: JSON.stringify(kind.filter), deletedDocuments: null };
    case 'documentClear': return { deletedDocuments: null };
    case 'settingsUpdate': return { ...kind.settings };
    case 'indexCreation': return { primaryKey: kind.primaryKey };
    case 'indexUpdate': return kind.newUid === null ? { primaryKey: kind.primaryKey } : { primaryKey: kind.primaryKey, newIndexUid: kind.newUid };
    case 'indexDeletion': return { deletedDocuments: null };
    case 'indexSwap': return { swaps: kind.swaps };
    case 'taskCancelation': return { matchedTasks: kind.tasks.length, canceledTasks: null, originalFilter: kind.query };
    case 'taskDeletion': return { matchedTasks: kind.tasks.length, deletedTasks: null, originalFilter: kind.query };
    case 'dumpCreation': return { dumpUid: null };
    case 'snapshotCreation': return undefined;
    case 'upgradeDatabase': return { upgradeFrom: `v${kind.from.join('.')}`, upgradeTo: null };
  }
}

export class TaskQueue {
  readonly #db: Database;
  readonly #onEnqueue: () => void;
  #nextUid: number;

  constructor(db: Database, onEnqueue: () => void) {
    this.#db = db;
    this.#onEnqueue = onEnqueue;
    let last: number | undefined;
    for (const key of db.tasks.getKeys({ reverse: true, limit: 1 })) last = key;
    const counter = (db.meta.get('nextTaskUid') as number | undefined) ?? 0;
    this.#nextUid = Math.max(counter, last === undefined ? 0 : last + 1);
  }

  async register(input: NewTask): Promise<Task> {
    const uid = this.#nextUid++;
    const task: Task = {
      uid,
      batchUid: null,
      indexUid: input.indexUid,
      status: 'enqueued',
      type: apiType(input.kind),
      canceledBy: null,
      error: null,
      duration: null,
      enqueuedAt: new Date().toISOString(),
      startedAt: null,
      finishedAt: null,
      kind: input.kind,
    };
    const details = input.details ?? initialDetails(input.kind);
    if (details !== undefined) task.details = details;
    if (input.customMetadata !== undefined) task.customMetadata = input.customMetadata;
    await this.#db.write(() => {
      this.#db.tasks.put(uid, task);
      if (input.payload) this.#db.payloads.put(uid, input.payload);
      // Kept so that deleting the newest tasks never reuses their uids.
      this.#db.meta.put('nextTaskUid', uid + 1);
    });
    this.#onEnqueue();
    return task;
  }

  /** The uid the next task will get: what a dump includes is everything below it. */
  peekNextUid(): number {
    return this.#nextUid;
  }

  get(uid: number): Task | undefined {
    return this.#db.tasks.get(uid);
  }

  /** Newest first unless reversed; `from` is the first uid of the page. */
  list(filter: TaskFilter, page: TaskPage): { results: Task[]; total: number; next: number | null } {
    const results: Task[] = [];
    let total = 0;
    let next: number | null = null;
    const range = page.reverse
      ? this.#db.tasks.getRange({})
      : this.#db.tasks.getRange({ reverse: true });
    for (const { value: task } of range) {
      if (!taskMatches(task, filter)) continue;
      total += 1;
      if (page.from !== null && (page.reverse ? task.uid < page.from : task.uid > page.from)) continue;
      if (results.length < page.limit) results.push(task);
      else if (next === null) next = task.uid;
    }
    return { results, total, next };
  }

  matching(filter: TaskFilter): Task[] {
    const tasks: Task[] = [];
    for (const { value } of this.#db.tasks.getRange({})) if (taskMatches(value, filter)) tasks.push(value);
    return tasks;
  }

  payload(uid: number): Document[] | undefined {
    return this.#db.payloads.get(uid);
  }

  *all(): Iterable<Task> {
    for (const { value } of this.#db.tasks.getRange({})) yield value;
  }
}
