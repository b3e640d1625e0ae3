// Well-known locations of the harness, all derived from this file's place in the repo.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const harnessDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = path.resolve(harnessDir, '..', '..');

/** State dir of the cluster started by `npm run cluster:up` (git-ignored). */
export const defaultStateDir = path.join(repoRoot, '.cache', 'cluster');

/** Node 24 from the npm package; plain `node` on PATH may be older. */
export function nodeBinary(): string {
  return path.join(repoRoot, 'node_modules', '.bin', 'node');
}
