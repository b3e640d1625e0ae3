/**
 * The dump files of a dump dir, for the operator's extension routes (list, stream, delete).
 * Only whole dumps are listed: a writer's temporary files never match the `<dumpUid>.dump` name.
 */
import { createReadStream, type ReadStream } from 'node:fs';
import { namesIn } from './read-dir.ts';
import { stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { EngineError } from '../errors/engine-error.ts';

const DUMP_FILE = /^(\d{8}-\d{9})\.dump$/;
const DUMP_UID = /^\d{8}-\d{9}$/;

export interface DumpFile {
  uid: string;
  fileName: string;
  sizeBytes: number;
  createdAt: string;
}

export async function listDumpFiles(dumpDir: string): Promise<DumpFile[]> {
  const names = await namesIn(dumpDir);
  const files: DumpFile[] = [];
  for (const name of names) {
    const match = DUMP_FILE.exec(name);
    if (!match) continue;
    const info = await stat(join(dumpDir, name));
    files.push({ uid: match[1]!, fileName: name, sizeBytes: info.size, createdAt: info.mtime.toISOString() });
  }
  return files.sort((a, b) => (a.uid < b.uid ? 1 : -1));
}

function pathOf(dumpDir: string, dumpUid: string): string {
  // The uid shape check is also what keeps a request from naming a path outside the dump dir.
  if (!DUMP_UID.test(dumpUid)) throw new EngineError('dump_not_found', `Dump \`${dumpUid}\` not found.`);
  return join(dumpDir, `${dumpUid}.dump`);
}

export async function openDumpFile(dumpDir: string, dumpUid: string): Promise<{ stream: ReadStream; sizeBytes: number }> {
  const path = pathOf(dumpDir, dumpUid);
  try {
    const info = await stat(path);
    return { stream: createReadStream(path), sizeBytes: info.size };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new EngineError('dump_not_found', `Dump \`${dumpUid}\` not found.`);
    throw error;
  }
}

export async function deleteDumpFile(dumpDir: string, dumpUid: string): Promise<void> {
  try {
    await unlink(pathOf(dumpDir, dumpUid));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new EngineError('dump_not_found', `Dump \`${dumpUid}\` not found.`);
    throw error;
  }
}
