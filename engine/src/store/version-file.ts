import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DB_FORMAT_VERSION, ENGINE_VERSION } from '../version.ts';

export class DatabaseVersionError extends Error {
  override name = 'DatabaseVersionError';
}

const FILE = 'VERSION';

/**
 * The VERSION file binds a database directory to the on-disk format. Its first line is
 * `searchkube-db-format <n>`; the second names the engine version that created it (for humans).
 */
export function checkOrWriteVersionFile(dbPath: string): void {
  const path = join(dbPath, FILE);
  if (!existsSync(path)) {
    writeFileSync(path, `searchkube-db-format ${DB_FORMAT_VERSION}\ncreated-by ${ENGINE_VERSION}\n`);
    return;
  }
  const content = readFileSync(path, 'utf8');
  const match = /^searchkube-db-format (\d+)/.exec(content);
  if (!match) {
    throw new DatabaseVersionError(
      `The database at ${dbPath} was not written by Searchkube (its VERSION file says \`${content.split('\n')[0]}\`). ` +
        'Migrate it with a dump: create a dump with the engine that wrote it, then start this engine with --import-dump.',
    );
  }
  const found = Number(match[1]);
  if (found !== DB_FORMAT_VERSION) {
    throw new DatabaseVersionError(
      `The database at ${dbPath} uses on-disk format ${found}, but this engine (${ENGINE_VERSION}) reads format ${DB_FORMAT_VERSION}. ` +
        'Migrate with a dump: create a dump with the engine version that wrote the database, then start this engine on an empty --db-path with --import-dump <file>.',
    );
  }
}

export function hasDatabase(dbPath: string): boolean {
  return existsSync(join(dbPath, FILE));
}
