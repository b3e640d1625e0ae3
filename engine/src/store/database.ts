/**
 * The on-disk database under --db-path: one LMDB environment holding every record, so that a
 * task's document writes and its status change commit in one transaction. LMDB never leaves a
 * half-written transaction behind a killed process, which is what makes a 202 durable.
 */
import { mkdirSync, statSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { open, type Database as LmdbDb, type RootDatabase } from 'lmdb';
import type { Document } from '../types/document.ts';
import type { Settings } from '../types/settings.ts';
import type { Task } from '../types/task.ts';
import type { StoredKey } from '../types/key.ts';
import { checkOrWriteVersionFile } from './version-file.ts';
import { DocumentStore, type StoredDocument } from './document-store.ts';
import { explainWriteFailure } from './write-failure.ts';

export interface IndexRecord {
  uid: string;
  /** Documents are keyed by this number, not the uid, so a rename or swap rewrites no document. */
  internalId: number;
  primaryKey: string | null;
  createdAt: string;
  updatedAt: string;
  settings: Settings;
}

export interface BatchRecord {
  uid: number;
  taskUids: number[];
  details: Record<string, unknown>;
  stats: { totalNbTasks: number; status: Record<string, number>; types: Record<string, number>; indexUids: Record<string, number> };
  startedAt: string;
  finishedAt: string | null;
  duration: string | null;
}

/** Map size is virtual address space, not disk; 1 TiB leaves room to grow without remapping. */
const MAP_SIZE = 2 ** 40;

export class Database {
  readonly root: RootDatabase;
  readonly meta: LmdbDb<unknown, string>;
  readonly indexes: LmdbDb<IndexRecord, string>;
  readonly documents: DocumentStore;
  readonly tasks: LmdbDb<Task, number>;
  /** Pending documents of enqueued addition tasks, removed once processed. */
  readonly payloads: LmdbDb<Document[], number>;
  readonly keys: LmdbDb<StoredKey, string>;
  readonly batches: LmdbDb<BatchRecord, number>;
  readonly path: string;

  private constructor(path: string) {
    this.path = path;
    // No `useWritemap`: pages are written with pwrite, so a full disk fails a commit (ENOSPC/EIO)
    // instead of raising SIGBUS on a store into a mapped page that has no block behind it.
    this.root = open({ path: join(path, 'lmdb'), mapSize: MAP_SIZE, maxDbs: 16, compression: false });
    this.meta = this.root.openDB({ name: 'meta' });
    this.indexes = this.root.openDB({ name: 'indexes' });
    this.documents = new DocumentStore(
      this.root.openDB<StoredDocument, [number, number]>({ name: 'documents' }),
      this.root.openDB<number, [number, string]>({ name: 'documentIds' }),
      this.meta,
    );
    this.tasks = this.root.openDB({ name: 'tasks' });
    this.payloads = this.root.openDB({ name: 'payloads' });
    this.keys = this.root.openDB({ name: 'keys' });
    this.batches = this.root.openDB({ name: 'batches' });
  }

  static open(path: string): Database {
    mkdirSync(path, { recursive: true });
    checkOrWriteVersionFile(path);
    return new Database(path);
  }

  /** Runs fn in one write transaction and resolves once it is durable on disk. */
  async write<T>(fn: () => T): Promise<T> {
    try {
      const result = await this.root.transaction(fn);
      await this.root.flushed;
      return result;
    } catch (error) {
      throw await explainWriteFailure(error, this.path);
    }
  }

  sizeOnDisk(): number {
    const dir = join(this.path, 'lmdb');
    return readdirSync(dir).reduce((total, name) => total + statSync(join(dir, name)).size, 0);
  }

  /** Bytes in use, as opposed to the file's size, which LMDB never shrinks. */
  usedSize(): number {
    const stat = this.root.getStats() as { pageSize: number; treeBranchPageCount: number; treeLeafPageCount: number; overflowPages: number; lastPageNumber?: number };
    return stat.lastPageNumber !== undefined ? stat.lastPageNumber * stat.pageSize : this.sizeOnDisk();
  }

  async close(): Promise<void> {
    await this.root.close();
  }
}
