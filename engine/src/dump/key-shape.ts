/**
 * API keys: our StoredKey (camelCase) <-> the key line of `keys.jsonl` (Meilisearch's internal
 * `Key`: snake_case dates, `description`/`name` omitted when null). The secret is never stored:
 * it is derived from the uid and the master key, so keys survive a dump only with the same
 * master key.
 */
import type { StoredKey } from '../types/key.ts';
import { invalidContent } from './errors.ts';
import { isObject } from './jsonl.ts';
import { isTimestamp } from './time.ts';

export interface DumpKey {
  description?: string | null;
  name?: string | null;
  uid: string;
  actions: string[];
  indexes: string[];
  expires_at: string | null;
  created_at: string;
  updated_at: string;
}

export function keyToDump(key: StoredKey): DumpKey {
  const out: DumpKey = {
    uid: key.uid, actions: [...key.actions], indexes: [...key.indexes],
    expires_at: key.expiresAt, created_at: key.createdAt, updated_at: key.updatedAt,
  };
  // Field order as Meilisearch writes it: description and name first, only when set.
  return {
    ...(key.description !== null ? { description: key.description } : {}),
    ...(key.name !== null ? { name: key.name } : {}),
    ...out,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const isStringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every((v) => typeof v === 'string');

/** Validates one V6-shaped key (also what the V4/V5 compat steps produce). */
export function keyFromDump(raw: unknown, rel: string, line?: number): StoredKey {
  const bad = (what: string) => invalidContent(rel, `invalid API key: ${what}`, line);
  if (!isObject(raw)) throw bad('expected an object');
  const { uid, name, description, actions, indexes, expires_at: expiresAt, created_at: createdAt, updated_at: updatedAt } = raw;
  if (typeof uid !== 'string' || !UUID.test(uid)) throw bad('`uid` must be a uuid');
  if (name !== undefined && name !== null && typeof name !== 'string') throw bad('`name` must be a string');
  if (description !== undefined && description !== null && typeof description !== 'string') throw bad('`description` must be a string');
  if (!isStringArray(actions)) throw bad('`actions` must be an array of strings');
  if (!isStringArray(indexes)) throw bad('`indexes` must be an array of strings');
  if (expiresAt !== null && expiresAt !== undefined && !isTimestamp(expiresAt)) throw bad('`expires_at` must be an RFC 3339 date or null');
  if (!isTimestamp(createdAt)) throw bad('`created_at` must be an RFC 3339 date');
  if (!isTimestamp(updatedAt)) throw bad('`updated_at` must be an RFC 3339 date');
  return {
    uid,
    name: name ?? null,
    description: description ?? null,
    actions,
    indexes,
    expiresAt: expiresAt ?? null,
    createdAt,
    updatedAt,
  };
}
