/**
 * The live indexes: each stored IndexRecord paired with its in-memory search core. Cores are
 * rebuilt from the stored documents when the engine opens the database. Read by the HTTP layer;
 * mutated only by the task worker.
 */
import type { Database, IndexRecord } from './database.ts';
import type { DocumentSource, IndexCore } from '../index/types.ts';
import type { Document } from '../types/document.ts';
import { createIndexCore } from '../index/index.ts';
import { EngineError } from '../errors/engine-error.ts';

export class IndexHandle {
  #record: IndexRecord;
  /** Document stats cost a pass over every document: cached until the next write. */
  #stats: { fieldDistribution: Record<string, number>; rawDocumentBytes: number } | null = null;
  readonly core: IndexCore;
  readonly source: DocumentSource;

  constructor(db: Database, record: IndexRecord, core: IndexCore) {
    this.#record = record;
    this.core = core;
    const documents = db.documents;
    const internalId = (): number => this.record.internalId;
    this.source = {
      get: (id) => documents.get(internalId(), id),
      entries: () => documents.entries(internalId()),
    };
  }

  get record(): IndexRecord {
    return this.#record;
  }

  /** Every write to an index replaces its record (updatedAt), which also drops cached stats. */
  set record(record: IndexRecord) {
    this.#record = record;
    this.#stats = null;
  }

  get uid(): string {
    return this.record.uid;
  }

  get documentCount(): number {
    return this.core.documentCount;
  }

  /** Field -> number of documents holding it, and the stored size, counted from the documents. */
  documentStats(): { fieldDistribution: Record<string, number>; rawDocumentBytes: number } {
    this.#stats ??= this.#countDocumentStats();
    return this.#stats;
  }

  #countDocumentStats(): { fieldDistribution: Record<string, number>; rawDocumentBytes: number } {
    const fieldDistribution: Record<string, number> = {};
    let rawDocumentBytes = 0;
    for (const [, document] of this.source.entries()) {
      rawDocumentBytes += Buffer.byteLength(JSON.stringify(document));
      for (const field of Object.keys(document)) fieldDistribution[field] = (fieldDistribution[field] ?? 0) + 1;
    }
    return { fieldDistribution, rawDocumentBytes };
  }
}

export class IndexRegistry {
  readonly #db: Database;
  readonly #handles = new Map<string, IndexHandle>();

  constructor(db: Database) {
    this.#db = db;
  }

  /** Loads every index and rebuilds its core from the stored documents. */
  load(onProgress?: (uid: string, documents: number) => void): void {
    for (const { value: record } of this.#db.indexes.getRange()) {
      const handle = new IndexHandle(this.#db, record, createIndexCore(record.settings, record.primaryKey));
      let count = 0;
      for (const [id, document] of handle.source.entries()) {
        handle.core.upsert(id, document);
        count += 1;
      }
      this.#handles.set(record.uid, handle);
      onProgress?.(record.uid, count);
    }
  }

  /** Drops every core and rebuilds them from what the database holds. */
  reload(): void {
    this.#handles.clear();
    this.load();
  }

  get(uid: string): IndexHandle | undefined {
    return this.#handles.get(uid);
  }

  require(uid: string): IndexHandle {
    const handle = this.#handles.get(uid);
    if (!handle) throw new EngineError('index_not_found', `Index \`${uid}\` not found.`);
    return handle;
  }

  list(): IndexHandle[] {
    return [...this.#handles.values()].sort((a, b) => (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0));
  }

  /** Called inside a write transaction by the worker; the caller commits. */
  nextInternalId(): number {
    const next = (this.#db.meta.get('nextIndexInternalId') as number | undefined) ?? 0;
    this.#db.meta.put('nextIndexInternalId', next + 1);
    return next;
  }

  /** Registers a handle after its record was committed. */
  attach(record: IndexRecord): IndexHandle {
    const handle = new IndexHandle(this.#db, record, createIndexCore(record.settings, record.primaryKey));
    this.#handles.set(record.uid, handle);
    return handle;
  }

  detach(uid: string): void {
    this.#handles.delete(uid);
  }

  /** Re-keys handles after renames and swaps (records already committed). */
  rekey(handles: IndexHandle[]): void {
    for (const handle of handles) {
      for (const [uid, existing] of this.#handles) if (existing === handle) this.#handles.delete(uid);
    }
    for (const handle of handles) this.#handles.set(handle.uid, handle);
  }
}
