import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { isTransient } from './kube.ts';

describe('isTransient', () => {
  it('retries what an apiserver outage looks like: no connection, 429, 5xx', () => {
    const refused = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { code: 'ECONNREFUSED' }) });
    expect(isTransient(refused)).toBe(true);
    expect(isTransient(new TypeError('fetch failed'))).toBe(true);
    expect(isTransient(new ApiException(503, 'unavailable', '', {}))).toBe(true);
    expect(isTransient(new ApiException(429, 'storage is (re)initializing', '', {}))).toBe(true);
  });

  it('does not retry a refusal or a bug', () => {
    expect(isTransient(new ApiException(404, 'not found', '', {}))).toBe(false);
    expect(isTransient(new ApiException(403, 'forbidden', '', {}))).toBe(false);
    expect(isTransient(new TypeError("Cannot read properties of undefined (reading 'name')"))).toBe(false);
    expect(isTransient(new Error('boom'))).toBe(false);
  });
});
