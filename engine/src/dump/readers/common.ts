/** Helpers shared by the per-version readers. */
import { access, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Document } from '../../types/document.ts';
import { DumpError, invalidContent } from '../errors.ts';
import { isObject, readJsonArray, readObjectLines, readOptionalText } from '../jsonl.ts';
import { isTimestamp } from '../time.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** NDJSON documents, one object per line. */
export async function* documentLines(root: string, rel: string): AsyncGenerator<Document> {
  for await (const { value } of readObjectLines(join(root, rel), rel)) yield value;
}

/** A V2 pending payload: one JSON array of documents. */
export async function* documentArray(root: string, rel: string): AsyncGenerator<Document> {
  let index = 0;
  for await (const value of readJsonArray(join(root, rel), rel)) {
    if (!isObject(value)) throw invalidContent(rel, `element ${index} of the array is not a JSON object`);
    index += 1;
    yield value;
  }
}

/** The optional instance uid file (`instance_uid.uuid` in V6, `instance-uid` in V4/V5). */
export async function readInstanceUid(root: string, rel: string): Promise<string | null> {
  const text = await readOptionalText(join(root, rel), rel);
  if (text === undefined) return null;
  const uid = text.trim();
  if (!isUuid(uid)) throw invalidContent(rel, 'not a uuid');
  return uid;
}

export async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

export async function requireFile(root: string, rel: string): Promise<void> {
  if (!(await exists(join(root, rel)))) throw new DumpError(`${rel}: missing from the archive`, { file: rel });
}

/** Directory entries, [] when the directory does not exist. */
export async function listDir(path: string): Promise<Array<{ name: string; isDirectory: boolean }>> {
  try {
    const entries = await readdir(path, { withFileTypes: true });
    return entries.map((e) => ({ name: e.name, isDirectory: e.isDirectory() })).sort((a, b) => (a.name < b.name ? -1 : 1));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** `dbVersion` and `dumpDate` of any metadata.json. */
export function metadataFields(meta: Record<string, unknown>, rel: string, dateRequired: boolean): { dbVersion: string; dumpDate: string | null } {
  if (typeof meta.dbVersion !== 'string') throw invalidContent(rel, '`dbVersion` must be a string');
  if (meta.dumpDate == null && !dateRequired) return { dbVersion: meta.dbVersion, dumpDate: null };
  if (!isTimestamp(meta.dumpDate)) throw invalidContent(rel, '`dumpDate` must be an RFC 3339 date');
  return { dbVersion: meta.dbVersion, dumpDate: meta.dumpDate };
}

export async function* noKeys(): AsyncGenerator<never> {}
