// The Helm chart installed for real on a harness control plane, as one scenario run for the
// default install (every namespace: ClusterRole) and for a namespaced one (watchNamespaces:
// Roles in those namespaces): `helm install` runs the operator as a pod (the process kubelet runs
// this checkout's operator for searchkube/operator:*) under the chart's ServiceAccount, with
// nothing but the chart's RBAC; that operator brings the minimal sample SearchInstance to Ready,
// takes the sample SearchDump, runs the sample schedule, restores from a dump and upgrades to a
// new version; `helm upgrade` rolls the Deployment; `helm uninstall` removes the operator and
// nothing else.
import { randomBytes } from 'node:crypto';
import type { V1Deployment, V1PersistentVolumeClaim, V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchDump } from '../../operator/src/api/search-dump.ts';
import type { SearchDumpSchedule } from '../../operator/src/api/search-dump-schedule.ts';
import type { SearchInstance } from '../../operator/src/api/search-instance.ts';
import { SEARCHDUMPS, SEARCHDUMPSCHEDULES } from '../../operator/src/controllers/search-dump/resource-types.ts';
import { SEARCHINSTANCES } from '../../operator/src/controllers/search-instance/resource-types.ts';
import type { KubeClient } from '../../operator/src/kube/client.ts';
import { isNotFound } from '../../operator/src/kube/errors.ts';
import { PODS, PVCS, SERVICES, STATEFULSETS, type ResourceType } from '../../operator/src/kube/resource.ts';
import { eventually } from '../harness/testing.ts';
import { chartDir, chartMeta, helm } from '../packaging/helm.ts';
import {
  CLUSTERROLEBINDINGS, CLUSTERROLES, CRDS, DEPLOYMENTS, LEASES, ROLEBINDINGS, ROLES, SERVICEACCOUNTS,
  engineClient, holdsLease, operatorPods, podMetrics, sampleIn, saCan, stripFinalizers, sumMetric,
} from './helm-support.ts';
import { kubeApi, waitForPhase } from './operator-support.ts';

const NAMESPACES: ResourceType = { group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace', namespaced: false };

export interface ScenarioOptions {
  /** The kubeconfig of the cluster to install into (read when the tests run). */
  kubeconfig: () => string;
  /** true: default values (every namespace, ClusterRole); false: watchNamespaces = [the app namespace]. */
  clusterWide: boolean;
}

/** Registers the scenario's hooks and tests in the calling describe block. */
export function helmScenario(o: ScenarioOptions): void {
  const suffix = randomBytes(3).toString('hex');
  const opNs = `helm-op-${suffix}`;
  const appNs = `helm-app-${suffix}`;
  // A release name of its own: the chart's cluster-scoped objects are named after it.
  const release = `sk-${suffix}`;
  const fullname = `${release}-searchkube-operator`;
  const sa = { namespace: opNs, name: fullname };
  let api: KubeClient;
  let kubeconfig: string;
  const run = (args: string[]) => helm([...args, '--kubeconfig', kubeconfig], { timeoutMs: 240_000 });

  beforeAll(async () => {
    kubeconfig = o.kubeconfig();
    api = kubeApi(kubeconfig);
    chartMeta(); // the chart is readable, helm exists (helm.ts throws with how to build it)
    for (const ns of [opNs, appNs]) {
      await api.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'searchkube.test/owner': 'vitest' } } });
      await eventually(`ServiceAccount default in ${ns}`, () => api.get(SERVICEACCOUNTS, ns, 'default'));
    }
  });

  afterAll(async () => {
    if (!api) return;
    // Leaves nothing behind: the release (if a test failed before uninstalling), the finalizers no
    // operator is left to remove, then the namespaces.
    helm(['uninstall', release, '-n', opNs, '--ignore-not-found', '--wait', '--kubeconfig', kubeconfig], { timeoutMs: 120_000 });
    for (const t of [SEARCHDUMPS, SEARCHDUMPSCHEDULES, SEARCHINSTANCES]) await stripFinalizers(api, t, appNs);
    for (const ns of [opNs, appNs]) await api.delete(NAMESPACES, undefined, ns).catch(() => undefined);
  });

  const BOOKS = [
    { id: 1, title: 'Dune' },
    { id: 2, title: 'Hyperion' },
  ];
  let firstPod: V1Pod;

  beforeAll(() => {
    chartMeta(); // the chart is readable, helm exists (helm.ts throws with how to build it)
  });

  afterAll(async () => {
    // Leaves nothing behind: the release (if a test failed before uninstalling), then the finalizers
    // no operator is left to remove, so that the namespaces can be deleted.
    if (opNs) helm(['uninstall', release, '-n', opNs, '--ignore-not-found', '--wait', '--kubeconfig', kubeconfig], { timeoutMs: 120_000 });
    if (appNs) for (const t of [SEARCHDUMPS, SEARCHDUMPSCHEDULES, SEARCHINSTANCES]) await stripFinalizers(api, t, appNs);
  });

  describe('helm install', () => {
    it('runs the operator as a pod under the chart ServiceAccount, holding the Lease in the release namespace; NOTES say what to do next', async () => {
      const out = run([
        'install', release, chartDir, '--namespace', opNs,
        ...(o.clusterWide ? [] : ['--set', `watchNamespaces={${appNs}}`]),
        '--set', 'statsInterval=2', '--set', 'resyncPeriod=30', '--set', 'leaderElection.retryPeriod=1',
        '--wait', '--timeout', '3m',
      ]);
      expect(out).toContain(`STATUS: deployed`);
      if (o.clusterWide) {
        expect(out).toContain('It manages SearchInstances, SearchDumps and SearchDumpSchedules in every namespace.');
        expect(out).toContain('kubectl apply -n default -f -');
      } else {
        expect(out).toContain(`It manages SearchInstances, SearchDumps and SearchDumpSchedules in: ${appNs} (and nowhere else).`);
        expect(out).toContain(`kubectl apply -n ${appNs} -f -`);
      }

      firstPod = (await operatorPods(api, opNs, release))[0]!;
      expect(firstPod.spec?.serviceAccountName).toBe(fullname);
      expect(firstPod.spec?.containers[0]?.image).toBe(`searchkube/operator:${chartMeta().appVersion}`);
      const lease = await eventually('the operator holds its Lease', async () => {
        const l = await api.get<{ metadata: object; spec?: { holderIdentity?: string } }>(LEASES, opNs, fullname).catch(() => undefined);
        return holdsLease(firstPod, l?.spec?.holderIdentity) ? l : undefined;
      }, 60_000);
      expect(lease.spec?.holderIdentity).toBeTruthy();

      for (const crd of ['searchinstances.searchkube.io', 'searchdumps.searchkube.io', 'searchdumpschedules.searchkube.io']) {
        expect((await api.get(CRDS, undefined, crd)).metadata?.name).toBe(crd);
      }
    });

    it('brings the minimal sample SearchInstance to Ready with only the chart RBAC, and the engine serves', async () => {
      await api.create(SEARCHINSTANCES, sampleIn<SearchInstance>('searchinstance-minimal.yaml', appNs));
      const si = await waitForPhase(api, appNs, 'products', 'Ready', 150_000);
      expect(si.status?.currentVersion).toBe('0.1.0');
      const { client } = await engineClient(api, appNs, 'products');
      await client.index('books').addDocuments(BOOKS).waitTask();
      expect((await client.index('books').search('dune')).hits.map((h) => h.id)).toEqual([1]);
      await waitForPhase(api, appNs, 'products', 'Ready', 30_000, (s) => s.status?.stats?.documents === 2);
    });

    it('takes the sample SearchDump: Succeeded, and the file is in the dumps volume', async () => {
      await api.create(SEARCHDUMPS, sampleIn<SearchDump>('searchdump.yaml', appNs));
      const dump = await eventually('SearchDump products-dump-1 Succeeded', async () => {
        const d = await api.get<SearchDump>(SEARCHDUMPS, appNs, 'products-dump-1');
        if (d.status?.phase === 'Failed') throw new Error(`dump failed: ${d.status.error}`);
        return d.status?.phase === 'Succeeded' ? d : undefined;
      }, 120_000, 500);
      expect(dump.status?.path).toBe(`/dumps/${dump.status?.dumpUid}.dump`);
      expect(dump.status?.sizeBytes).toBeGreaterThan(0);
      const { url, key } = await engineClient(api, appNs, 'products');
      const files = (await (await fetch(`${url}/dumps`, { headers: { authorization: `Bearer ${key}` } })).json()) as { results?: Array<{ uid: string }> } | Array<{ uid: string }>;
      const list = Array.isArray(files) ? files : (files.results ?? []);
      expect(list.map((f) => f.uid)).toContain(dump.status?.dumpUid);
    });

    it('runs the sample SearchDumpSchedule: its immediate dump succeeds, the next slot is set', async () => {
      await api.create(SEARCHDUMPSCHEDULES, sampleIn<SearchDumpSchedule>('searchdumpschedule.yaml', appNs));
      const dump = await eventually('the schedule\'s immediate SearchDump Succeeded', async () => {
        const items = (await api.list<SearchDump>(SEARCHDUMPS, appNs, { labelSelector: 'searchkube.io/schedule=products-nightly' })).items;
        const failed = items.find((d) => d.status?.phase === 'Failed');
        if (failed) throw new Error(`scheduled dump failed: ${failed.status?.error}`);
        return items.length === 1 && items[0]!.status?.phase === 'Succeeded' ? items[0] : undefined;
      }, 120_000, 500);
      expect(dump.spec.instanceRef.name).toBe('products');
      const schedule = await eventually('schedule status', async () => {
        const s = await api.get<SearchDumpSchedule>(SEARCHDUMPSCHEDULES, appNs, 'products-nightly');
        return s.status?.nextScheduleTime && s.status.lastSuccessfulTime ? s : undefined;
      }, 60_000);
      expect(Date.parse(schedule.status!.nextScheduleTime!)).toBeGreaterThan(Date.now());
    });

    it('the operator never met a 403, and its ServiceAccount can do nothing outside the watched namespace but hold its Lease', async () => {
      const m = await podMetrics(firstPod);
      expect(sumMetric(m, 'searchkube_operator_api_requests_total')).toBeGreaterThan(10);
      expect(sumMetric(m, 'searchkube_operator_api_requests_total', (l) => l.includes('code="403"'))).toBe(0);

      const can = (verb: string, resource: string, ns?: string, group = '') => saCan(kubeconfig, sa, verb, resource, ns, group);
      expect(await can('patch', 'statefulsets', appNs, 'apps')).toBe(true);
      expect(await can('create', 'secrets', appNs)).toBe(true);
      expect(await can('patch', 'searchinstances/status', appNs, 'searchkube.io')).toBe(true);
      expect(await can('update', 'leases', opNs, 'coordination.k8s.io')).toBe(true);
      expect(await can('get', 'storageclasses', undefined, 'storage.k8s.io')).toBe(true);
      // Every namespace, or the watched ones only.
      expect(await can('list', 'secrets', 'default')).toBe(o.clusterWide);
      expect(await can('list', 'searchinstances', 'default', 'searchkube.io')).toBe(o.clusterWide);
      expect(await can('list', 'secrets', opNs)).toBe(o.clusterWide);
      // Outside what it needs, in any mode.
      expect(await can('update', 'leases', appNs, 'coordination.k8s.io')).toBe(false);
      expect(await can('create', 'pods', appNs)).toBe(false);
      expect(await can('create', 'pods/exec', appNs)).toBe(false);
      expect(await can('update', 'searchinstances', appNs, 'searchkube.io')).toBe(false);
      expect(await can('list', 'nodes')).toBe(false);
      expect(await can('create', 'customresourcedefinitions', undefined, 'apiextensions.k8s.io')).toBe(false);
    });
  });

  describe('helm upgrade', () => {
    it('with a changed value rolls the Deployment; the new pod takes the Lease and reconciles', async () => {
      const before = await api.get<V1Deployment>(DEPLOYMENTS, opNs, fullname);
      const out = run(['upgrade', release, chartDir, '--namespace', opNs, '--reuse-values', '--set', 'logLevel=debug', '--wait', '--timeout', '3m']);
      expect(out).toContain('STATUS: deployed');
      const after = await api.get<V1Deployment>(DEPLOYMENTS, opNs, fullname);
      expect(after.metadata?.generation).toBeGreaterThan(before.metadata!.generation!);
      expect(after.spec?.template.spec?.containers[0]?.args).toContain('--log-level=debug');

      const [pod] = await operatorPods(api, opNs, release, 1, firstPod.metadata!.uid);
      expect(pod!.spec?.containers[0]?.args).toContain('--log-level=debug');
      await eventually('the new pod holds the Lease', async () => {
        const l = await api.get<{ metadata: object; spec?: { holderIdentity?: string } }>(LEASES, opNs, fullname);
        return holdsLease(pod!, l.spec?.holderIdentity);
      }, 60_000);
      // The new operator acts: a third document shows up in status.stats.
      const { client } = await engineClient(api, appNs, 'products');
      await client.index('books').addDocuments([{ id: 3, title: 'Neuromancer' }]).waitTask();
      await waitForPhase(api, appNs, 'products', 'Ready', 60_000, (s) => s.status?.stats?.documents === 3);
    });
  });

  describe('restore from a dump', () => {
    it('an instance deleted (Retain) and created again from the restore sample, without its data volume, starts from the dump', async () => {
      await api.delete(SEARCHINSTANCES, appNs, 'products');
      await eventually('SearchInstance products gone', async () => api.get(SEARCHINSTANCES, appNs, 'products').then(() => false, (e: unknown) => isNotFound(e)), 60_000);
      // Retain kept both volumes; the database goes, the dumps stay.
      const dumps = await api.get<V1PersistentVolumeClaim>(PVCS, appNs, 'products-dumps');
      expect(dumps.metadata?.ownerReferences ?? []).toEqual([]);
      // The StatefulSet goes through its owner reference; the garbage collector of a control plane
      // that met the CRDs seconds ago may take minutes to learn the kind, so it is not waited for.
      await api.delete(STATEFULSETS, appNs, 'products').catch((e: unknown) => (isNotFound(e) ? undefined : Promise.reject(e)));
      await eventually('pod products-0 gone', async () => api.get(PODS, appNs, 'products-0').then(() => false, (e: unknown) => isNotFound(e)), 90_000);
      await api.delete(PVCS, appNs, 'products-data');
      await eventually('PVC products-data gone', async () => api.get(PVCS, appNs, 'products-data').then(() => false, (e: unknown) => isNotFound(e)), 90_000);

      await api.create(SEARCHINSTANCES, sampleIn<SearchInstance>('searchinstance-restore.yaml', appNs));
      await waitForPhase(api, appNs, 'products', 'Ready', 150_000);
      const { client } = await engineClient(api, appNs, 'products');
      // What the dump held, not the document added after it.
      const docs = await client.index('books').getDocuments({ limit: 10 });
      expect(docs.results.map((d) => d.id).sort()).toEqual([1, 2]);
    });
  });

  describe('upgrade', () => {
    it('the upgrade sample (a new spec.version) upgrades the instance through a dump; the documents stay', async () => {
      const before = await api.get<SearchInstance>(SEARCHINSTANCES, appNs, 'products');
      expect(before.status?.currentVersion).toBe('0.1.0');
      await api.apply(SEARCHINSTANCES, sampleIn<SearchInstance>('searchinstance-upgrade.yaml', appNs), 'helm-install-test');
      const si = await eventually('upgrade of products to 0.2.0 Succeeded', async () => {
        const s = await api.get<SearchInstance>(SEARCHINSTANCES, appNs, 'products');
        const u = s.status?.upgrade as { to?: string; result?: string; finishedAt?: string } | undefined;
        if (u?.result === 'RolledBack') throw new Error(`upgrade rolled back: ${JSON.stringify(s.status)}`);
        return u?.to === '0.2.0' && u.result === 'Succeeded' && u.finishedAt && s.status?.phase === 'Ready' ? s : undefined;
      }, 180_000, 500);
      expect(si.status?.currentVersion).toBe('0.2.0');
      const { client } = await engineClient(api, appNs, 'products');
      expect((await client.getVersion()).pkgVersion).toBe('0.2.0');
      const docs = await client.index('books').getDocuments({ limit: 10 });
      expect(docs.results.map((d) => d.id).sort()).toEqual([1, 2]);
    });
  });

  describe('helm uninstall', () => {
    it('removes the operator and its RBAC; CRDs, SearchInstances, SearchDumps, PVCs and the running engine stay', async () => {
      const out = run(['uninstall', release, '--namespace', opNs, '--wait']);
      expect(out).toContain(`release "${release}" uninstalled`);
      const gone = async (what: string, get: () => Promise<unknown>) =>
        eventually(`${what} deleted`, () => get().then(() => false, (e: unknown) => isNotFound(e)), 60_000);
      await gone('Deployment', () => api.get(DEPLOYMENTS, opNs, fullname));
      await gone('ServiceAccount', () => api.get(SERVICEACCOUNTS, opNs, fullname));
      await gone('metrics Service', () => api.get(SERVICES, opNs, `${fullname}-metrics`));
      if (o.clusterWide) {
        await gone('ClusterRole', () => api.get(CLUSTERROLES, undefined, fullname));
        await gone('ClusterRoleBinding', () => api.get(CLUSTERROLEBINDINGS, undefined, fullname));
      } else {
        await gone('Role in the watched namespace', () => api.get(ROLES, appNs, fullname));
        await gone('RoleBinding in the watched namespace', () => api.get(ROLEBINDINGS, appNs, fullname));
      }
      await gone('leader-election Role', () => api.get(ROLES, opNs, `${fullname}-leader-election`));
      await gone('StorageClass reader ClusterRole', () => api.get(CLUSTERROLES, undefined, `${fullname}-storageclasses`));
      await gone('StorageClass reader ClusterRoleBinding', () => api.get(CLUSTERROLEBINDINGS, undefined, `${fullname}-storageclasses`));
      await eventually('operator pods gone', async () => (await api.list(PODS, opNs, { labelSelector: `app.kubernetes.io/instance=${release}` })).items.length === 0, 60_000);

      for (const crd of ['searchinstances.searchkube.io', 'searchdumps.searchkube.io', 'searchdumpschedules.searchkube.io']) {
        expect((await api.get(CRDS, undefined, crd)).metadata?.name).toBe(crd);
      }
      expect((await api.get<SearchInstance>(SEARCHINSTANCES, appNs, 'products')).status?.phase).toBe('Ready');
      expect((await api.get<SearchDump>(SEARCHDUMPS, appNs, 'products-dump-1')).status?.phase).toBe('Succeeded');
      for (const pvc of ['products-data', 'products-dumps']) expect((await api.get(PVCS, appNs, pvc)).metadata?.name).toBe(pvc);
      const { client } = await engineClient(api, appNs, 'products');
      expect((await client.index('books').search('hyperion')).hits.map((h) => h.id)).toEqual([2]);
    });
  });
}
