import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { EngineError } from '../errors/engine-error.ts';
import { NO_SPACE_MESSAGE, explainWriteFailure, isNoSpaceError, isUnclaimedCommitFailure } from './write-failure.ts';

/** The shape lmdb-js rejects a failed commit with: the LMDB error arrives through `commitError`. */
function lmdbCommitFailure(code: number): Error {
  const inner = Object.assign(new Error(code === 28 ? 'No space left on device' : 'Input/output error'), { code });
  const commitError = Promise.reject(inner);
  commitError.catch(() => {});
  return Object.assign(new Error('Commit failed (see commitError for details)'), { commitError });
}

describe('explainWriteFailure', () => {
  it('turns an LMDB ENOSPC commit failure into no_space_left_on_device', async () => {
    const explained = await explainWriteFailure(lmdbCommitFailure(28), tmpdir());
    expect(explained).toBeInstanceOf(EngineError);
    expect((explained as EngineError).toJSON()).toEqual({ message: NO_SPACE_MESSAGE, code: 'no_space_left_on_device', type: 'system', link: 'https://docs.meilisearch.com/errors#no_space_left_on_device' });
    expect((explained as EngineError).status).toBe(422);
    expect(isNoSpaceError(explained)).toBe(true);
  });

  it("turns Node's ENOSPC into no_space_left_on_device", async () => {
    const error = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28 });
    expect(isNoSpaceError(await explainWriteFailure(error, tmpdir()))).toBe(true);
  });

  it('calls EIO on a filesystem with room an io_error, not a full disk', async () => {
    const explained = await explainWriteFailure(lmdbCommitFailure(5), tmpdir());
    expect((explained as EngineError).code).toBe('io_error');
    expect((explained as EngineError).message).toMatch(/^Input\/output error\. This error generally happens/);
  });

  it('leaves any other error as it is', async () => {
    const error = new TypeError('not a write failure');
    expect(await explainWriteFailure(error, tmpdir())).toBe(error);
  });

  it("recognises lmdb-js's own unclaimed rejection, and nothing else", () => {
    expect(isUnclaimedCommitFailure(lmdbCommitFailure(5))).toBe(true);
    expect(isUnclaimedCommitFailure(new Error('Commit failed'))).toBe(false);
    expect(isUnclaimedCommitFailure('Commit failed')).toBe(false);
  });
});
