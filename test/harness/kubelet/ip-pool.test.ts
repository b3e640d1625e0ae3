import { describe, expect, it } from 'vitest';
import { IpPool } from './ip-pool.ts';

describe('IpPool', () => {
  it('gives unique IPs in 127.<octet>/16, stable per pod, and keeps a preferred in-range IP', () => {
    const pool = new IpPool(42);
    const a = pool.allocate('a');
    const b = pool.allocate('b');
    expect(a).toBe('127.42.0.1');
    expect(b).toBe('127.42.0.2');
    expect(pool.allocate('a')).toBe(a);
    expect(pool.allocate('c', '127.42.7.7')).toBe('127.42.7.7');
    expect(pool.allocate('d', '127.42.7.7')).not.toBe('127.42.7.7');
    expect(pool.allocate('e', '10.0.0.1')).toMatch(/^127\.42\./);
  });
});
