/**
 * V3 reader (Meilisearch v0.23-v0.24). Like V2, except: `meta` is externally tagged
 * (`{"DocumentAddition":{"content_uuid":...}}`, `{"Settings":{...}}`, `"ClearDocuments"`,
 * `{"DeleteDocuments":[...]}`), failures carry `msg`/`code`, index dirs are `indexes/<uuid>/`
 * and pending payloads are NDJSON in `updates/updates_files/<uuid>`. Upgraded by compat/v3-to-v4.
 */
import type { Document } from '../../types/document.ts';
import { isObject } from '../jsonl.ts';
import { documentLines, isUuid, noKeys } from './common.ts';
import { legacyMetadata, legacyUpdates, readIndexUuids, readLegacyIndex, updateDates, type LegacyUpdate } from './legacy.ts';
import type { VersionSource } from './source.ts';

export type V3Source = VersionSource<LegacyUpdate, never, Record<string, unknown>> & { indexUuids: Map<string, string> };

const createsIndex = (meta: unknown): boolean => isObject(meta) && (isObject(meta.DocumentAddition) || isObject(meta.Settings));

export async function openV3(root: string, meta: Record<string, unknown>): Promise<V3Source> {
  const { dbVersion, dumpDate } = legacyMetadata(meta);
  const uuids = await readIndexUuids(root);
  const dates = await updateDates(root, createsIndex);
  const indexes = [];
  for (const entry of uuids) indexes.push(await readLegacyIndex(root, 'V3', entry, dates.get(entry.uuid) ?? {}, dumpDate));
  return {
    version: 'V3', dbVersion, dumpDate, instanceUid: null, warnings: [], indexes,
    indexUuids: new Map(uuids.map((e) => [e.uuid, e.uid])),
    keys: noKeys,
    tasks: () => legacyUpdates(root, (update) => {
      const addition = isObject(update.meta) && isObject(update.meta.DocumentAddition) ? update.meta.DocumentAddition : null;
      if (!addition || !isUuid(addition.content_uuid)) return null;
      const rel = `updates/updates_files/${addition.content_uuid}`;
      return { rel, read: (): AsyncIterable<Document> => documentLines(root, rel) };
    }),
  };
}
