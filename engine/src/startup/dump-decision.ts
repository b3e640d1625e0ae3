/**
 * Meilisearch's start-up decision for --import-dump, evaluated in its order:
 * 1. empty database + dump present -> import;
 * 2. database present without --ignore-dump-if-db-exists -> fatal;
 * 3. dump missing without --ignore-missing-dump -> fatal;
 * 4. otherwise start normally, the dump ignored.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

export type DumpDecision = { action: 'import'; file: string } | { action: 'start' } | { action: 'fatal'; message: string };

export function isDatabaseEmpty(dbPath: string): boolean {
  if (!existsSync(dbPath)) return true;
  try {
    return statSync(dbPath).isDirectory() && readdirSync(dbPath).length === 0;
  } catch {
    return true;
  }
}

export function decideDumpImport(options: { dbPath: string; importDump: string | null; ignoreMissingDump: boolean; ignoreDumpIfDbExists: boolean }): DumpDecision {
  if (options.importDump === null) return { action: 'start' };
  const empty = isDatabaseEmpty(options.dbPath);
  const dumpExists = existsSync(options.importDump);
  if (empty && dumpExists) return { action: 'import', file: options.importDump };
  if (!empty && !options.ignoreDumpIfDbExists) {
    return { action: 'fatal', message: `database already exists at "${resolve(options.dbPath)}", try to delete it or rename it (or start with --ignore-dump-if-db-exists)` };
  }
  if (!dumpExists && !options.ignoreMissingDump) {
    return { action: 'fatal', message: `dump doesn't exist at "${options.importDump}" (start with --ignore-missing-dump to start without it)` };
  }
  return { action: 'start' };
}
