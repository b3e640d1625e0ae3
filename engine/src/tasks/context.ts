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
 * the scheduler runs `write` and the tasks' final states in ONE transaction, and `afterCommit`
 * once it is durable (updating in-memory cores only after the data they mirror is on disk).
 */
export interface BatchPlan {
  outcomes: Outcome[];
  write?: () => void;
  afterCommit?: () => void;
}
