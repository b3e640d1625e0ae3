// The operator against the real control plane: a SearchInstance becomes a running, reachable
// engine, keeps its data across pod loss, rolls on template changes, upgrades on a version change
// (through a dump), writes nothing when idle, and bad objects are refused by the apiserver.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Meilisearch } from 'meilisearch';
import type { V1Pod, V1Secret } from '@kubernetes/client-node';
import { eventually, isPodReady, useNamespace } from '../harness/testing.ts';
import { ApiError } from '../../operator/src/kube/errors.ts';
import { PODS, SECRETS } from '../../operator/src/kube/resource.ts';
import { SEARCHINSTANCES } from '../../operator/src/controllers/search-instance/resource-types.ts';
import type { SearchInstance } from '../../operator/src/api/search-instance.ts';
import { createInstance, installCrds, kubeApi, startOperator, waitForPhase, type OperatorProcess } from './operator-support.ts';

const ns = useNamespace('op-instance');
const api = kubeApi();
let op: OperatorProcess;

async function readyPod(name: string, notUid?: string): Promise<V1Pod> {
  return eventually(`pod ${name} Ready`, async () => {
    const p = await api.get<V1Pod>(PODS, ns.name, name).catch(() => undefined);
    return p && p.metadata?.uid !== notUid && isPodReady(p) ? p : undefined;
  }, 90_000);
}

async function client(name: string): Promise<Meilisearch> {
  const secret = await api.get<V1Secret>(SECRETS, ns.name, `${name}-master-key`);
  const key = Buffer.from(secret.data!.masterKey!, 'base64').toString();
  const pod = await readyPod(`${name}-0`);
  return new Meilisearch({ host: `http://${pod.status!.podIP}:7700`, apiKey: key });
}

beforeAll(async () => {
  await installCrds(api);
  op = await startOperator(ns.name, ['--resync-period=3']);
});

afterAll(async () => {
  await op?.stop();
});

describe('SearchInstance', () => {
  it('becomes Ready with the resources DESIGN.md names, and serves the Meilisearch API through its pod IP', async () => {
    await createInstance(api, ns.name, 'products');
    const si = await waitForPhase(api, ns.name, 'products');
    expect(si.status).toMatchObject({ currentVersion: '0.1.0', endpoint: `http://products.${ns.name}.svc:7700`, observedGeneration: 1 });
    expect(si.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'True', reason: 'EngineReady' });
    expect(si.metadata.finalizers).toContain('searchkube.io/instance-cleanup');

    const c = await client('products');
    await c.index('books').addDocuments([{ id: 1, title: 'Dune' }, { id: 2, title: 'Hyperion' }]).waitTask();
    const hits = await c.index('books').search('dune');
    expect(hits.hits.map((h) => h.id)).toEqual([1]);
    const withStats = await waitForPhase(api, ns.name, 'products', 'Ready', 30_000, (s) => s.status?.stats?.documents === 2);
    expect(withStats.status?.stats).toMatchObject({ indexes: 1, documents: 2 });
  });

  it('writes nothing while nothing changes (periodic relists and stats refreshes included)', async () => {
    await waitForPhase(api, ns.name, 'products');
    // Let the stats settle, then count state-changing requests other than the lease's.
    await new Promise((r) => setTimeout(r, 4000));
    const writes = () => op.sum('searchkube_operator_api_writes_total', (l) => !l.includes('leases'));
    const reconciles = () => op.sum('searchkube_operator_reconcile_total');
    const [w0, r0] = [await writes(), await reconciles()];
    await new Promise((r) => setTimeout(r, 8000)); // two resync periods and four stats intervals
    const [w1, r1] = [await writes(), await reconciles()];
    expect(r1 - r0).toBeGreaterThanOrEqual(2);
    expect(w1 - w0).toBe(0);
  });

  it('brings a deleted pod back with its data', async () => {
    const before = await readyPod('products-0');
    await api.delete(PODS, ns.name, 'products-0');
    await readyPod('products-0', before.metadata!.uid);
    const c = await client('products');
    const hits = await c.index('books').search('hyperion');
    expect(hits.hits.map((h) => h.id)).toEqual([2]);
  });

  it('rolls the pod when resources change', async () => {
    const before = await readyPod('products-0');
    await api.mergePatch(SEARCHINSTANCES, ns.name, 'products', { spec: { resources: { requests: { cpu: '100m', memory: '64Mi' } } } });
    const after = await readyPod('products-0', before.metadata!.uid);
    expect(after.spec?.containers[0]?.resources?.requests).toEqual({ cpu: '100m', memory: '64Mi' });
    const si = await waitForPhase(api, ns.name, 'products');
    expect(si.metadata.generation).toBe(2);
    const c = await client('products');
    expect((await c.index('books').search('dune')).hits).toHaveLength(1);
  });

  it('moves the data to a new version through a dump on a version change (details: operator-upgrade.test.ts)', async () => {
    await api.mergePatch(SEARCHINSTANCES, ns.name, 'products', { spec: { version: '0.2.0' } });
    const si = await waitForPhase(api, ns.name, 'products', 'Ready', 120_000, (s) => s.status?.upgrade?.result === 'Succeeded');
    expect(si.status?.currentVersion).toBe('0.2.0');
    expect(si.status?.conditions?.some((c) => c.type === 'UpgradePending')).toBe(false);
    const pod = await readyPod('products-0');
    expect(pod.spec?.containers[0]?.image).toBe('searchkube/engine:0.2.0');
    const c = await client('products');
    expect((await c.index('books').search('dune')).hits).toHaveLength(1);
  });

  it('is rejected by the apiserver with a readable message when invalid', async () => {
    const create = async (spec: object) => {
      const body = { apiVersion: 'searchkube.io/v1alpha1', kind: 'SearchInstance', metadata: { name: 'bad', namespace: ns.name }, spec } as unknown as SearchInstance;
      const err = await api.create(SEARCHINSTANCES, body).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).status).toBe(422);
      return (err as ApiError).message;
    };
    // Schema errors (pattern, enum) are reported together...
    const structural = await create({ version: 'latest', deletionPolicy: 'Shred' });
    expect(structural).toContain(`spec.version: Invalid value: "latest"`);
    expect(structural).toContain('spec.deletionPolicy: Unsupported value: "Shred"');
    // ...and the CEL rules once the schema is satisfied.
    const cel = await create({ version: '0.1.0', storage: { size: 'lots' }, env: [{ name: 'MEILI_MASTER_KEY', value: 'x' }], bootstrap: { fromDump: {} } });
    expect(cel).toContain('storage.size must be a positive quantity such as 10Gi');
    expect(cel).toContain('env must not set MEILI_MASTER_KEY');
    expect(cel).toContain('bootstrap.fromDump needs exactly one of name or path');
  });
});
