// The Helm chart, rendered by the real helm binary: CRDs in sync with crds/, lint clean, the
// default (cluster-wide) and the namespaced install render what the operator needs and no more,
// and values.schema.json refuses bad values.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chartCrdsDir, crdsDir } from '../../operator/src/api/generate-crds.ts';
import { chartDir, chartMeta, helmBinary, renderChart, runHelm, type K8sObject } from './helm.ts';

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}
interface Container {
  name: string;
  image: string;
  args: string[];
  env: Array<{ name: string; valueFrom?: unknown }>;
  ports: Array<{ name: string; containerPort: number }>;
  livenessProbe: { httpGet: { path: string; port: string } };
  readinessProbe: { httpGet: { path: string; port: string } };
  resources: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext: Record<string, unknown>;
}
interface DeploymentSpec {
  replicas: number;
  strategy: { type: string };
  template: { spec: { serviceAccountName: string; securityContext: Record<string, unknown>; containers: Container[] } };
}

const find = (objs: K8sObject[], kind: string, name?: string, namespace?: string): K8sObject[] =>
  objs.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name) && (namespace === undefined || o.metadata.namespace === namespace));
const one = (objs: K8sObject[], kind: string, name?: string, namespace?: string): K8sObject => {
  const found = find(objs, kind, name, namespace);
  expect(found, `${kind} ${namespace ?? ''}/${name ?? '*'}`).toHaveLength(1);
  return found[0]!;
};
const deployment = (objs: K8sObject[]) => one(objs, 'Deployment') as K8sObject & { spec: DeploymentSpec };
const container = (objs: K8sObject[]) => deployment(objs).spec.template.spec.containers[0]!;
const rules = (o: K8sObject) => (o as unknown as { rules: Rule[] }).rules;
/** "group/resource verb" for every permission a set of rules grants. */
const grants = (rs: Rule[]) => rs.flatMap((r) => r.apiGroups.flatMap((g) => r.resources.flatMap((res) => r.verbs.map((v) => `${g || 'core'}/${res} ${v}`)))).sort();

const RELEASE_NS = 'searchkube-system';
const FULLNAME = 'sk-searchkube-operator';

it('finds the helm binary of the harness (fails, never skips, when it is missing)', () => {
  expect(helmBinary()).toMatch(/helm$/);
});

describe('chart CRDs', () => {
  it('are the same files as the top-level crds/ (`npm run crds` writes both)', () => {
    const top = readdirSync(crdsDir).filter((f) => f.endsWith('.yaml')).sort();
    const chart = readdirSync(chartCrdsDir).sort();
    expect(chart).toEqual(top);
    for (const f of top) expect(readFileSync(path.join(chartCrdsDir, f), 'utf8'), `charts/searchkube-operator/crds/${f} differs from crds/${f}: run npm run crds`).toBe(readFileSync(path.join(crdsDir, f), 'utf8'));
  });
});

describe('helm lint', () => {
  for (const [what, args] of [
    ['default values', []],
    ['a namespaced install', ['--set', 'watchNamespaces={shop,search}']],
    ['the ServiceMonitor on, two replicas', ['--set', 'metrics.serviceMonitor.enabled=true', '--set', 'replicaCount=2']],
  ] as const) {
    it(`is clean with ${what} (--strict: warnings fail)`, () => {
      const r = runHelm(['lint', chartDir, '--strict', '--namespace', RELEASE_NS, ...args]);
      expect(r.status, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
      expect(r.stdout).not.toMatch(/\[(WARNING|ERROR)\]/);
    });
  }
});

describe('helm template, default values (every namespace)', () => {
  const objs = renderChart();

  it('renders the ServiceAccount, cluster-wide RBAC, the leader-election Role, the metrics Service and the Deployment; no ServiceMonitor', () => {
    expect(objs.map((o) => `${o.kind} ${o.metadata.namespace ?? '-'}/${o.metadata.name}`).sort()).toEqual([
      `ClusterRole -/${FULLNAME}`,
      `ClusterRoleBinding -/${FULLNAME}`,
      `Deployment ${RELEASE_NS}/${FULLNAME}`,
      `Role ${RELEASE_NS}/${FULLNAME}-leader-election`,
      `RoleBinding ${RELEASE_NS}/${FULLNAME}-leader-election`,
      `Service ${RELEASE_NS}/${FULLNAME}-metrics`,
      `ServiceAccount ${RELEASE_NS}/${FULLNAME}`,
    ]);
  });

  it('runs searchkube/operator tagged with the chart appVersion, under its ServiceAccount, leader election on', () => {
    const d = deployment(objs);
    const c = container(objs);
    expect(c.image).toBe(`searchkube/operator:${chartMeta().appVersion}`);
    expect(d.spec.template.spec.serviceAccountName).toBe(FULLNAME);
    expect(c.args).toEqual(expect.arrayContaining(['--leader-elect=true', `--leader-election-id=${FULLNAME}`, '--metrics-addr=0.0.0.0:8080', '--request-timeout=30']));
    expect(c.args.some((a) => a.startsWith('--namespaces'))).toBe(false);
    expect(c.env.find((e) => e.name === 'POD_NAMESPACE')?.valueFrom).toEqual({ fieldRef: { fieldPath: 'metadata.namespace' } });
    expect(d.spec.strategy.type).toBe('RollingUpdate');
  });

  it('probes /healthz and /readyz on the metrics port; non-root, read-only root filesystem, resources set', () => {
    const d = deployment(objs);
    const c = container(objs);
    expect(c.ports).toEqual([expect.objectContaining({ name: 'metrics', containerPort: 8080 })]);
    expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'metrics' });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'metrics' });
    expect(d.spec.template.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } });
    expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(c.resources.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
    expect(c.resources.limits?.memory).toBeDefined();
  });

  it('binds the ClusterRole to the ServiceAccount; the Lease is reachable only in the release namespace', () => {
    const crb = one(objs, 'ClusterRoleBinding') as K8sObject & { subjects: unknown[]; roleRef: { name: string } };
    expect(crb.subjects).toEqual([{ kind: 'ServiceAccount', name: FULLNAME, namespace: RELEASE_NS }]);
    expect(crb.roleRef.name).toBe(FULLNAME);
    expect(grants(rules(one(objs, 'ClusterRole')))).not.toContainEqual(expect.stringContaining('leases'));
    expect(grants(rules(one(objs, 'Role', `${FULLNAME}-leader-election`, RELEASE_NS)))).toEqual(['coordination.k8s.io/leases create', 'coordination.k8s.io/leases get', 'coordination.k8s.io/leases update']);
  });

  it('grants least privilege: no wildcards, no escalation paths, writes only to what the operator owns', () => {
    const all = grants(rules(one(objs, 'ClusterRole')));
    expect(all.join('\n')).not.toContain('*');
    for (const forbidden of ['pods/exec', 'pods/eviction', 'pods create', 'pods patch', 'nodes', 'clusterroles', 'roles', 'rolebindings', 'serviceaccounts', 'customresourcedefinitions', 'impersonate', 'escalate', 'bind', 'deletecollection', 'configmaps']) {
      expect(all.filter((g) => g.includes(forbidden)), forbidden).toEqual([]);
    }
    // Cluster-scoped: StorageClasses, read by name only.
    expect(all.filter((g) => g.startsWith('storage.k8s.io/'))).toEqual(['storage.k8s.io/storageclasses get']);
  });
});

describe('helm template, a namespaced install (watchNamespaces)', () => {
  const watched = ['shop', 'search'];
  const objs = renderChart({ watchNamespaces: watched });
  const clusterWide = renderChart();

  it('passes the namespaces to the operator', () => {
    expect(container(objs).args).toContain('--namespaces=shop,search');
  });

  it('gives each watched namespace a Role and RoleBinding with the cluster-wide rules, and nothing namespaced cluster-wide', () => {
    const expected = grants(rules(one(clusterWide, 'ClusterRole'))).filter((g) => !g.startsWith('storage.k8s.io/'));
    for (const ns of watched) {
      expect(grants(rules(one(objs, 'Role', FULLNAME, ns)))).toEqual(expected);
      const rb = one(objs, 'RoleBinding', FULLNAME, ns) as K8sObject & { subjects: unknown[]; roleRef: { kind: string; name: string } };
      expect(rb.roleRef).toMatchObject({ kind: 'Role', name: FULLNAME });
      expect(rb.subjects).toEqual([{ kind: 'ServiceAccount', name: FULLNAME, namespace: RELEASE_NS }]);
    }
    expect(find(objs, 'Role').map((r) => r.metadata.namespace).sort()).toEqual([RELEASE_NS, ...watched].sort());
    // The only cluster-scoped grant left: get StorageClasses (to check that a volume may grow).
    expect(find(objs, 'ClusterRole').map((r) => grants(rules(r)))).toEqual([['storage.k8s.io/storageclasses get']]);
    expect(find(renderChart({ watchNamespaces: watched, rbac: { create: true, storageClassReader: false } }), 'ClusterRole')).toEqual([]);
  });
});

describe('values', () => {
  it('image.tag overrides the appVersion; the ServiceMonitor scrapes the metrics Service when enabled', () => {
    const objs = renderChart({ 'image.tag': '0.2.0-rc.1', 'metrics.serviceMonitor.enabled': true, 'metrics.serviceMonitor.labels': { release: 'prom' } });
    expect(container(objs).image).toBe('searchkube/operator:0.2.0-rc.1');
    const sm = one(objs, 'ServiceMonitor') as K8sObject & { spec: { endpoints: Array<{ port: string; path: string }>; selector: { matchLabels: Record<string, string> } } };
    expect(sm.metadata.labels).toMatchObject({ release: 'prom' });
    expect(sm.spec.endpoints).toEqual([expect.objectContaining({ port: 'metrics', path: '/metrics', interval: '30s' })]);
    const svc = one(objs, 'Service') as K8sObject & { spec: { ports: Array<{ name: string }> } };
    expect(svc.metadata.labels).toMatchObject(sm.spec.selector.matchLabels);
    expect(svc.spec.ports[0]!.name).toBe('metrics');
  });

  it('without leader election: one pod at a time (Recreate), no Lease permissions', () => {
    const objs = renderChart({ leaderElection: { enabled: false, leaseDuration: 15, renewDeadline: 10, retryPeriod: 2 } });
    expect(deployment(objs).spec.strategy.type).toBe('Recreate');
    expect(container(objs).args).toContain('--leader-elect=false');
    expect(find(objs, 'Role')).toEqual([]);
  });

  it('an existing ServiceAccount, no RBAC: the chart creates neither', () => {
    const objs = renderChart({ serviceAccount: { create: false, name: 'mine' }, rbac: { create: false } });
    expect(objs.map((o) => o.kind).sort()).toEqual(['Deployment', 'Service']);
    expect(deployment(objs).spec.template.spec.serviceAccountName).toBe('mine');
  });

  const bad: Array<[string, string[], RegExp]> = [
    ['an unknown key', ['--set', 'replicas=2'], /additional properties 'replicas' not allowed/],
    ['a misspelled nested key', ['--set', 'metrics.serviceMonitor.enable=true'], /additional properties 'enable' not allowed/],
    ['replicaCount as a string', ['--set-string', 'replicaCount=two'], /replicaCount.*want integer/],
    ['watchNamespaces as a string', ['--set-json', 'watchNamespaces="shop"'], /watchNamespaces.*want array/],
    ['a namespace that is not a DNS label', ['--set', 'watchNamespaces={Shop_1}'], /watchNamespaces\/0.*does not match pattern/],
    ['an unknown log level', ['--set', 'logLevel=loud'], /logLevel.*must be one of/],
    ['an unknown engine access mode', ['--set', 'engineAccess=dns'], /engineAccess.*must be one of/],
    ['an unknown pull policy', ['--set', 'image.pullPolicy=Sometimes'], /pullPolicy.*must be one of/],
    ['zero workers', ['--set', 'workers=0'], /workers.*minimum/],
    ['a memory limit that is not a quantity', ['--set', 'resources.limits.memory=lots'], /resources\/limits\/memory/],
    ['a port out of range', ['--set', 'metrics.port=70000'], /metrics\/port.*maximum/],
    ['renewDeadline not shorter than leaseDuration', ['--set', 'leaderElection.renewDeadline=15'], /renewDeadline must be shorter than leaderElection.leaseDuration/],
    ['two replicas without leader election', ['--set', 'leaderElection.enabled=false', '--set', 'replicaCount=2'], /replicaCount > 1 needs leaderElection.enabled/],
    ['a ServiceMonitor without the metrics Service', ['--set', 'metrics.serviceMonitor.enabled=true', '--set', 'metrics.service.enabled=false'], /serviceMonitor.enabled needs metrics.service.enabled/],
    ['no ServiceAccount name when not creating one', ['--set', 'serviceAccount.create=false'], /serviceAccount.name is required/],
  ];
  for (const [what, args, message] of bad) {
    it(`refuses ${what}`, () => {
      const r = runHelm(['template', 'sk', chartDir, ...args]);
      expect(r.status, r.stdout).not.toBe(0);
      expect(r.stderr).toMatch(message);
    });
  }
});
