import { describe, expect, it } from 'vitest';
import { OptionsError, parseByteSize, parseOptions } from './options.ts';

describe('parseOptions', () => {
  it('uses Meilisearch defaults', () => {
    expect(parseOptions([], {})).toMatchObject({
      dbPath: './data.ms', httpAddr: { host: 'localhost', port: 7700 }, masterKey: null, env: 'development',
      dumpDir: 'dumps/', importDump: null, ignoreMissingDump: false, ignoreDumpIfDbExists: false, httpPayloadSizeLimit: 100_000_000, logLevel: 'info', agent: false,
    });
  });

  it('reads MEILI_* variables and lets flags win', () => {
    const env = { MEILI_DB_PATH: '/env/db', MEILI_HTTP_ADDR: '0.0.0.0:8000', MEILI_IGNORE_MISSING_DUMP: 'true', MEILI_LOG_LEVEL: 'WARN' };
    expect(parseOptions([], env)).toMatchObject({ dbPath: '/env/db', httpAddr: { host: '0.0.0.0', port: 8000 }, ignoreMissingDump: true, logLevel: 'warn' });
    expect(parseOptions(['--db-path', '/flag/db'], env).dbPath).toBe('/flag/db');
  });

  it('accepts --dumps-dir as the older spelling of --dump-dir', () => {
    expect(parseOptions(['--dumps-dir', '/d'], {}).dumpDir).toBe('/d');
  });

  it('refuses production without a master key of 16 bytes, saying why', () => {
    expect(() => parseOptions(['--env', 'production'], {})).toThrow(/master key is mandatory/);
    expect(() => parseOptions(['--env', 'production', '--master-key', 'short'], {})).toThrow(/at least 16 bytes/);
    expect(parseOptions(['--env', 'production', '--master-key', '0123456789abcdef'], {}).env).toBe('production');
  });

  it('rejects unknown flags and malformed values', () => {
    expect(() => parseOptions(['--bogus'], {})).toThrow(OptionsError);
    expect(() => parseOptions(['--http-addr', 'nohost'], {})).toThrow(/HOST:PORT/);
    expect(() => parseOptions(['--env', 'staging'], {})).toThrow(/development/);
    expect(() => parseOptions([], { MEILI_NO_ANALYTICS: 'maybe' })).toThrow(/true/);
  });

  it('parses byte sizes as Meilisearch writes them', () => {
    expect(parseByteSize('100MB')).toBe(100_000_000);
    expect(parseByteSize('1 KiB')).toBe(1024);
    expect(parseByteSize('2048')).toBe(2048);
    expect(() => parseByteSize('lots')).toThrow(OptionsError);
  });
});
