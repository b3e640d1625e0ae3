/**
 * openDump: extracts a dump into a private temporary directory, reads `metadata.json`, opens the
 * reader of its version and upgrades it step by step to V6 (compat/), then converts the V6
 * records to our types (Settings, StoredKey, Task). Index metadata and settings are checked
 * when the dump is opened, so a bad dump fails before any import work; keys, tasks and
 * documents stream from disk on demand. Every failure is a DumpError naming the dump, and the
 * file and line inside it. `close()` removes the extraction directory.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { namesIn } from './read-dir.ts';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Document } from '../types/document.ts';
import type { StoredKey } from '../types/key.ts';
import type { Settings } from '../types/settings.ts';
import type { Task } from '../types/task.ts';
import { v2ToV3 } from './compat/v2-to-v3.ts';
import { v3ToV4 } from './compat/v3-to-v4.ts';
import { v4ToV5 } from './compat/v4-to-v5.ts';
import { v5ToV6 } from './compat/v5-to-v6.ts';
import { DumpError, describe, invalidContent } from './errors.ts';
import { extractArchive } from './extract.ts';
import { DUMP_VERSIONS, V1_REFUSED_MESSAGE, V6_PATHS, type DumpVersion, type ReadableDumpVersion } from './format.ts';
import { isObject, readJsonFile } from './jsonl.ts';
import { keyFromDump } from './key-shape.ts';
import { openV2 } from './readers/v2.ts';
import { openV3 } from './readers/v3.ts';
import { openV4orV5 } from './readers/v4.ts';
import { openV6 } from './readers/v6.ts';
import type { V6Source } from './readers/source.ts';
import { settingsFromDump } from './settings-shape.ts';
import { taskFromDump } from './task-parse.ts';
import { parseVersionTriple } from './task-shape.ts';

export interface DumpIndex {
  uid: string;
  primaryKey: string | null;
  createdAt: string;
  updatedAt: string;
  settings: Settings;
  documentCount: number;
  documents(): AsyncIterable<Document>;
}

export interface DumpReader {
  version: ReadableDumpVersion;
  dbVersion: string;
  dumpDate: string | null;
  instanceUid: string | null;
  /** For import progress: indexes in the dump and documents across them (payloads excluded). */
  totals: { indexes: number; documents: number };
  /** What was dropped or adjusted while reading (grows as tasks are read); worth logging. */
  warnings: string[];
  /** V6 `experimental-features.json` as found (null when absent or older than V6). */
  experimentalFeatures: Record<string, unknown> | null;
  keys(): AsyncIterable<StoredKey>;
  /** In the dump's order (ascending uid, except V4/V5 which list newest first). */
  tasks(): AsyncIterable<{ task: Task; payload?: () => AsyncIterable<Document> }>;
  indexes(): AsyncIterable<DumpIndex>;
  /** V6 `batches/queue.jsonl` lines as found (Meilisearch's Batch objects); empty otherwise. */
  batches(): AsyncIterable<Record<string, unknown>>;
  /** Removes the extraction directory; iterators must not be used afterwards. */
  close(): Promise<void>;
}

export interface OpenDumpOptions {
  /**
   * Parent of the private extraction directory (default: the OS temp dir). Extraction needs
   * about the uncompressed size of the dump: on Kubernetes, prefer a directory on the data volume.
   */
  tmpDir?: string;
}

const EXTRACTION_PREFIX = 'searchkube-dump-';

/**
 * Removes extraction directories that a process killed while importing left in `tmpDir`; returns
 * them. Only for a tmpDir private to one engine (e.g. beside its --db-path): in a shared temp dir
 * it would also delete the extraction of another process that is importing right now.
 */
export async function removeExtractionLeftovers(tmpDir: string): Promise<string[]> {
  const names = await namesIn(tmpDir);
  const removed = names.filter((name) => name.startsWith(EXTRACTION_PREFIX)).sort().map((name) => join(tmpDir, name));
  for (const path of removed) await rm(path, { recursive: true, force: true });
  return removed;
}

async function openSource(root: string): Promise<V6Source> {
  const meta = await readJsonFile(join(root, V6_PATHS.metadata), V6_PATHS.metadata);
  if (!isObject(meta)) throw invalidContent(V6_PATHS.metadata, 'expected a JSON object');
  let version = meta.dumpVersion as DumpVersion | undefined;
  if (version === undefined && Array.isArray(meta.indexes)) version = 'V1'; // V1 metadata predates the field
  if (version === 'V1') throw new DumpError(V1_REFUSED_MESSAGE, { file: V6_PATHS.metadata });
  if (typeof version !== 'string' || !(DUMP_VERSIONS as readonly string[]).includes(version)) {
    throw invalidContent(V6_PATHS.metadata, `unknown dumpVersion ${JSON.stringify(meta.dumpVersion)} (this engine reads V2 to V6)`);
  }
  switch (version) {
    case 'V2': return v5ToV6(v4ToV5(v3ToV4(v2ToV3(await openV2(root, meta)))));
    case 'V3': return v5ToV6(v4ToV5(v3ToV4(await openV3(root, meta))));
    case 'V4': return v5ToV6(v4ToV5(await openV4orV5(root, meta, 'V4')));
    case 'V5': return v5ToV6(await openV4orV5(root, meta, 'V5'));
    case 'V6': return openV6(root, meta);
  }
}

/** Any error escaping an iterator becomes a DumpError that names the dump. */
function guarded<T>(name: string, make: () => AsyncIterable<T>): AsyncIterable<T> {
  return {
    async *[Symbol.asyncIterator]() {
      try {
        yield* make();
      } catch (error) {
        throw error instanceof DumpError ? error : new DumpError(`dump ${name}: ${describe(error)}`, { cause: error });
      }
    },
  };
}

function wrapOpenError(error: unknown, file: string): DumpError {
  const name = basename(file);
  if (error instanceof DumpError) {
    if (error.message.includes(name)) return error;
    return new DumpError(`cannot import dump ${name}: ${error.message}`, { code: error.code, file: error.file, line: error.line, cause: error });
  }
  return new DumpError(`cannot import dump ${name}: ${describe(error)}`, { cause: error });
}

export async function openDump(file: string, opts: OpenDumpOptions = {}): Promise<DumpReader> {
  const parent = opts.tmpDir ?? tmpdir();
  let root: string;
  try {
    await mkdir(parent, { recursive: true });
    root = await mkdtemp(join(parent, EXTRACTION_PREFIX));
  } catch (error) {
    throw new DumpError(`cannot import dump ${basename(file)}: no room to extract it under ${parent} (${describe(error)})`, { cause: error });
  }
  const name = basename(file);
  let source: V6Source;
  let indexes: DumpIndex[];
  try {
    await extractArchive(file, root);
    source = await openSource(root);
    const triple = parseVersionTriple(source.dbVersion);
    // Meilisearch writes `pooling` for Hugging Face embedders from v1.14 on.
    const legacyEmbedderPooling = triple !== null && (triple[0] < 1 || (triple[0] === 1 && triple[1] < 14));
    indexes = source.indexes.map((index) => ({
      uid: index.uid,
      primaryKey: index.primaryKey,
      createdAt: index.createdAt,
      updatedAt: index.updatedAt,
      settings: settingsFromDump(index.settings, index.settingsFile, source.warnings, { legacyEmbedderPooling }),
      documentCount: index.documentCount,
      documents: () => guarded(name, () => index.documents()),
    }));
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw wrapOpenError(error, file);
  }
  const { warnings } = source;
  let closed = false;
  return {
    version: source.version,
    dbVersion: source.dbVersion,
    dumpDate: source.dumpDate,
    instanceUid: source.instanceUid,
    totals: { indexes: indexes.length, documents: indexes.reduce((sum, index) => sum + index.documentCount, 0) },
    warnings,
    experimentalFeatures: source.experimentalFeatures,
    keys: () => guarded(name, async function* () {
      for await (const { key, origin } of source.keys()) yield keyFromDump(key, origin.file, origin.line);
    }),
    tasks: () => guarded(name, async function* () {
      for await (const { task, origin, payload } of source.tasks()) {
        const parsed = taskFromDump(task, origin.file, origin.line);
        if ('skipped' in parsed) {
          warnings.push(parsed.skipped);
          continue;
        }
        yield payload ? { task: parsed.task, payload: () => guarded(name, payload) } : { task: parsed.task };
      }
    }),
    indexes: () => guarded(name, async function* () { yield* indexes; }),
    batches: () => guarded(name, () => source.batches()),
    async close() {
      if (closed) return;
      closed = true;
      await rm(root, { recursive: true, force: true });
    },
  };
}
