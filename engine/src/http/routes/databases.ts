/**
 * Searchkube extension for the operator: the database directories next to this engine's
 * `--db-path`. The operator keeps one directory per engine version (`/data/db-<version>`) so that
 * an upgrade can be rolled back; these routes let it list them and remove the ones it no longer
 * needs (the previous version's after an upgrade, a failed attempt's after a rollback) without a
 * separate pod. The engine's own database can never be removed.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { EngineError } from '../../errors/engine-error.ts';

/** `db-<version>`, and what an interrupted import leaves (`db-<version>.importing`). */
const DATABASE_DIR = /^db-[0-9A-Za-z][0-9A-Za-z.+_-]*$/;

export interface DatabaseDir {
  name: string;
  current: boolean;
}

export async function listDatabaseDirs(dbPath: string): Promise<DatabaseDir[]> {
  const parent = dirname(resolve(dbPath));
  const own = basename(resolve(dbPath));
  let names: string[];
  try {
    names = await readdir(parent);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const dirs: DatabaseDir[] = [];
  for (const name of names.sort()) {
    if (!DATABASE_DIR.test(name)) continue;
    if (!(await stat(join(parent, name))).isDirectory()) continue;
    dirs.push({ name, current: name === own });
  }
  return dirs;
}

export async function removeDatabaseDir(dbPath: string, name: string): Promise<void> {
  if (!DATABASE_DIR.test(name)) throw new EngineError('database_not_found', `Database \`${name}\` not found.`);
  if (name === basename(resolve(dbPath))) throw new EngineError('bad_request', `Database \`${name}\` is the one this engine runs on; it cannot be removed.`);
  const path = join(dirname(resolve(dbPath)), name);
  try {
    if (!(await stat(path)).isDirectory()) throw new EngineError('database_not_found', `Database \`${name}\` not found.`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new EngineError('database_not_found', `Database \`${name}\` not found.`);
    throw error;
  }
  await rm(path, { recursive: true, force: true });
}

export async function databaseRoutes(app: FastifyInstance, { dbPath }: { dbPath: () => string }): Promise<void> {
  const config = { action: '*', index: 'none' as const };
  app.get('/databases', { config }, async () => ({ results: await listDatabaseDirs(dbPath()) }));
  app.delete<{ Params: { name: string } }>('/databases/:name', { config }, async (request, reply) => {
    await removeDatabaseDir(dbPath(), request.params.name);
    return reply.status(204).send();
  });
}
