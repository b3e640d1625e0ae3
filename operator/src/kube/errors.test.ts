import { describe, expect, it } from 'vitest';
import { ApiError, apiErrorFromResponse, isUnreachable } from './errors.ts';

const sysError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('isUnreachable', () => {
  it('is true when no HTTP answer came: refused, reset, the request timeout', () => {
    expect(isUnreachable(sysError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:6443'))).toBe(true);
    expect(isUnreachable(sysError('ECONNRESET', 'socket hang up'))).toBe(true);
    expect(isUnreachable(new ApiError(0, 'RequestTimeout', 'GET /api/v1/pods: no answer within 30000 ms (request timeout)'))).toBe(true);
  });

  it('is false for an answer, a file error, or a failed fetch to an engine', () => {
    expect(isUnreachable(apiErrorFromResponse(503, { reason: 'ServiceUnavailable' }, 'GET x'))).toBe(false);
    expect(isUnreachable(apiErrorFromResponse(409, { reason: 'Conflict' }, 'PUT x'))).toBe(false);
    expect(isUnreachable(sysError('ENOENT', 'no such file'))).toBe(false);
    expect(isUnreachable(new TypeError('fetch failed', { cause: sysError('ECONNREFUSED', 'connect ECONNREFUSED 127.1.0.5:7700') }))).toBe(false);
    expect(isUnreachable(new Error('boom'))).toBe(false);
  });
});
