import { describe, expect, it } from 'vitest';
import { rewritePaths } from './mount-paths.ts';

const mounts = [
  { mountPath: '/data', dir: '/tmp/pvc-1' },
  { mountPath: '/data/dumps', dir: '/tmp/pvc-2' },
  { mountPath: '/etc/secret/', dir: '/tmp/sec' },
];

describe('rewritePaths', () => {
  it('replaces a mount path that starts a value, after = or :, and keeps the rest of the path', () => {
    expect(rewritePaths('/data', mounts)).toBe('/tmp/pvc-1');
    expect(rewritePaths('/data/db-0.3.0', mounts)).toBe('/tmp/pvc-1/db-0.3.0');
    expect(rewritePaths('--db-path=/data/db', mounts)).toBe('--db-path=/tmp/pvc-1/db');
    expect(rewritePaths('a:/data/x', mounts)).toBe('a:/tmp/pvc-1/x');
    expect(rewritePaths('/etc/secret/token', mounts)).toBe('/tmp/sec/token');
  });

  it('prefers the longest mount path', () => {
    expect(rewritePaths('/data/dumps/d1.dump', mounts)).toBe('/tmp/pvc-2/d1.dump');
  });

  it('leaves lookalikes alone', () => {
    expect(rewritePaths('/database', mounts)).toBe('/database');
    expect(rewritePaths('/x/data', mounts)).toBe('/x/data');
    expect(rewritePaths('data', mounts)).toBe('data');
  });
});
