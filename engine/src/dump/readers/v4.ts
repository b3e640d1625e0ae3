/**
 * V4 and V5 readers (Meilisearch v0.25-v0.30): global tasks with an event log in
 * updates/data.jsonl (newest first), `keys` (JSONL), an optional `instance-uid`, index dirs
 * `indexes/<uuid>/` and NDJSON payloads in `updates/updates_files/<content uuid>`.
 * The two differ only in record shapes (V5 moves `index_uid` into the task content, adds a
 * `Dump` task, fixes the `Succeded` spelling and gives keys a uid and a name), which compat/v4-to-v5
 * upgrades; so one reader serves both.
 */
import { join } from 'node:path';
import type { Document } from '../../types/document.ts';
import { invalidContent } from '../errors.ts';
import { readObjectLines } from '../jsonl.ts';
import { documentLines, exists, isUuid, readInstanceUid, requireFile } from './common.ts';
import { IndexDates, eventsOf, isFinished, variantOf } from './events.ts';
import { LEGACY_PATHS, legacyMetadata, missingPayload, readIndexUuids, readLegacyIndex, updateLines } from './legacy.ts';
import type { SourceTask, VersionSource } from './source.ts';

export type LegacyTask = Record<string, unknown>;
export type V4Source = VersionSource<LegacyTask, Record<string, unknown>, Record<string, unknown>>;

/** The index a V4 (top level) or V5 (inside the content) task targets. */
export function taskIndexUid(task: LegacyTask): string | null {
  if (typeof task.index_uid === 'string') return task.index_uid;
  const body = variantOf(task.content)?.body;
  return body && typeof body.index_uid === 'string' ? body.index_uid : null;
}

export async function openV4orV5(root: string, meta: Record<string, unknown>, version: 'V4' | 'V5'): Promise<V4Source> {
  const { dbVersion, dumpDate } = legacyMetadata(meta);
  await requireFile(root, LEGACY_PATHS.keys);
  const instanceUid = await readInstanceUid(root, LEGACY_PATHS.instanceUid);
  const uuids = await readIndexUuids(root);

  const dates = new IndexDates(new Map(uuids.map((e) => [e.uid, e.creationTaskId])));
  for await (const { value, line } of updateLines(root)) {
    if (!Number.isInteger(value.id)) throw invalidContent(LEGACY_PATHS.updates, 'task without an integer `id`', line);
    dates.add({ id: value.id as number, indexUid: taskIndexUid(value), content: value.content, events: eventsOf(value) });
  }
  const indexes = [];
  for (const entry of uuids) indexes.push(await readLegacyIndex(root, version, entry, dates.of(entry.uid), dumpDate));

  return {
    version, dbVersion, dumpDate, instanceUid, warnings: [], indexes,
    async *keys() {
      for await (const { value, line } of readObjectLines(join(root, LEGACY_PATHS.keys), LEGACY_PATHS.keys)) {
        yield { key: value, origin: { file: LEGACY_PATHS.keys, line } };
      }
    },
    async *tasks(): AsyncGenerator<SourceTask<LegacyTask>> {
      for await (const { value, line } of updateLines(root)) {
        const origin = { file: LEGACY_PATHS.updates, line };
        const addition = variantOf(value.content);
        const unfinished = !isFinished(eventsOf(value).at(-1));
        if (!unfinished || addition?.name !== 'DocumentAddition' || !isUuid(addition.body.content_uuid)) {
          yield { task: value, origin };
          continue;
        }
        const rel = `updates/updates_files/${addition.body.content_uuid}`;
        if (!(await exists(join(root, rel)))) throw missingPayload(rel, origin);
        yield { task: value, origin, payload: (): AsyncIterable<Document> => documentLines(root, rel) };
      }
    },
  };
}

