/**
 * V2 reader (Meilisearch v0.21-v0.22). Per-index "updates" in updates/data.jsonl whose `meta` is
 * tagged by a `type` field; index dirs `indexes/index-<uuid>/`; a pending addition's payload is
 * `updates/update_files/update_<content uuid>`, a JSON array (not NDJSON). No keys, no instance
 * uid. Upgraded by compat/v2-to-v3.
 */
import type { Document } from '../../types/document.ts';
import { isObject } from '../jsonl.ts';
import { documentArray, isUuid, noKeys } from './common.ts';
import { legacyMetadata, legacyUpdates, readIndexUuids, readLegacyIndex, updateDates, type LegacyUpdate } from './legacy.ts';
import type { VersionSource } from './source.ts';

export type V2Source = VersionSource<LegacyUpdate, never, Record<string, unknown>> & { indexUuids: Map<string, string> };

const createsIndex = (meta: unknown): boolean => isObject(meta) && (meta.type === 'DocumentsAddition' || meta.type === 'Settings');

export async function openV2(root: string, meta: Record<string, unknown>): Promise<V2Source> {
  const { dbVersion, dumpDate } = legacyMetadata(meta);
  const uuids = await readIndexUuids(root);
  const dates = await updateDates(root, createsIndex);
  const indexes = [];
  for (const entry of uuids) indexes.push(await readLegacyIndex(root, 'V2', entry, dates.get(entry.uuid) ?? {}, dumpDate));
  return {
    version: 'V2', dbVersion, dumpDate, instanceUid: null, warnings: [], indexes,
    indexUuids: new Map(uuids.map((e) => [e.uuid, e.uid])),
    keys: noKeys,
    tasks: () => legacyUpdates(root, (update) => {
      const content = update.content;
      if (!isUuid(content)) return null;
      const rel = `updates/update_files/update_${content}`;
      return { rel, read: (): AsyncIterable<Document> => documentArray(root, rel) };
    }),
  };
}
