// Resume: the operator killed (SIGKILL) at each step of an upgrade, then started again, finishes
// the upgrade (or the rollback) without a second dump and without losing a document. One
// instance walks through versions 1.0.0 -> 1.1.0 -> ...; each upgrade kills the operator as soon
// as the status shows the step under test (steps that last milliseconds may already have moved
// on when the kill lands: the step actually recorded at the kill is logged and must not be an
// earlier one). The BlockingWrites case enqueues a big batch just before, so the drain is long.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchDump } from '../../operator/src/api/search-dump.ts';
import { SEARCHINSTANCES } from '../../operator/src/controllers/search-instance/resource-types.ts';
import { SEARCHDUMPS } from '../../operator/src/controllers/search-dump/resource-types.ts';
import { eventually, useNamespace } from '../harness/testing.ts';
import { addDocuments, dumpFiles, dumpsDir } from './operator-dumps-support.ts';
import { createInstance, getInstance, installCrds, kubeApi, startOperator, waitForPhase, type OperatorProcess } from './operator-support.ts';
import { servedEngine, waitForUpgrade } from './operator-upgrade-support.ts';

const ns = useNamespace('op-resume');
const api = kubeApi();
let op: OperatorProcess | undefined;
let docs = 3000;
let version = 0;
const ORDER = ['BlockingWrites', 'Dumping', 'Restarting', 'Importing', 'Verifying', 'Completed', 'RollingBack', 'RolledBack'];

beforeAll(async () => {
  await installCrds(api);
  op = await startOperator(ns.name, ['--resync-period=30'], 'resume-0');
  await createInstance(api, ns.name, 'products', { version: '1.0.0' });
  await waitForPhase(api, ns.name, 'products');
  await addDocuments(await servedEngine(api, ns.name, 'products'), 'books', docs);
});

afterAll(async () => {
  await op?.stop();
});

async function preUpgradeDumps(): Promise<SearchDump[]> {
  return (await api.list<SearchDump>(SEARCHDUMPS, ns.name, { labelSelector: 'searchkube.io/reason=PreUpgrade,searchkube.io/instance=products' })).items;
}

describe('an operator killed during an upgrade', () => {
  it.each(['BlockingWrites', 'Dumping', 'Restarting', 'Importing', 'Verifying', 'Completed', 'RollingBack'])('at %s finishes it after a restart, with one dump and every document', async (step) => {
    const from = (await getInstance(api, ns.name, 'products')).status!.currentVersion!;
    const broken = step === 'RollingBack';
    const to = `1.${++version}.0${broken ? '-broken' : ''}`;
    const dir = await dumpsDir(api, ns.name, 'products');
    const filesBefore = dumpFiles(dir).length;
    const dumpsBefore = (await preUpgradeDumps()).length;
    if (step === 'BlockingWrites') {
      // A batch enqueued (acknowledged) right before: the drain waits for it, and it must survive.
      const engine = await servedEngine(api, ns.name, 'products');
      const batch = Array.from({ length: 30_000 }, (_, k) => ({ id: 100_000 + k, title: `late ${k}` }));
      expect((await engine.post('/indexes/late/documents', batch)).status).toBe(202);
      docs += batch.length;
    }
    await api.mergePatch(SEARCHINSTANCES, ns.name, 'products', { spec: { version: to } });
    const atKill = await eventually(`step ${step} of ${from} -> ${to}`, async () => {
      const u = (await getInstance(api, ns.name, 'products')).status?.upgrade;
      return u?.to === to && u.step && ORDER.indexOf(u.step) >= ORDER.indexOf(step) ? u.step : false;
    }, 60_000, 20);
    op!.proc.kill('SIGKILL');
    await op!.stop();
    const recorded = (await getInstance(api, ns.name, 'products')).status?.upgrade;
    console.log(`${from} -> ${to}: killed the operator at step ${atKill} (asked for ${step}); recorded then: ${recorded?.step}${recorded?.finishedAt ? ' (finished)' : ''}`);
    expect(ORDER.indexOf(atKill)).toBeGreaterThanOrEqual(ORDER.indexOf(step));

    op = await startOperator(ns.name, ['--resync-period=30'], `resume-${version}`);
    const si = await waitForUpgrade(api, ns.name, 'products', broken ? 'RolledBack' : 'Succeeded', to, 120_000);
    expect(si.status?.currentVersion).toBe(broken ? from : to);

    // One pre-upgrade SearchDump and one file for this upgrade, whatever the restart.
    const mine = (await preUpgradeDumps()).filter((d) => d.metadata.annotations?.['searchkube.io/upgrade'] === `${from} -> ${to}`);
    expect(mine).toHaveLength(1);
    expect((await preUpgradeDumps()).length).toBe(dumpsBefore + 1);
    expect(dumpFiles(dir).length).toBe(filesBefore + 1);

    const engine = await servedEngine(api, ns.name, 'products');
    expect((await engine.get('/version')).body.pkgVersion).toBe(broken ? from : to);
    await eventually('indexing done', async () => (await engine.get('/tasks?statuses=enqueued,processing&limit=1')).body.total === 0, 60_000, 200);
    const stats = (await engine.get('/stats')).body as { indexes: Record<string, { numberOfDocuments: number }> };
    expect(Object.values(stats.indexes).reduce((n, i) => n + i.numberOfDocuments, 0)).toBe(docs);
    expect((await engine.get('/write-block')).body.enabled).toBe(false);
  });
});
