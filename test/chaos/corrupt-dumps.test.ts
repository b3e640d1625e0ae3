/**
 * Damaged and hostile dumps given to a real engine's `--import-dump`. The damage is generated
 * from a real dump written by the engine (extracted and repacked with the `tar` package, or cut
 * and flipped byte by byte; hostile entries crafted with tar's Header). engine/src/dump/
 * corrupt.test.ts checks the reader in process; here every case is a launch that must:
 * exit 1 with "could not be imported: <reason>" on stderr, leave neither `<db-path>` nor
 * `<db-path>.importing`, and change nothing in a sandbox tree around the database and dump
 * dirs (snapshotted before and after, the engine's log file apart). The dumps dir is the
 * sandbox's `dumps/`, the database `work/db`; traversal entries aim at the sandbox root and /tmp.
 */
import { randomBytes } from 'node:crypto';
import { appendFileSync, cpSync, existsSync, linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync, gunzipSync } from 'node:zlib';
import { Header, create, extract } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEngine, tempDir } from '../helpers/engine-process.ts';
import { Api } from '../helpers/http-client.ts';
import { FULL, count, report } from './scale.ts';

interface Case { name: string; bytes: () => Buffer | Promise<Buffer>; reason: RegExp }

let root: string;
let good: Buffer;
let tree: string; // the real dump, extracted
const cases: Case[] = [];
const GENERIC = /could not be imported: .{10,}/;
const EVIL = `searchkube-chaos-evil-${process.pid}`;

/** A deterministic PRNG, so a failing case can be replayed by its name. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** The extracted real dump, copied, changed by `edit`, and packed again with the tar package. */
function repack(edit: (dir: string) => void, options: { gzip?: boolean } = {}): () => Promise<Buffer> {
  return async () => {
    const dir = join(root, 'scratch', `repack-${randomBytes(4).toString('hex')}`);
    cpSync(tree, dir, { recursive: true });
    edit(dir);
    const out = `${dir}.tar`;
    await create({ cwd: dir, file: out, gzip: options.gzip ?? true, portable: true }, readdirSync(dir));
    const bytes = readFileSync(out);
    rmSync(dir, { recursive: true, force: true });
    rmSync(out, { force: true });
    return bytes;
  };
}

/** The real dump's entries plus crafted ones (tar Header: names and types no packer writes). */
function crafted(entries: Array<{ path: string; type?: string; linkpath?: string; body?: string; size?: number }>): () => Buffer {
  return () => {
    const tar = gunzipSync(good);
    const endMarker = tar.length - 1024; // real dumps end with two zero blocks (plus padding)
    let end = 0;
    // Walk the headers to the end-of-archive marker.
    for (let offset = 0; offset < endMarker;) {
      const header = new Header(tar, offset);
      if (!header.path) { end = offset; break; }
      offset += 512 + Math.ceil((header.size ?? 0) / 512) * 512;
      end = offset;
    }
    const parts: Buffer[] = [tar.subarray(0, end)];
    for (const entry of entries) {
      const body = Buffer.from(entry.body ?? '');
      const header = new Header({ path: entry.path, type: (entry.type ?? 'File') as never, linkpath: entry.linkpath, size: entry.size ?? body.length, mode: 0o644, mtime: new Date(0), uid: 0, gid: 0 });
      const block = Buffer.alloc(512);
      header.encode(block, 0);
      parts.push(block, body, Buffer.alloc((512 - (body.length % 512)) % 512));
    }
    parts.push(Buffer.alloc(1024));
    return gzipSync(Buffer.concat(parts));
  };
}

function buildCases(): void {
  const rand = prng(20261130);
  // 1. Truncated at many offsets (30): every prefix of a dump is refused.
  for (let i = 0; i < 30; i += 1) {
    const offset = i < 6 ? [0, 1, 2, 9, 10, 100][i]! : i === 29 ? good.length - 1 : Math.floor((good.length * i) / 30);
    cases.push({ name: `truncated at ${offset}/${good.length}`, bytes: () => good.subarray(0, offset), reason: offset < 2 ? /not a gzip-compressed tar archive/ : /corrupt or truncated|truncated/ });
  }
  // 2. Bit flips (25) anywhere after the gzip header's mtime/flags/OS bytes (4-9, which gzip
  // itself ignores): the deflate stream or the CRC-32/length trailer no longer agree.
  for (let i = 0; i < 25; i += 1) {
    const position = 10 + Math.floor(rand() * (good.length - 10));
    const bit = 1 << Math.floor(rand() * 8);
    cases.push({ name: `bit ${bit} flipped at byte ${position}`, bytes: () => { const b = Buffer.from(good); b[position]! ^= bit; return b; }, reason: /corrupt|truncated|malformed|invalid|expected|missing|unknown/ });
  }
  // 3. Wrong compression / not gzip (10).
  const tarBytes = gunzipSync(good);
  const wrongGzip: Array<[string, () => Buffer, RegExp]> = [
    ['empty file', () => Buffer.alloc(0), /not a gzip-compressed tar archive/],
    ['plain tar (no gzip)', () => tarBytes, /not a gzip-compressed tar archive/],
    // (A gzip of a whole dump imports: the tar parser unwraps a second gzip layer by itself.)
    ['gzip of a truncated dump', () => gzipSync(good.subarray(0, good.length >> 1)), /corrupt|truncated/],
    ['gzip of random bytes', () => gzipSync(randomBytes(8192)), /tar archive is corrupt|truncated/],
    ['gzip of text', () => gzipSync('hello, this is not a tar'), /tar archive is corrupt|truncated/],
    ['zstd magic', () => Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), tarBytes.subarray(0, 4096)]), /not a gzip-compressed tar archive/],
    ['bzip2 magic', () => Buffer.concat([Buffer.from('BZh9'), tarBytes.subarray(0, 4096)]), /not a gzip-compressed tar archive/],
    ['gzip magic, bad method byte', () => { const b = Buffer.from(good); b[2] = 0x07; return b; }, /gzip stream is corrupt/],
    ['gzip magic, reserved flag bits', () => { const b = Buffer.from(good); b[3] = 0xe0; return b; }, /gzip stream is corrupt/],
    ['gzip header only', () => good.subarray(0, 10), /gzip stream is corrupt or truncated/],
  ];
  for (const [name, bytes, reason] of wrongGzip) cases.push({ name, bytes, reason });
  // 4. Wrong or missing version (8).
  const metadata = (body: string) => repack((dir) => writeFileSync(join(dir, 'metadata.json'), body));
  const versions: Array<[string, string, RegExp]> = [
    ['dumpVersion V7', '{"dumpVersion":"V7","dbVersion":"9.0.0","dumpDate":"2025-01-01T00:00:00Z"}', /unknown dumpVersion "V7"/],
    ['dumpVersion V1', '{"dumpVersion":"V1","dbVersion":"0.20.0","dumpDate":"2025-01-01T00:00:00Z"}', /V1|0\.20/],
    ['dumpVersion missing', '{"dbVersion":"1.0.0","dumpDate":"2025-01-01T00:00:00Z"}', /unknown dumpVersion/],
    ['dumpVersion a number', '{"dumpVersion":6,"dbVersion":"1.0.0","dumpDate":"2025-01-01T00:00:00Z"}', /unknown dumpVersion/],
    ['dumpVersion lowercase', '{"dumpVersion":"v6","dbVersion":"1.0.0","dumpDate":"2025-01-01T00:00:00Z"}', /unknown dumpVersion/],
    ['metadata not JSON', '{"dumpVersion":', /metadata\.json: malformed JSON/],
    ['metadata an array', '[1,2,3]', /metadata\.json/],
    ['metadata with a bad date', '{"dumpVersion":"V6","dbVersion":"1.0.0","dumpDate":"yesterday"}', /dumpDate/],
  ];
  for (const [name, body, reason] of versions) cases.push({ name, bytes: metadata(body), reason });
  // 5. Missing files (6).
  const indexDir = readdirSync(join(tree, 'indexes'))[0]!;
  const missing: Array<[string, RegExp]> = [
    ['metadata.json', /metadata\.json: missing/],
    ['keys.jsonl', /keys\.jsonl: missing/],
    ['tasks/queue.jsonl', /tasks\/queue\.jsonl: missing/],
    [`indexes/${indexDir}/settings.json`, /settings\.json: missing/],
    [`indexes/${indexDir}/metadata.json`, /metadata\.json: missing/],
    [`indexes/${indexDir}/documents.jsonl`, /documents\.jsonl: missing/],
  ];
  for (const [file, reason] of missing) cases.push({ name: `missing ${file}`, bytes: repack((dir) => rmSync(join(dir, file), { recursive: true })), reason });
  // 6. Huge lines (4): one line of tens of MB, malformed or of the wrong shape.
  const documents = `indexes/${indexDir}/documents.jsonl`;
  const huge: Array<[string, () => string, RegExp]> = [
    ['huge malformed document line (40 MB)', () => `{"id":1,"text":"${'x'.repeat(40_000_000)}`, /documents\.jsonl line 1: malformed JSON/],
    ['huge line of digits (20 MB)', () => '9'.repeat(20_000_000), /documents\.jsonl line 1: /],
    ['huge array line (10 MB)', () => `[${'1,'.repeat(5_000_000)}1]`, /documents\.jsonl line 1: /],
    ['huge keys line (30 MB)', () => `{"uid":"${'k'.repeat(30_000_000)}"`, /keys\.jsonl line 1: malformed JSON/],
  ];
  if (FULL) {
    // Longer than V8's longest string: refused by name (it took minutes before: the reader
    // copied the whole line again for every 256 KB read).
    cases.push({ name: 'document line of 560 MB', bytes: repack((dir) => {
      const file = join(dir, documents);
      writeFileSync(file, '{"id":1,"t":"');
      for (let left = 560_000_000; left > 0; left -= 50_000_000) appendFileSync(file, 'x'.repeat(Math.min(left, 50_000_000)));
      appendFileSync(file, '"}\n');
    }), reason: /documents\.jsonl line 1: line too long/ });
  }
  for (const [name, line, reason] of huge) {
    const file = name.includes('keys') ? 'keys.jsonl' : documents;
    cases.push({ name, bytes: repack((dir) => writeFileSync(join(dir, file), `${line()}\n`)), reason });
  }
  // 7. Malformed lines and contents (12).
  const malformed: Array<[string, string, string, RegExp]> = [
    ['document line with trailing comma', documents, '{"id":1,}\n', /documents\.jsonl line 1: malformed JSON/],
    ['document line not an object', documents, '{"id":1}\n[1,2]\n', /documents\.jsonl line 2/],
    ['document without its primary key', documents, '{"id":1}\n{"other":2}\n', /documents\.jsonl line 2|primary key|document/i],
    ['document with an invalid id', documents, '{"id":"no spaces allowed here"}\n', /document|identifier|id/i],
    ['NUL bytes in a document line', documents, '{"id":1}\n\u0000\u0000\u0000\n', /documents\.jsonl line 2/],
    ['invalid UTF-8 in JSON', documents, '{"id":1,"t":"\udc00"', /documents\.jsonl line 1/],
    ['key line not JSON', 'keys.jsonl', 'not json\n', /keys\.jsonl line 1: malformed JSON/],
    ['key with wrong types', 'keys.jsonl', '{"uid":5,"key":[],"actions":"all","indexes":null}\n', /keys\.jsonl line 1/],
    ['task line not JSON', 'tasks/queue.jsonl', '{"uid":0,\n', /tasks\/queue\.jsonl line 1/],
    // (A task of a type this engine does not know is skipped on purpose, for newer dumps.)
    ['task of unknown status', 'tasks/queue.jsonl', '{"uid":0,"indexUid":null,"status":"exploded","type":"snapshotCreation","enqueuedAt":"2025-01-01T00:00:00Z"}\n', /tasks\/queue\.jsonl line 1: .*unknown status/],
    ['enqueued addition without its payload', 'tasks/queue.jsonl', '{"uid":0,"indexUid":"a","status":"enqueued","type":{"documentImport":{"primary_key":null,"method":"ReplaceDocuments","documents_count":3,"allow_index_creation":true}},"enqueuedAt":"2025-01-01T00:00:00Z"}\n', /no payload file/],
    ['settings of the wrong type', `indexes/${indexDir}/settings.json`, '{"rankingRules":5}', /settings\.rankingRules: expected an array of strings/],
  ];
  for (const [name, file, body, reason] of malformed) cases.push({ name, bytes: repack((dir) => writeFileSync(join(dir, file), body)), reason });
  // 8. Path traversal and absolute names (8), aimed at the sandbox root and /tmp.
  const traversal: Array<[string, RegExp]> = [
    [`../${EVIL}`, /would escape the dump directory/],
    [`../../${EVIL}`, /would escape/],
    [`indexes/../../${EVIL}`, /would escape/],
    [`./../${EVIL}`, /would escape/],
    [`indexes/a/../../../../${EVIL}`, /would escape/],
    [`/tmp/${EVIL}`, /absolute paths are not allowed/],
    [`//tmp/${EVIL}`, /absolute paths are not allowed/],
    [`C:/${EVIL}`, /absolute paths are not allowed/],
  ];
  for (const [path, reason] of traversal) cases.push({ name: `entry named ${path}`, bytes: crafted([{ path, body: 'pwned' }]), reason });
  // 9. Links and special files (10): symlinks and hardlinks crafted, and real ones packed by tar.
  const links: Array<[string, Parameters<typeof crafted>[0][number], RegExp]> = [
    ['symlink to /etc/passwd', { path: 'keys.jsonl', type: 'SymbolicLink', linkpath: '/etc/passwd' }, /SymbolicLink: links are not allowed/],
    ['symlink out of the dump', { path: 'evil-link', type: 'SymbolicLink', linkpath: `../${EVIL}` }, /links are not allowed/],
    ['symlinked directory then a file through it', { path: 'dirlink', type: 'SymbolicLink', linkpath: '/tmp' }, /links are not allowed/],
    ['hardlink to /etc/passwd', { path: 'hard', type: 'Link', linkpath: '/etc/passwd' }, /Link: links are not allowed/],
    ['hardlink to a dump file', { path: 'hard2', type: 'Link', linkpath: 'metadata.json' }, /links are not allowed/],
    ['character device', { path: 'dev', type: 'CharacterDevice' }, /only files and directories/],
    ['block device', { path: 'blk', type: 'BlockDevice' }, /only files and directories/],
    ['FIFO', { path: 'fifo', type: 'FIFO' }, /only files and directories/],
  ];
  for (const [name, entry, reason] of links) cases.push({ name, bytes: crafted([entry, ...(name.includes('through') ? [{ path: `dirlink/${EVIL}`, body: 'x' }] : [])]), reason });
  cases.push({ name: 'real symlink packed by tar', bytes: repack((dir) => symlinkSync('/etc/passwd', join(dir, 'passwd'))), reason: /SymbolicLink: links are not allowed/ });
  cases.push({ name: 'real hardlink packed by tar', bytes: repack((dir) => linkSync(join(dir, 'keys.jsonl'), join(dir, 'keys-copy.jsonl'))), reason: /Link: links are not allowed/ });
  // 10. Lying sizes and odd structures (4).
  cases.push({ name: 'entry size larger than the archive', bytes: crafted([{ path: 'big', body: 'short', size: 10_000_000 }]), reason: /truncated|corrupt/ });
  // (A NUL in a name cannot be crafted through tar's Header: it ends the name field.) A header
  // whose checksum does not match, gzip intact:
  cases.push({ name: 'tar header checksum wrong', bytes: () => { const tar = Buffer.from(gunzipSync(good)); tar[148] = tar[148] === 0x31 ? 0x32 : 0x31; return gzipSync(tar); }, reason: /tar archive is corrupt|checksum|truncated/ });
  cases.push({ name: 'a file where the indexes directory should be', bytes: repack((dir) => { rmSync(join(dir, 'indexes'), { recursive: true }); writeFileSync(join(dir, 'indexes'), 'x'); }), reason: /indexes/ });
  cases.push({ name: 'gzip trailer cut (CRC kept, length lost)', bytes: () => good.subarray(0, good.length - 4), reason: /gzip stream is corrupt or truncated/ });
}

/** Every path under `dir` with its type and size (and content hash for small files). */
function snapshot(dir: string, skip: (rel: string) => boolean): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (path: string): void => {
    for (const name of readdirSync(path)) {
      const full = join(path, name);
      const rel = relative(dir, full);
      if (skip(rel)) continue;
      const info = lstatSync(full);
      out.set(rel, info.isDirectory() ? 'dir' : info.isSymbolicLink() ? 'link' : `file ${info.size} ${info.mtimeMs}`);
      if (info.isDirectory()) walk(full);
    }
  };
  walk(dir);
  return out;
}

beforeAll(async () => {
  root = tempDir('chaos-corrupt');
  mkdirSync(join(root, 'scratch'));
  // A real dump: two indexes with settings, documents, keys, finished tasks of every kind.
  const source = await startEngine({ masterKey: 'chaos-master-key-0123456789', dbPath: join(root, 'scratch', 'source'), dumpDir: join(root, 'scratch', 'source-dumps') });
  const api = new Api(source.url, 'chaos-master-key-0123456789');
  await api.run(api.post('/indexes/books/documents', Array.from({ length: 2_000 }, (_, i) => ({ id: i, title: `book ${i}`, year: 1900 + (i % 120), tags: [`t${i % 7}`] }))));
  await api.run(api.patch('/indexes/books/settings', { filterableAttributes: ['year', 'tags'], sortableAttributes: ['year'] }));
  await api.run(api.post('/indexes/movies/documents', Array.from({ length: 500 }, (_, i) => ({ mid: `m-${i}`, name: `movie ${i}` })), { }));
  await api.post('/keys', { name: 'reader', actions: ['search'], indexes: ['books'], expiresAt: null });
  const dump = await api.run(api.post('/dumps'));
  await source.stop();
  good = readFileSync(join(root, 'scratch', 'source-dumps', `${dump.details.dumpUid}.dump`));
  tree = join(root, 'scratch', 'tree');
  mkdirSync(tree);
  await extract({ file: join(root, 'scratch', 'source-dumps', `${dump.details.dumpUid}.dump`), cwd: tree });
  buildCases();
}, 300_000);
afterAll(() => { if (root) rmSync(root, { recursive: true, force: true }); });

describe('damaged dumps given to --import-dump', () => {
  it('the undamaged dump imports (control), and a repacked copy too', async () => {
    const sandbox = join(root, 'control');
    mkdirSync(join(sandbox, 'dumps'), { recursive: true });
    writeFileSync(join(sandbox, 'dumps', 'repacked.dump'), await repack(() => undefined)());
    for (const file of ['repacked.dump']) {
      const engine = await startEngine({ dbPath: join(sandbox, `db-${file}`), dumpDir: join(sandbox, 'dumps'), args: ['--import-dump', join(sandbox, 'dumps', file)] });
      expect((await new Api(engine.url).get('/indexes/books/stats')).body.numberOfDocuments).toBe(2_000);
      await engine.stop();
    }
  });

  it('refuses every damaged dump with a clear error, leaves no database and writes nothing elsewhere', async () => {
    expect(cases.length).toBeGreaterThanOrEqual(100);
    // CI runs every 4th case (all categories are interleaved enough for that to cover each).
    const selected = FULL ? cases : cases.filter((_, i) => i % 4 === 0);
    const sandbox = join(root, 'sandbox');
    const work = join(sandbox, 'work');
    const dumpDir = join(sandbox, 'dumps');
    const input = join(sandbox, 'input');
    mkdirSync(work, { recursive: true });
    mkdirSync(dumpDir);
    mkdirSync(input);
    writeFileSync(join(sandbox, 'bystander.txt'), 'must not change');
    const reasons = new Map<string, string>();
    const failures: string[] = [];
    const started = Date.now();
    for (const [i, testCase] of selected.entries()) {
      const file = join(input, `case-${i}.dump`);
      writeFileSync(file, await testCase.bytes());
      const dbPath = join(work, 'db');
      const isLog = (rel: string) => rel.startsWith('work/db.') && rel.endsWith('.log');
      const before = snapshot(sandbox, isLog);
      const tmpBefore = existsSync(`/tmp/${EVIL}`);
      const message = await startEngine({ dbPath, dumpDir, args: ['--import-dump', file] }).then(
        async (engine) => { await engine.stop(); return null; },
        (error: Error) => error.message,
      );
      // The child's stderr reaches the log file through a pipe: it may land just after the exit.
      let stderr = '';
      for (let attempt = 0; attempt < 40 && message && stderr === ''; attempt += 1) {
        const log = readFileSync(/see (\S+)$/.exec(message)?.[1] ?? '/dev/null', 'utf8');
        stderr = /searchkube engine: .*/.exec(log)?.[0] ?? '';
        if (stderr === '') await new Promise((resolve) => setTimeout(resolve, 50));
      }
      reasons.set(testCase.name, stderr);
      const problems: string[] = [];
      if (message === null) problems.push('launched');
      else if (!/exited \(1\)/.test(message)) problems.push(message);
      if (!GENERIC.test(stderr)) problems.push(`no clear error on stderr: ${JSON.stringify(stderr.slice(0, 300))}`);
      else if (!testCase.reason.test(stderr)) problems.push(`error does not say ${testCase.reason}: ${stderr.slice(0, 300)}`);
      if (existsSync(dbPath)) problems.push('database left');
      if (existsSync(`${dbPath}.importing`)) problems.push('.importing left');
      const after = snapshot(sandbox, isLog);
      after.delete(relative(sandbox, file));
      before.delete(relative(sandbox, file));
      const changed = [...new Set([...before.keys(), ...after.keys()])].filter((key) => before.get(key) !== after.get(key));
      if (changed.length > 0) problems.push(`sandbox changed: ${changed.join(', ')}`);
      if (!tmpBefore && existsSync(`/tmp/${EVIL}`)) problems.push(`/tmp/${EVIL} written`);
      if (problems.length > 0) failures.push(`${testCase.name}: ${problems.join('; ')}`);
      rmSync(file);
      for (const name of readdirSync(work)) rmSync(join(work, name), { recursive: true, force: true });
    }
    expect(readFileSync(join(sandbox, 'bystander.txt'), 'utf8')).toBe('must not change');
    expect(statSync(dumpDir).isDirectory()).toBe(true);
    expect(failures).toEqual([]);
    report(`corrupt dumps: ${selected.length} of ${cases.length} damaged dumps launched with --import-dump in ${((Date.now() - started) / 1000).toFixed(1)} s, all refused (exit 1, reason on stderr), no database, sandbox unchanged`);
    if (FULL) for (const [name, reason] of reasons) report(`  ${name} -> ${reason.replace(/^searchkube engine: /, '').slice(0, 160)}`);
  });
});
