/**
 * --import-dump: everything a dump holds is written into a NEW database directory beside the
 * target (`<db-path>.importing`), which is renamed to --db-path only once the import is whole.
 * A corrupt dump or a killed process therefore never leaves a half-imported database at
 * --db-path; the next start removes the leftover directory.
 */
import { rm, rename } from 'node:fs/promises';
import type { Logger } from 'pino';
import { Database, type IndexRecord } from '../store/database.ts';
import { documentIdOf, inferPrimaryKey } from '../documents/primary-key.ts';
import type { Document } from '../types/document.ts';
import type { Task } from '../types/task.ts';
import type { StoredKey } from '../types/key.ts';
import type { DumpReader } from './reader.ts';
import type { ImportState } from './import-state.ts';

/** Documents per write transaction: big enough to amortize the fsync, small enough for memory. */
const DOCUMENTS_PER_TRANSACTION = 10_000;

export function importingPath(dbPath: string): string {
  return `${dbPath.replace(/\/+$/, '')}.importing`;
}

export async function removeImportLeftovers(dbPath: string): Promise<void> {
  await rm(importingPath(dbPath), { recursive: true, force: true });
}

export async function importDumpIntoDatabase(reader: DumpReader, dbPath: string, state: ImportState, logger: Logger): Promise<void> {
  const target = importingPath(dbPath);
  await rm(target, { recursive: true, force: true });
  const db = Database.open(target);
  try {
    state.begin(reader.totals);
    let documentsDone = 0;
    let indexesDone = 0;
    let internalId = 0;
    for await (const index of reader.indexes()) {
      let primaryKey = index.primaryKey;
      const record: IndexRecord = { uid: index.uid, internalId, primaryKey, createdAt: index.createdAt, updatedAt: index.updatedAt, settings: index.settings };
      let batch: Array<[string, Document]> = [];
      const flush = async (): Promise<void> => {
        const writing = batch;
        batch = [];
        await db.write(() => { for (const [id, document] of writing) db.documents.put(record.internalId, id, document); });
        documentsDone += writing.length;
        state.update({ documentsDone });
      };
      for await (const document of index.documents()) {
        primaryKey ??= inferPrimaryKey(document);
        batch.push([documentIdOf(document, primaryKey), document]);
        if (batch.length >= DOCUMENTS_PER_TRANSACTION) await flush();
      }
      await flush();
      record.primaryKey = primaryKey;
      await db.write(() => db.indexes.put(record.uid, record));
      internalId += 1;
      indexesDone += 1;
      state.update({ indexesDone });
      logger.info({ index: index.uid, documents: index.documentCount, indexesDone, indexesTotal: reader.totals.indexes, documentsDone, documentsTotal: reader.totals.documents }, 'dump import progress');
    }
    const keys: StoredKey[] = [];
    for await (const key of reader.keys()) keys.push(key);
    let nextTaskUid = 0;
    await db.write(() => {
      for (const key of keys) db.keys.put(key.uid, key);
      db.meta.put('nextIndexInternalId', internalId);
      if (reader.instanceUid !== null) db.meta.put('instanceUid', reader.instanceUid);
    });
    let pending: Array<{ task: Task; documents?: Document[] }> = [];
    const flushTasks = async (): Promise<void> => {
      const writing = pending;
      pending = [];
      await db.write(() => {
        for (const { task, documents } of writing) {
          db.tasks.put(task.uid, task);
          if (documents) db.payloads.put(task.uid, documents);
        }
      });
    };
    for await (const { task, payload } of reader.tasks()) {
      let documents: Document[] | undefined;
      if (payload) {
        documents = [];
        for await (const document of payload()) documents.push(document);
      }
      pending.push(documents ? { task, documents } : { task });
      nextTaskUid = Math.max(nextTaskUid, task.uid + 1);
      if (pending.length >= 1_000) await flushTasks();
    }
    await flushTasks();
    await db.write(() => db.meta.put('nextTaskUid', nextTaskUid));
  } catch (error) {
    await db.close();
    await rm(target, { recursive: true, force: true });
    throw error;
  }
  await db.close();
  await rename(target, dbPath);
}
