/**
 * V6 reader (Meilisearch v1.0 -> today, and our own writer): the archive's lines as they are.
 * Required: metadata.json, keys.jsonl, tasks/queue.jsonl. Tolerated when missing: the instance
 * uid, experimental features, batches, network/webhooks/chat settings (which we do not use),
 * and an empty `indexes/`. Index directories are discovered by listing `indexes/`; the uid that
 * counts is the one inside each `metadata.json`.
 */
import { join } from 'node:path';
import { DumpError, invalidContent } from '../errors.ts';
import { INDEX_UID, V6_PATHS, updateFilePath } from '../format.ts';
import { countJsonLines, isObject, readJsonFile, readObjectLines } from '../jsonl.ts';
import { isTimestamp, compareTimestamps } from '../time.ts';
import { documentLines, exists, listDir, metadataFields, readInstanceUid, requireFile } from './common.ts';
import type { SourceIndex, SourceTask, V6Source } from './source.ts';

async function readIndex(root: string, dirName: string): Promise<SourceIndex<Record<string, unknown>>> {
  const base = `${V6_PATHS.indexes}/${dirName}`;
  const metaRel = `${base}/metadata.json`;
  const meta = await readJsonFile(join(root, metaRel), metaRel);
  if (!isObject(meta)) throw invalidContent(metaRel, 'expected a JSON object');
  const { uid, primaryKey, createdAt, updatedAt } = meta;
  if (typeof uid !== 'string' || !INDEX_UID.test(uid)) throw invalidContent(metaRel, '`uid` must be a valid index uid');
  if (primaryKey != null && typeof primaryKey !== 'string') throw invalidContent(metaRel, '`primaryKey` must be a string or null');
  if (!isTimestamp(createdAt) || !isTimestamp(updatedAt)) throw invalidContent(metaRel, '`createdAt` and `updatedAt` must be RFC 3339 dates');
  const settingsRel = `${base}/settings.json`;
  const settings = await readJsonFile(join(root, settingsRel), settingsRel);
  if (!isObject(settings)) throw invalidContent(settingsRel, 'expected a JSON object');
  const documentsRel = `${base}/documents.jsonl`;
  const documentCount = await countJsonLines(join(root, documentsRel), documentsRel);
  return {
    uid, primaryKey: (primaryKey as string | null | undefined) ?? null, createdAt, updatedAt,
    settings, settingsFile: settingsRel, documentCount,
    documents: () => documentLines(root, documentsRel),
  };
}

function isPendingImport(task: Record<string, unknown>): { count: number } | null {
  if (task.status !== 'enqueued' && task.status !== 'processing') return null;
  const type = task.type;
  if (!isObject(type) || !isObject(type.documentImport)) return null;
  const count = type.documentImport.documents_count;
  return { count: typeof count === 'number' ? count : 0 };
}

export async function openV6(root: string, meta: Record<string, unknown>): Promise<V6Source> {
  const { dbVersion, dumpDate } = metadataFields(meta, V6_PATHS.metadata, true);
  await requireFile(root, V6_PATHS.keys);
  await requireFile(root, V6_PATHS.tasks);
  const instanceUid = await readInstanceUid(root, V6_PATHS.instanceUid);
  const features = (await exists(join(root, V6_PATHS.features)))
    ? await readJsonFile(join(root, V6_PATHS.features), V6_PATHS.features) : null;
  if (features !== null && !isObject(features)) throw invalidContent(V6_PATHS.features, 'expected a JSON object');

  const indexes: Array<SourceIndex<Record<string, unknown>>> = [];
  const seen = new Set<string>();
  for (const entry of await listDir(join(root, V6_PATHS.indexes))) {
    if (!entry.isDirectory) continue; // stray files under indexes/ are ignored, as upstream does
    const index = await readIndex(root, entry.name);
    if (seen.has(index.uid)) throw new DumpError(`${V6_PATHS.indexes}/${entry.name}: index \`${index.uid}\` appears twice`, { file: entry.name });
    seen.add(index.uid);
    indexes.push(index);
  }
  // Deterministic order for progress and tests: by creation date, then uid.
  indexes.sort((a, b) => compareTimestamps(a.createdAt, b.createdAt) || (a.uid < b.uid ? -1 : 1));

  const updateFiles = new Set((await listDir(join(root, V6_PATHS.updateFiles))).map((e) => `${V6_PATHS.updateFiles}/${e.name}`));

  return {
    version: 'V6',
    dbVersion,
    dumpDate,
    instanceUid,
    warnings: [],
    experimentalFeatures: features,
    indexes,
    async *keys() {
      for await (const { value, line } of readObjectLines(join(root, V6_PATHS.keys), V6_PATHS.keys)) {
        yield { key: value, origin: { file: V6_PATHS.keys, line } };
      }
    },
    async *tasks(): AsyncGenerator<SourceTask<Record<string, unknown>>> {
      for await (const { value, line } of readObjectLines(join(root, V6_PATHS.tasks), V6_PATHS.tasks)) {
        const origin = { file: V6_PATHS.tasks, line };
        const pending = isPendingImport(value);
        if (!pending || !Number.isInteger(value.uid)) {
          yield { task: value, origin };
          continue;
        }
        const rel = updateFilePath(value.uid as number);
        if (updateFiles.has(rel)) {
          yield { task: value, origin, payload: () => documentLines(root, rel) };
        } else if (pending.count === 0) {
          // Meilisearch gives an enqueued import of zero documents an empty update file.
          yield { task: value, origin, payload: async function* () {} };
        } else {
          throw invalidContent(V6_PATHS.tasks, `enqueued task ${value.uid as number} has no payload file ${rel}`, line);
        }
      }
    },
    async *batches() {
      if (!(await exists(join(root, V6_PATHS.batches)))) return;
      for await (const { value } of readObjectLines(join(root, V6_PATHS.batches), V6_PATHS.batches)) yield value;
    },
  };
}
