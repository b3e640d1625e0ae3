/**
 * Damaged, hostile or foreign inputs: each must reject with a DumpError whose message says what
 * is wrong and where, never hang, never leave the extraction directory behind and never write a
 * byte outside it.
 */
import { randomBytes } from 'node:crypto';
import { access, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DumpError } from './errors.ts';
import { openDump } from './reader.ts';
import { sampleSource } from './test-support/sample.ts';
import { dumpOf, minimalV6, tarOf } from './test-support/tar-builder.ts';
import { writeDump } from './writer.ts';

let dir: string;
let extractParent: string;
let good: Buffer;

beforeAll(async () => {
  const scratch = await mkdtemp(join(tmpdir(), 'dump-corrupt-src-'));
  const { path } = await writeDump({ dumpDir: scratch, dumpUid: '20250101-000000000', source: sampleSource() });
  good = await readFile(path);
  await rm(scratch, { recursive: true, force: true });
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dump-corrupt-'));
  extractParent = join(dir, 'extract', 'here');
  await mkdir(extractParent, { recursive: true });
});
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

/** Opens `bytes` as a dump and reads it whole; returns the error it must fail with. */
async function failure(bytes: Buffer | string, name = 'broken.dump'): Promise<DumpError> {
  const file = join(dir, name);
  await writeFile(file, bytes);
  let error: unknown;
  try {
    const reader = await openDump(file, { tmpDir: extractParent });
    try {
      for await (const _key of reader.keys());
      for await (const { payload } of reader.tasks()) if (payload) for await (const _doc of payload());
      for await (const index of reader.indexes()) for await (const _doc of index.documents());
    } finally {
      await reader.close();
    }
  } catch (e) {
    error = e;
  }
  expect(error, 'expected the dump to be refused').toBeInstanceOf(DumpError);
  expect(await readdir(extractParent), 'extraction directory removed').toEqual([]);
  expect((await readdir(join(dir, 'extract'))).sort(), 'nothing written beside it').toEqual(['here']);
  expect((await readdir(dir)).sort(), 'nothing written further up').toEqual([name, 'extract'].sort());
  return error as DumpError;
}

describe('corrupt archives', () => {
  it('the intact dump opens (control)', async () => {
    await writeFile(join(dir, 'good.dump'), good);
    const reader = await openDump(join(dir, 'good.dump'), { tmpDir: extractParent });
    await reader.close();
  });

  it('rejects a dump truncated at any of several offsets', async () => {
    const offsets = [0, 1, 5, 10, 100, 512, Math.floor(good.length / 3), Math.floor(good.length / 2), good.length - 9, good.length - 1];
    for (const offset of offsets) {
      const error = await failure(good.subarray(0, offset));
      expect(error.message, `offset ${offset}`).toMatch(offset < 2 ? /not a gzip-compressed tar archive/ : /gzip stream is corrupt or truncated|tar archive is (corrupt or )?truncated/);
    }
  });

  it('rejects a dump with flipped bytes', async () => {
    for (const position of [12, 40, Math.floor(good.length / 2), good.length - 6, good.length - 2]) {
      const bytes = Buffer.from(good);
      bytes[position]! ^= 0xff;
      const error = await failure(bytes);
      expect(error.message, `byte ${position}`).toMatch(/broken\.dump: the (gzip stream|tar archive) is corrupt|broken\.dump: .*(truncated|corrupt)|malformed|invalid/);
    }
  });

  it('rejects files that are not gzip, and gzip that is not tar', async () => {
    expect((await failure('just some text')).message).toBe('broken.dump is not a dump: not a gzip-compressed tar archive');
    expect((await failure(tarOf([{ path: 'metadata.json', body: '{}' }]))).message).toMatch(/not a gzip-compressed tar archive/);
    expect((await failure(gzipSync('hello world'))).message).toMatch(/broken\.dump: the tar archive is corrupt or truncated \(.*Unrecognized archive format/);
    expect((await failure(gzipSync(randomBytes(4096)))).message).toMatch(/the tar archive is corrupt or truncated/);
  });

  it('rejects a tar that ends without its end-of-archive marker', async () => {
    const tar = tarOf([{ path: 'metadata.json', body: '{}' }]);
    expect((await failure(gzipSync(tar.subarray(0, 1024)))).message).toMatch(/no end-of-archive marker/);
  });

  it('reports a missing dump file', async () => {
    const error = await openDump(join(dir, 'nope.dump'), { tmpDir: extractParent }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DumpError);
    expect((error as Error).message).toMatch(/does not exist/);
    expect(await readdir(extractParent)).toEqual([]);
  });
});

describe('hostile entries', () => {
  it('refuses path traversal, absolute paths, links and devices', async () => {
    const cases = [
      [{ path: '../evil', body: 'x' }, /"\.\.\/evil": "\.\." would escape the dump directory/],
      [{ path: 'indexes/../../../evil', body: 'x' }, /would escape/],
      [{ path: '/tmp/evil', body: 'x' }, /absolute paths are not allowed/],
      [{ path: 'link', type: '2', linkpath: '/etc/passwd' }, /"link" is a SymbolicLink: links are not allowed in a dump/],
      [{ path: 'hard', type: '1', linkpath: 'metadata.json' }, /"hard" is a Link: links are not allowed/],
      [{ path: 'dev', type: '3' }, /is a CharacterDevice: only files and directories/],
      [{ path: 'fifo', type: '6' }, /is a FIFO/],
    ] as const;
    for (const [entry, message] of cases) {
      const error = await failure(minimalV6([entry]));
      expect(error.message, entry.path).toMatch(message);
    }
    await expect(access(join(dir, 'evil'))).rejects.toThrow();
    await expect(access('/tmp/evil')).rejects.toThrow();
  });

  it('skips AppleDouble files and strips ./ prefixes', async () => {
    const file = join(dir, 'mac.dump');
    await writeFile(file, dumpOf([
      { path: './', type: '5' },
      { path: './metadata.json', body: '{"dumpVersion":"V6","dbVersion":"1.8.0","dumpDate":"2024-05-16T15:51:34.151044Z"}' },
      { path: './._metadata.json', body: 'junk' },
      { path: '__MACOSX/._keys.jsonl', body: 'junk' },
      { path: './keys.jsonl', body: '' },
      { path: './tasks/queue.jsonl', body: '' },
    ]));
    const reader = await openDump(file, { tmpDir: extractParent });
    expect(reader).toMatchObject({ version: 'V6', totals: { indexes: 0, documents: 0 } });
    await reader.close();
  });
});

describe('invalid content', () => {
  it('needs metadata.json with a known dumpVersion', async () => {
    expect((await failure(minimalV6([], ['metadata.json']))).message).toBe('cannot import dump broken.dump: metadata.json: missing from the archive');
    const meta = (body: string) => dumpOf([{ path: 'metadata.json', body }]);
    expect((await failure(meta('{"dumpVersion":"V7","dbVersion":"9.0.0"}'))).message).toMatch(/metadata\.json: unknown dumpVersion "V7" \(this engine reads V2 to V6\)/);
    expect((await failure(meta('{"dbVersion":"1.0.0"}'))).message).toMatch(/unknown dumpVersion undefined/);
    expect((await failure(meta('{"dumpVersion":'))).message).toMatch(/metadata\.json: malformed JSON/);
    expect((await failure(meta('{"dumpVersion":"V6","dbVersion":"1.0.0"}'))).message).toMatch(/`dumpDate` must be an RFC 3339 date/);
  });

  it('needs the required V6 files', async () => {
    expect((await failure(minimalV6([], ['keys.jsonl']))).message).toMatch(/keys\.jsonl: missing from the archive/);
    expect((await failure(minimalV6([], ['tasks/queue.jsonl']))).message).toMatch(/tasks\/queue\.jsonl: missing from the archive/);
    const noSettings = minimalV6([{ path: 'indexes/a/metadata.json', body: '{"uid":"a","primaryKey":null,"createdAt":"2025-01-01T00:00:00Z","updatedAt":"2025-01-01T00:00:00Z"}' }, { path: 'indexes/a/documents.jsonl', body: '' }]);
    expect((await failure(noSettings)).message).toMatch(/indexes\/a\/settings\.json: missing from the archive/);
  });

  it('names the file and line of a malformed JSON line', async () => {
    const index = [
      { path: 'indexes/a/metadata.json', body: '{"uid":"a","primaryKey":"id","createdAt":"2025-01-01T00:00:00Z","updatedAt":"2025-01-01T00:00:00Z"}' },
      { path: 'indexes/a/settings.json', body: '{}' },
      { path: 'indexes/a/documents.jsonl', body: '{"id":1}\n{"id":2}\n{"id":3,}\n' },
    ];
    const error = await failure(minimalV6(index));
    expect(error.message).toMatch(/^indexes\/a\/documents\.jsonl line 3: malformed JSON/);
    expect(error).toMatchObject({ file: 'indexes/a/documents.jsonl', line: 3, code: 'invalid_state' });
    const tasks = await failure(minimalV6([{ path: 'tasks/queue.jsonl', body: '{"uid":0,"indexUid":null,"status":"succeeded","type":"snapshotCreation","enqueuedAt":"2025-01-01T00:00:00Z"}\n[1]\n' }], ['tasks/queue.jsonl']));
    expect(tasks.message).toBe('tasks/queue.jsonl line 2: expected a JSON object');
    const settings = await failure(minimalV6([...index.slice(0, 1), { path: 'indexes/a/settings.json', body: '{"rankingRules":5}' }, { path: 'indexes/a/documents.jsonl', body: '' }]));
    expect(settings.message).toMatch(/indexes\/a\/settings\.json: settings\.rankingRules: expected an array of strings/);
  });

  it('needs the payload of an enqueued document addition', async () => {
    const line = '{"uid":2,"indexUid":"a","status":"enqueued","type":{"documentImport":{"primary_key":null,"method":"ReplaceDocuments","documents_count":3,"allow_index_creation":true}},"enqueuedAt":"2025-01-01T00:00:00Z"}';
    const error = await failure(minimalV6([{ path: 'tasks/queue.jsonl', body: line }], ['tasks/queue.jsonl']));
    expect(error.message).toBe('tasks/queue.jsonl line 1: enqueued task 2 has no payload file tasks/update_files/2.jsonl');
  });
});
