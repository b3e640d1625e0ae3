/**
 * Why a database write did not commit, in Meilisearch's terms. lmdb-js rejects a failed commit
 * with a generic "Commit failed" whose `commitError` promise carries LMDB's own error code; LMDB
 * reports a short write (the usual form of a full filesystem) as EIO, not ENOSPC, so EIO on a
 * filesystem with almost nothing left counts as a full disk too (Meilisearch maps both to a
 * system error rather than an internal one).
 */
import { statfsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { EngineError } from '../errors/engine-error.ts';

const ENOSPC = 28;
const EIO = 5;
/** Below this, a failed write is blamed on space: one LMDB commit of a small task needs more. */
const NEARLY_FULL_BYTES = 1024 * 1024;
/** lmdb-js settles `commitError` right after the commit's own rejection; never wait forever. */
const COMMIT_ERROR_WAIT_MS = 1_000;

export const NO_SPACE_MESSAGE = 'There is no more space left on the device. Consider increasing the size of the disk/partition.';

export async function explainWriteFailure(error: unknown, dir: string): Promise<unknown> {
  const cause = await commitCause(error);
  const errno = errnoOf(cause);
  if (errno === ENOSPC || (errno === EIO && freeBytes(dir) < NEARLY_FULL_BYTES)) {
    return new EngineError('no_space_left_on_device', NO_SPACE_MESSAGE, { cause });
  }
  if (errno === EIO) {
    return new EngineError('io_error', `${messageOf(cause)}. This error generally happens when you have no space left on device or when your database doesn't have read or write right.`, { cause });
  }
  return error;
}

export function isNoSpaceError(error: unknown): boolean {
  return error instanceof EngineError && error.code === 'no_space_left_on_device';
}

/**
 * lmdb-js also rejects a promise of its own for the whole batch of an event turn, which nobody
 * holds; every write of that commit has already had its own rejection, explained above.
 */
export function isUnclaimedCommitFailure(reason: unknown): boolean {
  return reason instanceof Error && (reason as { commitError?: unknown }).commitError instanceof Promise;
}

/** Awaiting `commitError` also keeps its rejection from surfacing as an unhandled one. */
async function commitCause(error: unknown): Promise<unknown> {
  const pending = (error as { commitError?: unknown } | null)?.commitError;
  if (!(pending instanceof Promise)) return error;
  try {
    await Promise.race([pending, sleep(COMMIT_ERROR_WAIT_MS)]);
    return error;
  } catch (inner) {
    return inner;
  }
}

/** LMDB errors carry the positive C errno as `code`; Node's fs errors a negative `errno`. */
function errnoOf(error: unknown): number | undefined {
  const { code, errno } = (error ?? {}) as { code?: unknown; errno?: unknown };
  if (code === 'ENOSPC') return ENOSPC;
  if (code === 'EIO') return EIO;
  if (typeof code === 'number') return code;
  if (typeof errno === 'number') return Math.abs(errno);
  return undefined;
}

function freeBytes(dir: string): number {
  try {
    const stats = statfsSync(dir);
    return stats.bavail * stats.bsize;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
