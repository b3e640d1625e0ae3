/**
 * The dump format: Meilisearch's dump, version V6 (the only version we write), read back to V2.
 *
 * Archive tree written by `writeDump` (gzip'd tar, entries without a `./` prefix; readers also
 * accept `./`-prefixed entries and a leading `./` directory entry, as Meilisearch writes them):
 *
 *   metadata.json                    {"dumpVersion":"V6","dbVersion":"<engine version>","dumpDate":"<RFC 3339>"}
 *   instance_uid.uuid                hyphenated uuid, no newline (absent when the instance has none)
 *   keys.jsonl                       one API key per line, snake_case dates (see key-shape.ts)
 *   tasks/queue.jsonl                one task per line, ascending uid, in Meilisearch's INTERNAL
 *                                    shape: camelCase top level, externally tagged `type` with
 *                                    snake_case fields, PascalCase `details` (see task-shape.ts)
 *   tasks/update_files/<uid>.jsonl   NDJSON payload of each still-enqueued document addition
 *   batches/queue.jsonl              only when the source has batches
 *   indexes/<indexUid>/metadata.json {"uid","primaryKey","createdAt","updatedAt"} (the uid that counts,
 *                                    for Meilisearch too; see indexDirName for uids too long for a file name)
 *   indexes/<indexUid>/settings.json the full settings object (GET /indexes/:uid/settings shape)
 *   indexes/<indexUid>/documents.jsonl  one document per line, all fields
 *
 * Older versions (see readers/ and compat/): V2..V5 keep indexes under `indexes/<uuid>/` with a
 * `meta.json` ({settings, primary_key}) and an `index_uuids/data.jsonl` map, tasks in
 * `updates/data.jsonl` (per-index "updates" in V2/V3, global tasks with an event log in V4/V5),
 * pending payloads in `updates/update_files/update_<uuid>` (V2, a JSON array) or
 * `updates/updates_files/<uuid>` (V3..V5, NDJSON), keys in `keys` (V4/V5) and the instance uid in
 * `instance-uid` (V4/V5). V1 (Meilisearch <= 0.20) is refused, as Meilisearch >= 0.25 did.
 * Each old version is read by its own reader and upgraded one step at a time
 * (compat/v2-to-v3 -> v3-to-v4 -> v4-to-v5 -> v5-to-v6) to the V6 shapes, then converted to ours.
 */
import { createHash } from 'node:crypto';

export const CURRENT_DUMP_VERSION = 'V6';

export const DUMP_VERSIONS = ['V1', 'V2', 'V3', 'V4', 'V5', 'V6'] as const;
export type DumpVersion = (typeof DUMP_VERSIONS)[number];
/** The versions openDump accepts. */
export type ReadableDumpVersion = Exclude<DumpVersion, 'V1'>;

/** `metadata.json` of a V6 dump (V2..V5 add indexDbSize/updateDbSize, which we ignore). */
export interface DumpMetadata {
  dumpVersion: DumpVersion;
  dbVersion: string;
  dumpDate: string;
}

/** Paths inside a V6 archive. */
export const V6_PATHS = {
  metadata: 'metadata.json',
  instanceUid: 'instance_uid.uuid',
  keys: 'keys.jsonl',
  features: 'experimental-features.json',
  tasks: 'tasks/queue.jsonl',
  updateFiles: 'tasks/update_files',
  batches: 'batches/queue.jsonl',
  indexes: 'indexes',
} as const;

export const updateFilePath = (taskUid: number): string => `${V6_PATHS.updateFiles}/${taskUid}.jsonl`;

/** Meilisearch index uids: alphanumerics, `-` and `_`; also what makes a safe directory name. */
export const INDEX_UID = /^[A-Za-z0-9_-]{1,400}$/;

const MAX_DIR_NAME = 200;

/**
 * The directory of an index inside the archive: its uid, unless the uid is longer than a file
 * name may be (Meilisearch allows 400 characters, most filesystems 255 bytes); then a prefix of
 * it plus a hash. Readers, Meilisearch's included, take the uid from `metadata.json`, never from
 * the directory name, so the shortened name changes nothing for them.
 */
export function indexDirName(uid: string): string {
  if (uid.length <= MAX_DIR_NAME) return uid;
  return `${uid.slice(0, MAX_DIR_NAME - 20)}-${createHash('sha256').update(uid).digest('hex').slice(0, 16)}`;
}

export const V1_REFUSED_MESSAGE = 'dump version V1 (written by Meilisearch v0.20 and older) is not supported: '
  + 'import it into Meilisearch v0.21 to v0.24 first, create a new dump there, and import that dump';

export { keyFromDump, keyToDump, type DumpKey } from './key-shape.ts';
export { settingsFromDump } from './settings-shape.ts';
export { taskToDump, type DumpTask, type DumpTaskContext } from './task-shape.ts';
export { taskFromDump, type ParsedTask } from './task-parse.ts';
