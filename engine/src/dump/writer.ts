/**
 * writeDump: streams an instance into a Meilisearch V6 dump (layout in format.ts).
 *
 * Each section is written as files into `<dumpDir>/.tmp-<dumpUid>/` (same filesystem as the
 * target) with JSON lines and backpressure, so memory stays flat however many documents there
 * are; then the directory is tar+gzipped into `<dumpDir>/.<dumpUid>.dump.tmp`, fsynced, renamed
 * to `<dumpDir>/<dumpUid>.dump`, and the directory entry fsynced. A process killed at any moment
 * therefore leaves either no `<dumpUid>.dump` or a whole one, plus leftovers that
 * `removeDumpLeftovers` (called at engine start) deletes. This is stricter than Meilisearch,
 * which compresses straight into the final name.
 */
import { mkdir, open, rename, rm, stat, writeFile } from 'node:fs/promises';
import { namesIn } from './read-dir.ts';
import { join } from 'node:path';
import type { Document } from '../types/document.ts';
import type { StoredKey } from '../types/key.ts';
import type { Settings } from '../types/settings.ts';
import type { Task } from '../types/task.ts';
import { DumpError, describe } from './errors.ts';
import { CURRENT_DUMP_VERSION, INDEX_UID, V6_PATHS, indexDirName, updateFilePath } from './format.ts';
import { JsonlWriter, isObject } from './jsonl.ts';
import { keyToDump } from './key-shape.ts';
import { packDirectory } from './pack.ts';
import { taskToDump, type DumpTaskContext } from './task-shape.ts';

export { dumpUidFor } from './time.ts';

type MaybeAsync<T> = Iterable<T> | AsyncIterable<T>;

export interface DumpIndexSource {
  uid: string;
  primaryKey: string | null;
  createdAt: string;
  updatedAt: string;
  settings: Settings;
  documents(): MaybeAsync<Document>;
}

export interface DumpSource {
  instanceUid: string | null;
  /** Written as `dbVersion`. */
  engineVersion: string;
  keys: StoredKey[];
  /** In ascending uid order. `payload` only for still-enqueued document additions. */
  tasks(): MaybeAsync<{ task: Task; payload?: () => MaybeAsync<Document> }>;
  indexes(): MaybeAsync<DumpIndexSource>;
  /**
   * The dumpCreation task producing this dump. Like Meilisearch, it is written as succeeded and
   * its kind carries the dumped keys and instance uid; its details get the dump uid.
   */
  dumpTaskUid?: number;
  /** Meilisearch Batch objects, written to batches/queue.jsonl when given. */
  batches?(): MaybeAsync<Record<string, unknown>>;
}

export interface WriteDumpOptions {
  dumpDir: string;
  dumpUid: string;
  source: DumpSource;
  signal?: AbortSignal;
}

const SAFE_DUMP_UID = /^[A-Za-z0-9_-]+$/;
/** How often (in documents) a long section checks the abort signal. */
const ABORT_CHECK_EVERY = 1024;

const tmpDirName = (dumpUid: string): string => `.tmp-${dumpUid}`;
const tmpFileName = (dumpUid: string): string => `.${dumpUid}.dump.tmp`;
const LEFTOVER = /^(\.tmp-.+|\..+\.dump\.tmp)$/;

export async function writeDump({ dumpDir, dumpUid, source, signal }: WriteDumpOptions): Promise<{ path: string; sizeBytes: number }> {
  if (!SAFE_DUMP_UID.test(dumpUid)) throw new DumpError(`invalid dump uid ${JSON.stringify(dumpUid)}`, { code: 'dump_process_failed' });
  signal?.throwIfAborted();
  const tmpDir = join(dumpDir, tmpDirName(dumpUid));
  const tmpFile = join(dumpDir, tmpFileName(dumpUid));
  const finalPath = join(dumpDir, `${dumpUid}.dump`);
  try {
    await mkdir(dumpDir, { recursive: true });
    if (await exists(finalPath)) throw new DumpError(`dump ${dumpUid} already exists in ${dumpDir}`, { code: 'dump_process_failed' });
    await rm(tmpDir, { recursive: true, force: true });
    await rm(tmpFile, { force: true });
    await mkdir(tmpDir);
    const entries = await writeSections(tmpDir, dumpUid, source, signal);
    signal?.throwIfAborted();
    await packDirectory(tmpDir, entries, tmpFile, signal);
    await rename(tmpFile, finalPath);
    await fsyncDirectory(dumpDir);
    return { path: finalPath, sizeBytes: (await stat(finalPath)).size };
  } catch (error) {
    await rm(tmpFile, { force: true }).catch(() => {});
    throw writeError(error, dumpUid, signal);
  } finally {
    await rm(tmpDir, { recursive: true, force: true }).catch(() => {});
  }
}

/** Deletes what a killed writer left in the dump dir; returns the removed paths. Not while a writer runs. */
export async function removeDumpLeftovers(dumpDir: string): Promise<string[]> {
  const names = await namesIn(dumpDir);
  const removed: string[] = [];
  for (const name of names.filter((n) => LEFTOVER.test(n)).sort()) {
    const path = join(dumpDir, name);
    await rm(path, { recursive: true, force: true });
    removed.push(path);
  }
  return removed;
}

/** Writes every section into `dir`; returns the top-level entries to pack, metadata first. */
async function writeSections(dir: string, dumpUid: string, source: DumpSource, signal?: AbortSignal): Promise<string[]> {
  const entries: string[] = [V6_PATHS.metadata];
  const metadata = { dumpVersion: CURRENT_DUMP_VERSION, dbVersion: source.engineVersion, dumpDate: new Date().toISOString() };
  await writeFile(join(dir, V6_PATHS.metadata), JSON.stringify(metadata), { flag: 'wx' });
  if (source.instanceUid) {
    await writeFile(join(dir, V6_PATHS.instanceUid), source.instanceUid, { flag: 'wx' }); // no trailing newline, as upstream
    entries.push(V6_PATHS.instanceUid);
  }
  const keys = source.keys.map(keyToDump);
  await writeLines(join(dir, V6_PATHS.keys), keys, signal);
  entries.push(V6_PATHS.keys);

  await mkdir(join(dir, V6_PATHS.updateFiles), { recursive: true });
  await writeTasks(dir, dumpUid, source, { keys, instanceUid: source.instanceUid }, signal);
  entries.push('tasks');

  if (source.batches) {
    await mkdir(join(dir, 'batches'));
    await writeLines(join(dir, V6_PATHS.batches), source.batches(), signal);
    entries.push('batches');
  }

  await mkdir(join(dir, V6_PATHS.indexes));
  const seen = new Set<string>();
  for await (const index of source.indexes()) {
    if (!INDEX_UID.test(index.uid)) throw new DumpError(`index uid ${JSON.stringify(index.uid)} is not a valid index uid`, { code: 'dump_process_failed' });
    if (seen.has(index.uid)) throw new DumpError(`index ${index.uid} is listed twice`, { code: 'dump_process_failed' });
    seen.add(index.uid);
    const indexDir = join(dir, V6_PATHS.indexes, indexDirName(index.uid));
    await mkdir(indexDir);
    const meta = { uid: index.uid, primaryKey: index.primaryKey, createdAt: index.createdAt, updatedAt: index.updatedAt };
    await writeFile(join(indexDir, 'metadata.json'), JSON.stringify(meta), { flag: 'wx' });
    await writeFile(join(indexDir, 'settings.json'), JSON.stringify(index.settings), { flag: 'wx' });
    await writeDocuments(join(indexDir, 'documents.jsonl'), index.documents(), `index ${index.uid}`, signal);
  }
  entries.push(V6_PATHS.indexes);
  return entries;
}

async function writeTasks(dir: string, dumpUid: string, source: DumpSource, context: DumpTaskContext, signal?: AbortSignal): Promise<void> {
  const queue = new JsonlWriter(join(dir, V6_PATHS.tasks));
  try {
    for await (const { task, payload } of source.tasks()) {
      if (task.uid === source.dumpTaskUid && task.kind.type === 'dumpCreation') {
        // Meilisearch fakes the success of the running dump task so an imported instance does not redo it.
        const done: Task = { ...task, status: 'succeeded', finishedAt: task.finishedAt ?? new Date().toISOString(), details: { dumpUid } };
        await queue.write(taskToDump(done, context));
        continue;
      }
      await queue.write(taskToDump(task));
      const { kind } = task;
      const pending = (task.status === 'enqueued' || task.status === 'processing') && kind.type === 'documentAdditionOrUpdate';
      if (!pending) continue;
      if (payload) await writeDocuments(join(dir, updateFilePath(task.uid)), payload(), `payload of task ${task.uid}`, signal);
      else if (kind.documentsCount > 0) {
        throw new DumpError(`enqueued task ${task.uid} has no payload: its ${kind.documentsCount} documents would be lost`, { code: 'dump_process_failed' });
      }
      signal?.throwIfAborted();
    }
    await queue.close();
  } catch (error) {
    queue.destroy();
    throw error;
  }
}

async function writeLines(path: string, values: MaybeAsync<unknown>, signal?: AbortSignal): Promise<void> {
  const out = new JsonlWriter(path);
  try {
    for await (const value of values) {
      await out.write(value);
      if (out.count % ABORT_CHECK_EVERY === 0) signal?.throwIfAborted();
    }
    await out.close();
  } catch (error) {
    out.destroy();
    throw error;
  }
}

async function writeDocuments(path: string, documents: MaybeAsync<Document>, what: string, signal?: AbortSignal): Promise<void> {
  const out = new JsonlWriter(path);
  try {
    for await (const document of documents) {
      if (!isObject(document)) throw new DumpError(`${what}: document ${out.count} is not a JSON object`, { code: 'dump_process_failed' });
      await out.write(document);
      if (out.count % ABORT_CHECK_EVERY === 0) signal?.throwIfAborted();
    }
    await out.close();
  } catch (error) {
    out.destroy();
    throw error;
  }
}

async function fsyncDirectory(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } catch (error) {
    // Some filesystems refuse fsync on directories; the rename itself is still atomic there.
    if (!['EINVAL', 'EISDIR', 'ENOTSUP', 'EPERM'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
  } finally {
    await handle.close();
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

function writeError(error: unknown, dumpUid: string, signal?: AbortSignal): unknown {
  if (signal?.aborted) return signal.reason ?? error; // cancellation is not a dump failure
  if (error instanceof DumpError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  const errorCode = code === 'ENOSPC' ? 'no_space_left_on_device' : code === 'EMFILE' ? 'too_many_open_files' : 'dump_process_failed';
  return new DumpError(`creating dump ${dumpUid} failed: ${describe(error)}`, { code: errorCode, cause: error });
}
