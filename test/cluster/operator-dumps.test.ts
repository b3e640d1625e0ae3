// SearchDump against the real control plane and real engine pods: a dump succeeds, its file is on
// the dumps PVC and imports into a fresh engine; a dump of an unready instance waits; a failed
// engine task fails the dump with the engine's error; deletion with each policy; an operator
// killed during a dump resumes it without starting a second one.
import { existsSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEARCHDUMPS } from '../../operator/src/controllers/search-dump/resource-types.ts';
import { ApiError } from '../../operator/src/kube/errors.ts';
import { eventually, useNamespace } from '../harness/testing.ts';
import { startEngine } from '../helpers/engine-process.ts';
import { Api } from '../helpers/http-client.ts';
import { addDocuments, createDump, dumpFile, dumpFiles, dumpsDir, engineApi, getDump, gone, waitForDump } from './operator-dumps-support.ts';
import { createInstance, installCrds, kubeApi, startOperator, waitForPhase, type OperatorProcess } from './operator-support.ts';

const ns = useNamespace('op-dumps');
const api = kubeApi();
let op: OperatorProcess;
// SEARCHKUBE_DUMP_TEST_DOCS=N measures a bigger dump (the README's figures); 20 000 keeps the run short.
const DOCS = Number(process.env['SEARCHKUBE_DUMP_TEST_DOCS'] ?? 20_000);

beforeAll(async () => {
  await installCrds(api);
  op = await startOperator(ns.name, ['--resync-period=30'], 'dumps');
  await createInstance(api, ns.name, 'products');
  await waitForPhase(api, ns.name, 'products');
  await addDocuments(await engineApi(api, ns.name, 'products'), 'books', DOCS);
});

afterAll(async () => {
  await op?.stop();
});

describe('SearchDump', () => {
  it('succeeds: the status follows the engine task, the file is on the dumps PVC and imports into a fresh engine', async () => {
    const t0 = Date.now();
    await createDump(api, ns.name, 'first', 'products');
    const d = await waitForDump(api, ns.name, 'first', 'Succeeded');
    console.log(`dump of ${DOCS} documents through the operator: ${Date.now() - t0} ms, ${d.status!.sizeBytes} bytes`);
    expect(d.status).toMatchObject({ phase: 'Succeeded', taskUid: expect.any(Number), dumpUid: expect.stringMatching(/^\d{8}-\d{9}$/), engineVersion: '0.1.0', startedAt: expect.any(String), completedAt: expect.any(String) });
    expect(d.status!.path).toBe(`/dumps/${d.status!.dumpUid}.dump`);
    expect(d.status!.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'True', reason: 'DumpSucceeded' });
    expect(d.metadata.finalizers).toEqual(['searchkube.io/dump-file']);

    const file = dumpFile(await dumpsDir(api, ns.name, 'products'), d.status!.dumpUid!);
    expect(statSync(file).size).toBe(d.status!.sizeBytes);
    const fresh = await startEngine({ masterKey: 'fresh-engine-master-key-0123456789', args: ['--import-dump', file] });
    try {
      const stats = await new Api(fresh.url, 'fresh-engine-master-key-0123456789').get('/indexes/books/stats');
      expect(stats.body.numberOfDocuments).toBe(DOCS);
    } finally {
      await fresh.stop();
    }
  });

  it('refuses a change to its spec', async () => {
    const err = await api.mergePatch(SEARCHDUMPS, ns.name, 'first', { spec: { deletionPolicy: 'Retain' } }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).message).toContain('SearchDump spec is immutable');
  });

  it('waits Pending, with the reason, while its instance is not there or not Ready, then runs', async () => {
    await createDump(api, ns.name, 'early', 'later');
    const pending = await waitForDump(api, ns.name, 'early', 'Pending', 30_000, (d) => d.status?.conditions?.[0]?.reason === 'InstanceNotFound');
    expect(pending.status?.conditions?.[0]?.message).toBe('SearchInstance later does not exist');
    await createInstance(api, ns.name, 'later');
    await waitForDump(api, ns.name, 'early', 'Pending', 30_000, (d) => d.status?.conditions?.[0]?.reason === 'InstanceNotReady');
    const done = await waitForDump(api, ns.name, 'early', 'Succeeded', 120_000);
    expect(done.status?.sizeBytes).toBeGreaterThan(0);
  });

  it('fails with the engine\'s error when the engine cannot write the dump', async () => {
    // Make the dumps directory unusable: a file where the directory was (root ignores modes).
    const dir = await dumpsDir(api, ns.name, 'later');
    const aside = `${dir}.aside`;
    renameSync(dir, aside);
    writeFileSync(dir, 'not a directory');
    try {
      await createDump(api, ns.name, 'broken', 'later');
      const d = await waitForDump(api, ns.name, 'broken', 'Failed', 60_000);
      expect(d.status?.error).toMatch(/EEXIST|ENOTDIR/);
      expect(d.status?.conditions?.[0]).toMatchObject({ status: 'False', reason: 'EngineTaskFailed', message: d.status?.error });
      console.log(`failed dump error: ${d.status?.error}`);
    } finally {
      rmSync(dir, { force: true });
      renameSync(aside, dir);
    }
  });

  it('deletes its file with deletionPolicy Delete, and keeps it with Retain', async () => {
    const dir = await dumpsDir(api, ns.name, 'products');
    const del = await getDump(api, ns.name, 'first');
    const delFile = dumpFile(dir, del.status!.dumpUid!);
    await createDump(api, ns.name, 'kept', 'products', 'Retain');
    const kept = await waitForDump(api, ns.name, 'kept', 'Succeeded');
    expect(kept.metadata.finalizers ?? []).toEqual([]);
    const keptFile = dumpFile(dir, kept.status!.dumpUid!);
    expect(existsSync(delFile) && existsSync(keptFile)).toBe(true);

    await api.delete(SEARCHDUMPS, ns.name, 'first');
    await api.delete(SEARCHDUMPS, ns.name, 'kept');
    await eventually('both SearchDumps gone', async () => (await gone(api, SEARCHDUMPS, ns.name, 'first')) && (await gone(api, SEARCHDUMPS, ns.name, 'kept')), 30_000);
    expect(existsSync(delFile)).toBe(false);
    expect(existsSync(keptFile)).toBe(true);
  });

  it('resumes a dump after the operator is killed during it, without starting a second one', async () => {
    const engine = await engineApi(api, ns.name, 'products');
    // More data so the dump runs for a while; then kill the operator as soon as it has written
    // its intent (before or after POST /dumps: either way the next one must not ask again).
    await addDocuments(engine, 'more', 40_000);
    await createDump(api, ns.name, 'interrupted', 'products');
    const seen = await eventually('intent written', async () => {
      const d = await getDump(api, ns.name, 'interrupted');
      return d.status?.requestedAfterTaskUid !== undefined ? d : false;
    }, 30_000, 10);
    await op.stop('SIGKILL');
    const killedAt = await getDump(api, ns.name, 'interrupted');
    console.log(`operator killed with taskUid ${killedAt.status?.taskUid === undefined ? 'not yet recorded' : 'recorded'} (intent after task ${seen.status!.requestedAfterTaskUid})`);
    op = await startOperator(ns.name, ['--resync-period=30'], 'dumps-restarted');
    const d = await waitForDump(api, ns.name, 'interrupted', 'Succeeded', 120_000);
    const dumpTasks = (await engine.get('/tasks?types=dumpCreation&limit=100')).body.results as Array<{ uid: number }>;
    const after = dumpTasks.filter((t) => t.uid > seen.status!.requestedAfterTaskUid!);
    expect(after.map((t) => t.uid)).toEqual([d.status!.taskUid]);
    expect(dumpFiles(await dumpsDir(api, ns.name, 'products'))).toContain(`${d.status!.dumpUid}.dump`);
  });
});

