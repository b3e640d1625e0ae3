/**
 * The engine's services wired together: database, live indexes, task queue and worker, keys.
 * The HTTP layer and the dump import talk to this; nothing else opens the database.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { Database } from './store/database.ts';
import { IndexRegistry } from './store/index-registry.ts';
import { TaskQueue, type NewTask } from './tasks/queue.ts';
import { Scheduler } from './tasks/scheduler.ts';
import { summarize, type SummarizedTask, type Task } from './types/task.ts';
import { KeyStore } from './store/key-store.ts';
import { defaultKeys } from './auth/key-validation.ts';
import { EngineError } from './errors/engine-error.ts';

export interface EngineConfig {
  dbPath: string;
  dumpDir: string;
  masterKey: string | null;
  logger: Logger;
}

export class Engine {
  readonly config: EngineConfig;
  readonly db: Database;
  readonly registry: IndexRegistry;
  readonly queue: TaskQueue;
  readonly scheduler: Scheduler;
  readonly keys: KeyStore;
  readonly instanceUid: string;
  /** Operator extension: while on, every write answers 503 with Retry-After. */
  writeBlock: { reason: string; retryAfterSeconds: number } | null = null;

  private constructor(config: EngineConfig, db: Database) {
    this.config = config;
    this.db = db;
    this.registry = new IndexRegistry(db);
    this.queue = new TaskQueue(db, () => this.scheduler.wake());
    this.scheduler = new Scheduler({
      db, registry: this.registry, queue: this.queue, logger: config.logger.child({ module: 'scheduler' }),
    });
    this.keys = new KeyStore(db, config.masterKey);
    this.writeBlock = (db.meta.get('writeBlock') as Engine['writeBlock'] | undefined) ?? null;
    this.instanceUid = (db.meta.get('instanceUid') as string | undefined) ?? randomUUID();
  }

  /** Opens the database and rebuilds the in-memory indexes; the worker is not started yet. */
  static async open(config: EngineConfig): Promise<Engine> {
    const db = Database.open(config.dbPath);
    const engine = new Engine(config, db);
    await db.write(() => {
      if (db.meta.get('instanceUid') === undefined) db.meta.put('instanceUid', engine.instanceUid);
    });
    // Like Meilisearch: the default keys appear whenever the key store is empty at start-up.
    if (engine.keys.isEmpty()) await engine.keys.replaceAll(defaultKeys(new Date()));
    const started = Date.now();
    engine.registry.load((uid, documents) => config.logger.info({ index: uid, documents }, 'index loaded'));
    config.logger.info({ indexes: engine.registry.list().length, ms: Date.now() - started }, 'database opened');
    const recovered = await engine.scheduler.recover();
    if (recovered > 0) config.logger.warn({ tasks: recovered }, 'tasks interrupted by a previous stop are enqueued again');
    return engine;
  }

  start(): void {
    this.scheduler.start();
  }

  async enqueue(task: NewTask): Promise<SummarizedTask> {
    return summarize(await this.queue.register(task));
  }

  /** Persisted, so a restarted pod keeps refusing writes until the operator lifts the block. */
  async setWriteBlock(block: { reason: string; retryAfterSeconds: number } | null): Promise<void> {
    await this.db.write(() => (block === null ? this.db.meta.remove('writeBlock') : this.db.meta.put('writeBlock', block)));
    this.writeBlock = block;
  }

  /** Throws the write-block error when writes are blocked (routes call it before enqueuing). */
  assertWritable(): void {
    if (this.writeBlock) {
      throw new EngineError('write_blocked', `Writes are blocked on this instance: ${this.writeBlock.reason}. Retry after ${this.writeBlock.retryAfterSeconds} seconds.`, { retryAfterSeconds: this.writeBlock.retryAfterSeconds });
    }
  }

  task(uid: number): Task | undefined {
    return this.queue.get(uid);
  }

  async close(): Promise<void> {
    await this.scheduler.stop();
    await this.db.close();
  }
}
