/**
 * The single run loop. It is the only code that processes tasks; routes merely enqueue (via
 * TaskQueue) and wake it. It wakes on start (after crash recovery), on every enqueue, and after
 * each batch while tasks remain. One batch at a time, so a dump sees every earlier task done.
 */
import { toErrorObject } from '../errors/engine-error.ts';
import type { Task } from '../types/task.ts';
import type { BatchRecord } from '../store/database.ts';
import { nextBatch } from './autobatcher.ts';
import type { BatchPlan, WorkerContext } from './context.ts';
import type { Outcome } from './outcome.ts';
import { isoDuration } from '../dump/time.ts';
import { processBatch } from './process-batch.ts';
import { isNoSpaceError } from '../store/write-failure.ts';

/** How many enqueued tasks the autobatcher looks at per decision. */
const LOOKAHEAD = 2_000;
/** How long the worker waits on a full disk before writing again. */
/** Longest stretch of refreshing kept rankings before other work gets a turn. */
const REFRESH_SLICE_MS = 5;
const NO_SPACE_RETRY_MS = 1_000;

export class Scheduler {
  #ctx: WorkerContext;
  #wakeUp: (() => void) | null = null;
  #pendingWake = false;
  #running = false;
  #loop: Promise<void> | null = null;
  /** Resolves waiters of `idle()` once the queue is empty. */
  #idleWaiters: Array<() => void> = [];

  constructor(ctx: WorkerContext) {
    this.#ctx = ctx;
  }

  /** A task left `processing` by a killed process is enqueued again: its batch never committed. */
  async recover(): Promise<number> {
    const { db } = this.#ctx;
    const stuck: Task[] = [];
    for (const { value } of db.tasks.getRange({})) if (value.status === 'processing') stuck.push(value);
    if (stuck.length > 0) {
      await db.write(() => {
        for (const task of stuck) db.tasks.put(task.uid, { ...task, status: 'enqueued', startedAt: null, batchUid: null });
      });
    }
    return stuck.length;
  }

  /** Dumps need the whole engine, which is built after the scheduler. */
  setDumpCreator(createDump: NonNullable<WorkerContext['createDump']>): void {
    this.#ctx.createDump = createDump;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  wake(): void {
    this.#pendingWake = true;
    this.#wakeUp?.();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.wake();
    await this.#loop;
  }

  /** For tests and shutdown: resolves when nothing is enqueued. */
  idle(): Promise<void> {
    if (this.#enqueued(1).length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /**
   * Tasks get increasing uids and only this loop finishes them, so no task below the first
   * enqueued one seen can become enqueued again: scanning starts there, not at uid 0.
   */
  #cursor = 0;

  #enqueued(limit: number): Task[] {
    const tasks: Task[] = [];
    for (const { value } of this.#ctx.db.tasks.getRange({ start: this.#cursor })) {
      if (value.status !== 'enqueued') continue;
      if (tasks.length === 0) this.#cursor = value.uid;
      tasks.push(value);
      if (tasks.length >= limit) break;
    }
    return tasks;
  }

  async #run(): Promise<void> {
    while (this.#running) {
      this.#pendingWake = false;
      const batch = nextBatch(this.#enqueued(LOOKAHEAD));
      if (batch.length === 0) {
        await this.#sealIndexes();
        for (const resolve of this.#idleWaiters.splice(0)) resolve();
        if (!this.#pendingWake) await new Promise<void>((resolve) => { this.#wakeUp = resolve; });
        this.#wakeUp = null;
        continue;
      }
      try {
        await this.#process(batch);
      } catch (error) {
        if (isNoSpaceError(error)) {
          // Nothing of the batch was recorded (it could not even be marked processing): try
          // again once space may have been freed, instead of stopping the worker for good.
          this.#ctx.logger.error({ err: error }, 'the disk is full: the task worker waits before trying again');
          await this.#pause(NO_SPACE_RETRY_MS);
          continue;
        }
        // Only a failure to write the outcome lands here; stop rather than spin on it.
        this.#ctx.logger.fatal({ err: error }, 'the task worker could not record a batch; stopping the worker');
        this.#running = false;
      }
    }
  }

  /**
   * Indexes merge what a batch wrote into their read structures lazily; doing it as soon as no
   * task waits moves that cost off the first search (a burst of writes still merges only once).
   * Then the rankings of recently searched queries are brought up to date, and those of common
   * one-word queries prepared, a slice at a time so that searches in between wait little, until
   * done or a task arrives.
   */
  async #sealIndexes(): Promise<void> {
    const handles = this.#ctx.registry.list();
    for (const handle of handles) handle.core.seal();
    for (const handle of handles) {
      const started = performance.now();
      const prepared = handle.core.preparedRankings;
      let done = false;
      while (this.#running && !this.#pendingWake) {
        if (!handle.core.refreshKept(performance.now() + REFRESH_SLICE_MS)) {
          done = true;
          break;
        }
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      if (done && handle.core.preparedRankings !== prepared) {
        this.#ctx.logger.debug({ index: handle.uid, preparedRankings: handle.core.preparedRankings, durationMs: Math.round(performance.now() - started) }, 'search rankings prepared');
      }
    }
  }

  /**
   * The failure of a batch is a small write, but on a full disk even that can fail; the tasks
   * are then `processing` and only this loop can finish them, so it retries until it can (or
   * the engine stops; a restart enqueues them again).
   */
  async #untilWritten(write: () => Promise<void>): Promise<void> {
    for (;;) {
      try {
        await write();
        return;
      } catch (error) {
        if (!isNoSpaceError(error) || !this.#running) throw error;
        this.#ctx.logger.error({ err: error }, 'the disk is full: recording a failed batch is retried');
        await this.#pause(NO_SPACE_RETRY_MS);
      }
    }
  }

  /** A wait that `stop()` cuts short. */
  async #pause(ms: number): Promise<void> {
    if (!this.#running) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#wakeUp = () => { clearTimeout(timer); resolve(); };
    });
    this.#wakeUp = null;
  }

  async #process(batch: Task[]): Promise<void> {
    const { db, logger } = this.#ctx;
    const started = Date.now();
    const startedAt = new Date(started).toISOString();
    const batchUid = (db.meta.get('nextBatchUid') as number | undefined) ?? 0;
    await db.write(() => {
      db.meta.put('nextBatchUid', batchUid + 1);
      for (const task of batch) db.tasks.put(task.uid, { ...task, status: 'processing', startedAt, batchUid });
    });
    let plan: BatchPlan;
    try {
      plan = await processBatch(this.#ctx, batch);
    } catch (error) {
      const failure: Outcome = { status: 'failed', error: toErrorObject(error) };
      plan = { outcomes: batch.map(() => failure) };
    }
    const finished = Date.now();
    const finishedAt = new Date(finished).toISOString();
    const duration = isoDuration(startedAt, finishedAt);
    const record = batchRecord(batchUid, batch, plan.outcomes, startedAt, finishedAt, duration);
    const writeOutcome = (outcomes: Outcome[], withPlan: boolean): Promise<void> => db.write(() => {
      if (withPlan) plan.write?.();
      batch.forEach((task, index) => {
        const outcome = outcomes[index]!;
        const current = db.tasks.get(task.uid) ?? task;
        const done: Task = { ...current, status: outcome.status, startedAt, finishedAt, duration, batchUid, error: outcome.error ?? null };
        const details = outcome.details ?? current.details;
        if (details !== undefined) done.details = details;
        db.tasks.put(task.uid, done);
        db.payloads.remove(task.uid);
      });
      db.batches.put(batchUid, record);
      if (withPlan) plan.apply?.();
    });
    try {
      await writeOutcome(plan.outcomes, true);
    } catch (error) {
      logger.error({ err: error, batchUid }, 'writing a batch failed; its tasks are marked failed and nothing of it is kept');
      // The in-memory cores may hold what did not commit: rebuild them from the database.
      this.#ctx.registry.reload();
      const failure: Outcome = { status: 'failed', error: toErrorObject(error) };
      await this.#untilWritten(() => writeOutcome(batch.map(() => failure), false));
      return;
    }
    logger.info({ batchUid, tasks: batch.map((task) => task.uid), type: batch[0]!.type, durationMs: finished - started }, 'batch processed');
  }
}

function batchRecord(uid: number, batch: Task[], outcomes: Outcome[], startedAt: string, finishedAt: string, duration: string | null): BatchRecord {
  const count = (values: string[]): Record<string, number> => values.reduce<Record<string, number>>((acc, value) => ({ ...acc, [value]: (acc[value] ?? 0) + 1 }), {});
  const details: Record<string, unknown> = {};
  for (const outcome of outcomes) {
    for (const [key, value] of Object.entries(outcome.details ?? {})) {
      details[key] = typeof value === 'number' && typeof details[key] === 'number' ? (details[key] as number) + value : value;
    }
  }
  return {
    uid,
    taskUids: batch.map((task) => task.uid),
    details,
    stats: {
      totalNbTasks: batch.length,
      status: count(outcomes.map((outcome) => outcome.status)),
      types: count(batch.map((task) => task.type)),
      indexUids: count(batch.flatMap((task) => (task.indexUid === null ? [] : [task.indexUid]))),
    },
    startedAt,
    finishedAt,
    duration,
  };
}
