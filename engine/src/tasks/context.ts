import type { Logger } from 'pino';
import type { Database } from '../store/database.ts';
import type { IndexRegistry } from '../store/index-registry.ts';
import type { Task } from '../types/task.ts';
import type { Outcome } from './outcome.ts';
import type { TaskQueue } from './queue.ts';

/** What the worker's processors may touch. */
export interface WorkerContext {
  db: Database;
  registry: IndexRegistry;
  queue: TaskQueue;
  logger: Logger;
  /** Writes a dump of the instance as it is once every task before `task` is done. */
  createDump?: (task: Task) => Promise<Record<string, unknown>>;
}

/**
 * A processor prepares a batch outside any transaction (validation, parsing, slow work), then
 * the scheduler runs `write`, the tasks' final states and `apply` (the in-memory mirrors) in ONE
 * synchronous transaction callback: no request can observe a finished task whose effects are not
 * yet searchable. Should the commit fail, the scheduler reloads the indexes from disk.
 */
export interface BatchPlan {
  outcomes: Outcome[];
  write?: () => void;
  apply?: () => void;
}
