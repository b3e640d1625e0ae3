import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Document } from '../types/document.ts';
import type { Task } from '../types/task.ts';
import { createHash } from 'node:crypto';
import { DumpError } from './errors.ts';
import { openDump, type DumpReader } from './reader.ts';
import { INSTANCE_UID, KEYS, MOVIES, PAYLOAD, sampleIndexes, sampleSource, sampleTasks } from './test-support/sample.ts';
import { dumpUidFor, removeDumpLeftovers, writeDump } from './writer.ts';

let dir: string;
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'dump-writer-test-')); });
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

const UID = '20250204-102231331';
const indexHash = (uid: string): string => createHash('sha256').update(uid).digest('hex').slice(0, 16);

async function readAll(reader: DumpReader) {
  const keys = [];
  for await (const key of reader.keys()) keys.push(key);
  const tasks: Array<{ task: Task; payload?: Document[] }> = [];
  for await (const { task, payload } of reader.tasks()) {
    if (!payload) {
      tasks.push({ task });
      continue;
    }
    const documents = [];
    for await (const document of payload()) documents.push(document);
    tasks.push({ task, payload: documents });
  }
  const indexes = [];
  for await (const { documents, ...index } of reader.indexes()) {
    const all = [];
    for await (const document of documents()) all.push(document);
    indexes.push({ ...index, documents: all });
  }
  return { keys, tasks, indexes };
}

const tarList = (file: string): string[] => execFileSync('tar', ['-tzf', file], { encoding: 'utf8' }).split('\n').filter(Boolean);
const tarCat = (file: string, entry: string): string => execFileSync('tar', ['-xzOf', file, entry], { encoding: 'utf8' });

describe('writeDump', () => {
  it('writes <dumpDir>/<dumpUid>.dump in the V6 layout, creating the dump dir', async () => {
    const dumpDir = join(dir, 'nested', 'dumps');
    const { path, sizeBytes } = await writeDump({ dumpDir, dumpUid: UID, source: sampleSource() });
    expect(path).toBe(join(dumpDir, `${UID}.dump`));
    expect(await readdir(dumpDir)).toEqual([`${UID}.dump`]); // no temporary file or directory left
    expect(sizeBytes).toBe((await readFile(path)).length);
    const entries = tarList(path);
    expect(entries[0]).toBe('metadata.json');
    expect(entries).toEqual(expect.arrayContaining([
      'instance_uid.uuid', 'keys.jsonl', 'tasks/queue.jsonl', 'tasks/update_files/18.jsonl',
      'indexes/movies/metadata.json', 'indexes/movies/settings.json', 'indexes/movies/documents.jsonl',
      'indexes/empty_one/metadata.json', 'indexes/empty_one/documents.jsonl',
    ]));
    const metadata = JSON.parse(tarCat(path, 'metadata.json'));
    expect(metadata).toEqual({ dumpVersion: 'V6', dbVersion: '1.13.0', dumpDate: expect.stringMatching(/^\d{4}-\d\d-\d\dT[\d:.]+Z$/) });
    expect(tarCat(path, 'instance_uid.uuid')).toBe(INSTANCE_UID);
    expect(JSON.parse(tarCat(path, 'indexes/movies/metadata.json'))).toEqual({ uid: 'movies', primaryKey: 'id', createdAt: '2025-02-04T10:14:43.560230749Z', updatedAt: '2025-02-04T10:15:21.391248252Z' });
    expect(tarCat(path, 'tasks/update_files/18.jsonl')).toBe(PAYLOAD.map((d) => JSON.stringify(d)).join('\n') + '\n');
    expect(tarCat(path, 'indexes/movies/documents.jsonl').split('\n')).toHaveLength(MOVIES.length + 1);
  });

  it('round-trips keys, tasks (with the enqueued payload), index metadata, settings and documents', async () => {
    const { path } = await writeDump({ dumpDir: dir, dumpUid: UID, source: sampleSource() });
    const reader = await openDump(path);
    try {
      expect(reader).toMatchObject({ version: 'V6', dbVersion: '1.13.0', instanceUid: INSTANCE_UID, totals: { indexes: 2, documents: MOVIES.length } });
      const read = await readAll(reader);
      expect(read.keys).toEqual(KEYS);
      expect(read.tasks).toEqual(sampleTasks().map((task) => (task.uid === 18 ? { task, payload: PAYLOAD } : { task })));
      expect(read.indexes).toEqual(sampleIndexes().map((index) => ({ ...index, documentCount: (index.documents() as unknown[]).length, documents: index.documents() })));
      expect(reader.warnings).toEqual([]);
    } finally {
      await reader.close();
    }
  });

  it('writes the running dump task as succeeded, with the dumped keys, instance uid and dump uid', async () => {
    const running: Task = { uid: 19, batchUid: 7, indexUid: null, status: 'processing', type: 'dumpCreation', canceledBy: null, details: { dumpUid: null },
      error: null, duration: null, enqueuedAt: '2025-02-04T10:22:31.318175268Z', startedAt: '2025-02-04T10:22:31.331701375Z', finishedAt: null, kind: { type: 'dumpCreation' } };
    const source = sampleSource({ dumpTaskUid: 19, *tasks() { yield { task: running }; } });
    const { path } = await writeDump({ dumpDir: dir, dumpUid: UID, source });
    const line = JSON.parse(tarCat(path, 'tasks/queue.jsonl'));
    expect(line).toMatchObject({ uid: 19, status: 'succeeded', startedAt: running.startedAt, details: { Dump: { dump_uid: UID } } });
    expect(line.type.dumpCreation.instance_uid).toBe(INSTANCE_UID);
    expect(line.type.dumpCreation.keys.map((k: { uid: string }) => k.uid)).toEqual(KEYS.map((k) => k.uid));
    expect(line.finishedAt).toMatch(/Z$/);
  });

  it('is readable when repacked with ./-prefixed entries, as Meilisearch writes them', async () => {
    const { path } = await writeDump({ dumpDir: dir, dumpUid: UID, source: sampleSource() });
    const unpacked = join(dir, 'unpacked');
    await mkdir(unpacked);
    execFileSync('tar', ['-xzf', path, '-C', unpacked]);
    const repacked = join(dir, 'repacked.dump');
    execFileSync('tar', ['-czf', repacked, '-C', unpacked, '.']);
    expect(tarList(repacked)).toContain('./metadata.json');
    const reader = await openDump(repacked);
    try {
      expect((await readAll(reader)).indexes.map((i) => i.documents.length)).toEqual([MOVIES.length, 0]);
    } finally {
      await reader.close();
    }
  });

  it('round-trips the longest index uid Meilisearch allows (400 characters) under a shortened directory name', async () => {
    const uid = `${'a'.repeat(399)}z`;
    const { path } = await writeDump({ dumpDir: dir, dumpUid: UID, source: sampleSource({ *indexes() { yield { ...sampleIndexes()[0]!, uid }; } }) });
    expect(tarList(path).filter((entry) => entry.endsWith('/metadata.json'))).toEqual([`indexes/${'a'.repeat(180)}-${indexHash(uid)}/metadata.json`]);
    const reader = await openDump(path);
    try {
      const [index] = (await readAll(reader)).indexes;
      expect(index).toMatchObject({ uid, documents: MOVIES });
    } finally {
      await reader.close();
    }
  });

  it('stops on abort and leaves nothing behind', async () => {
    const controller = new AbortController();
    const source = sampleSource({
      *indexes() {
        yield { ...sampleIndexes()[0]!, *documents() {
          for (let i = 0; ; i++) {
            if (i === 5000) controller.abort(new Error('stop now'));
            yield { id: i };
          }
        } };
      },
    });
    await expect(writeDump({ dumpDir: dir, dumpUid: UID, source, signal: controller.signal })).rejects.toThrow('stop now');
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses bad input with a DumpError and cleans up', async () => {
    const badUid = sampleSource({ *indexes() { yield { ...sampleIndexes()[0]!, uid: '../escape' }; } });
    await expect(writeDump({ dumpDir: dir, dumpUid: UID, source: badUid })).rejects.toThrow(DumpError);
    const notObject = sampleSource({ *indexes() { yield { ...sampleIndexes()[0]!, documents: () => [1 as unknown as Document] }; } });
    await expect(writeDump({ dumpDir: dir, dumpUid: UID, source: notObject })).rejects.toThrow('index movies: document 0 is not a JSON object');
    const lostPayload = sampleSource({ *tasks() { yield { task: sampleTasks()[18]! }; } });
    await expect(writeDump({ dumpDir: dir, dumpUid: UID, source: lostPayload })).rejects.toThrow(/task 18 has no payload/);
    await expect(writeDump({ dumpDir: dir, dumpUid: '../x', source: sampleSource() })).rejects.toThrow(/invalid dump uid/);
    expect(await readdir(dir)).toEqual([]);
    await writeDump({ dumpDir: dir, dumpUid: UID, source: sampleSource() });
    const again = await writeDump({ dumpDir: dir, dumpUid: UID, source: sampleSource() }).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(DumpError);
    expect(again).toMatchObject({ code: 'dump_process_failed', message: expect.stringMatching(/already exists/) });
  });

  it('names dumps by their start time', () => {
    expect(dumpUidFor(new Date('2022-06-21T16:10:29.217Z'))).toBe('20220621-161029217');
  });
});

describe('removeDumpLeftovers', () => {
  it('removes the temporary files and directories of killed writers, nothing else', async () => {
    await mkdir(join(dir, `.tmp-${UID}`, 'indexes'), { recursive: true });
    await writeFile(join(dir, `.${UID}.dump.tmp`), 'partial');
    await writeFile(join(dir, '20250101-000000000.dump'), 'whole');
    await writeFile(join(dir, 'notes.txt'), 'keep');
    expect(await removeDumpLeftovers(dir)).toEqual([join(dir, `.${UID}.dump.tmp`), join(dir, `.tmp-${UID}`)]);
    expect((await readdir(dir)).sort()).toEqual(['20250101-000000000.dump', 'notes.txt']);
    expect(await removeDumpLeftovers(join(dir, 'missing'))).toEqual([]);
  });
});
