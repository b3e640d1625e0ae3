/**
 * The layout shared by V2..V5 (Meilisearch v0.21 -> v0.30): indexes live in directories named by
 * uuid (`indexes/index-<uuid>/` in V2, `indexes/<uuid>/` after), each with a `meta.json`
 * ({settings, primary_key}) and `documents.jsonl`; `index_uuids/data.jsonl` maps uuids to uids;
 * the task history is `updates/data.jsonl`. These dumps do not record index creation/update
 * dates: each version's reader derives them from its task history, as Meilisearch does, and
 * falls back to the dump date (Meilisearch uses "now"; the dump date is at least stable).
 */
import { join } from 'node:path';
import { DumpError, invalidContent } from '../errors.ts';
import { INDEX_UID, type ReadableDumpVersion } from '../format.ts';
import { countJsonLines, isObject, readJsonFile, readObjectLines } from '../jsonl.ts';
import { compareTimestamps } from '../time.ts';
import { documentLines, exists, isUuid, metadataFields, requireFile } from './common.ts';
import type { SourceIndex } from './source.ts';

export const LEGACY_PATHS = {
  metadata: 'metadata.json',
  indexUuids: 'index_uuids/data.jsonl',
  updates: 'updates/data.jsonl',
  keys: 'keys',
  instanceUid: 'instance-uid',
} as const;

export interface IndexUuid {
  uid: string;
  uuid: string;
  /** V4/V5 only: the task that created the index. */
  creationTaskId: number | null;
}

export async function readIndexUuids(root: string): Promise<IndexUuid[]> {
  const rel = LEGACY_PATHS.indexUuids;
  await requireFile(root, rel);
  const out: IndexUuid[] = [];
  for await (const { value, line } of readObjectLines(join(root, rel), rel)) {
    // V2/V3: {"uuid","uid"}; V4/V5: {"uid","index_meta":{"uuid","creation_task_id"}}.
    const meta = isObject(value.index_meta) ? value.index_meta : value;
    const { uid } = value;
    const { uuid, creation_task_id: creation } = meta;
    if (typeof uid !== 'string' || !INDEX_UID.test(uid)) throw invalidContent(rel, '`uid` must be a valid index uid', line);
    if (!isUuid(uuid)) throw invalidContent(rel, '`uuid` must be a uuid', line);
    out.push({ uid, uuid, creationTaskId: Number.isInteger(creation) ? (creation as number) : null });
  }
  return out;
}

export interface IndexDates {
  createdAt?: string;
  updatedAt?: string;
}

export async function readLegacyIndex(root: string, version: ReadableDumpVersion, entry: IndexUuid, dates: IndexDates, dumpDate: string):
Promise<SourceIndex<Record<string, unknown>>> {
  const dir = `indexes/${version === 'V2' ? 'index-' : ''}${entry.uuid}`;
  const metaRel = `${dir}/meta.json`;
  const meta = await readJsonFile(join(root, metaRel), metaRel);
  if (!isObject(meta) || !isObject(meta.settings)) throw invalidContent(metaRel, 'expected {"settings":{...},"primary_key":...}');
  const primaryKey = meta.primary_key;
  if (primaryKey != null && typeof primaryKey !== 'string') throw invalidContent(metaRel, '`primary_key` must be a string or null');
  const documentsRel = `${dir}/documents.jsonl`;
  return {
    uid: entry.uid,
    primaryKey: primaryKey ?? null,
    createdAt: dates.createdAt ?? dumpDate,
    updatedAt: dates.updatedAt ?? dumpDate,
    settings: meta.settings,
    settingsFile: metaRel,
    documentCount: await countJsonLines(join(root, documentsRel), documentsRel),
    documents: () => documentLines(root, documentsRel),
  };
}

/** metadata.json of V2..V5: the date is required (V1 is the only version without one). */
export function legacyMetadata(meta: Record<string, unknown>): { dbVersion: string; dumpDate: string } {
  const { dbVersion, dumpDate } = metadataFields(meta, LEGACY_PATHS.metadata, true);
  return { dbVersion, dumpDate: dumpDate! };
}

/** Every line of updates/data.jsonl, with its line number. */
export async function* updateLines(root: string): AsyncGenerator<{ value: Record<string, unknown>; line: number }> {
  await requireFile(root, LEGACY_PATHS.updates);
  yield* readObjectLines(join(root, LEGACY_PATHS.updates), LEGACY_PATHS.updates);
}

export function missingPayload(rel: string, origin: { file: string; line?: number }): DumpError {
  return invalidContent(origin.file, `the pending payload ${rel} of this enqueued task is missing from the archive`, origin.line);
}

/** A V2/V3 task: one "update" of the index whose uuid it carries. */
export interface LegacyUpdate {
  uuid: string;
  update: Record<string, unknown>;
}

export function updateFinishedAt(update: Record<string, unknown>): string | null {
  const at = update.status === 'processed' ? update.processedAt : update.status === 'failed' ? update.failedAt : null;
  return typeof at === 'string' ? at : null;
}

export const isUnfinished = (update: Record<string, unknown>): boolean => update.status === 'enqueued' || update.status === 'processing';

/**
 * V2/V3 index dates, as Meilisearch derives them: created = the earliest finish of a finished
 * document addition or settings update of the index, updated = the latest finish of any of its
 * finished updates.
 */
export async function updateDates(root: string, createsIndex: (meta: unknown) => boolean): Promise<Map<string, IndexDates>> {
  const dates = new Map<string, IndexDates>();
  for await (const { value } of updateLines(root)) {
    if (typeof value.uuid !== 'string' || !isObject(value.update)) continue; // reported when the tasks are read
    const at = updateFinishedAt(value.update);
    if (at === null) continue;
    const entry = dates.get(value.uuid) ?? {};
    if (createsIndex(value.update.meta) && (entry.createdAt === undefined || compareTimestamps(at, entry.createdAt) < 0)) entry.createdAt = at;
    if (entry.updatedAt === undefined || compareTimestamps(at, entry.updatedAt) > 0) entry.updatedAt = at;
    dates.set(value.uuid, entry);
  }
  return dates;
}

/** Reads the updates of V2/V3, attaching each unfinished addition's payload when it has one. */
export async function* legacyUpdates(
  root: string,
  payloadOf: (update: Record<string, unknown>) => { rel: string; read: () => AsyncIterable<Record<string, unknown>> } | null,
): AsyncGenerator<{ task: LegacyUpdate; origin: { file: string; line: number }; payload?: () => AsyncIterable<Record<string, unknown>> }> {
  for await (const { value, line } of updateLines(root)) {
    const origin = { file: LEGACY_PATHS.updates, line };
    if (!isUuid(value.uuid) || !isObject(value.update)) throw invalidContent(origin.file, 'expected {"uuid":"<index uuid>","update":{...}}', line);
    const task = { uuid: value.uuid, update: value.update };
    const payload = isUnfinished(value.update) ? payloadOf(value.update) : null;
    if (payload === null) {
      yield { task, origin };
      continue;
    }
    if (!(await exists(join(root, payload.rel)))) throw missingPayload(payload.rel, origin);
    yield { task, origin, payload: payload.read };
  }
}
