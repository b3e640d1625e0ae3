// Brings the whole local cluster up (etcd, kube-apiserver, kube-controller-manager, process kubelet)
// or down again. One state dir holds everything: PKI, etcd data, logs, pod dirs, cluster.json.
import { existsSync, mkdirSync, rmSync, writeFileSync, readFileSync, unlinkSync, openSync, closeSync } from 'node:fs';
import path from 'node:path';
import { randomInt } from 'node:crypto';
import { KubeConfig, CoreV1Api } from '@kubernetes/client-node';
import { requireBinaries } from './binaries.ts';
import { generatePki, pkiPaths, type Pki } from './certs.ts';
import { freePorts } from './ports.ts';
import { writeKubeconfig } from './kubeconfig.ts';
import { httpGet, waitFor } from './health.ts';
import { startDetached, stopProcess, isAlive, tail, type ProcRecord } from './processes.ts';
import { readState, writeState, deadComponents, stateFile, type ClusterState } from './state.ts';
import { harnessDir, nodeBinary } from './paths.ts';
import { killRecordedContainers } from '../kubelet/proc-registry.ts';
import { unmountAllUnder } from '../../helpers/small-volume.ts';

export const NODE_NAME = 'process-node';

/** Controllers the tests rely on (see README for why the others are left out). */
export const CONTROLLERS = [
  'namespace-controller',
  'garbage-collector-controller',
  'serviceaccount-controller',
  'serviceaccount-token-controller',
  'root-ca-certificate-publisher-controller',
  'clusterrole-aggregation-controller',
  'deployment-controller',
  'replicaset-controller',
  'statefulset-controller',
  'daemonset-controller',
  'job-controller',
  'cronjob-controller',
  'ttl-after-finished-controller',
  'disruption-controller',
  'resourcequota-controller',
  'pod-garbage-collector-controller',
  'persistentvolume-binder-controller',
  'persistentvolume-expander-controller',
  'persistentvolumeclaim-protection-controller',
  'persistentvolume-protection-controller',
];

export interface UpResult {
  state: ClusterState;
  reused: boolean;
  /** Milliseconds from start to all components healthy (0 when reused). */
  startMs: number;
}

export class ClusterError extends Error {}

function log(msg: string): void {
  process.stderr.write(`[cluster] ${msg}\n`);
}

function describeDead(dead: ProcRecord[]): string {
  return dead.map((p) => `  ${p.name} (pid ${p.pid}) is not running; last log lines of ${p.log}:\n${tail(p.log, 15).replace(/^/gm, '    | ')}`).join('\n');
}

/** Lock file so that two `cluster:up` in the same state dir don't race. */
function acquireLock(stateDir: string): () => void {
  const lock = path.join(stateDir, '.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lock, 'wx');
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lock, { force: true });
    } catch {
      const holder = Number(readFileSync(lock, 'utf8'));
      let alive = false;
      try {
        process.kill(holder, 0);
        alive = holder !== process.pid;
      } catch {
        alive = false;
      }
      if (alive) throw new ClusterError(`another process (pid ${holder}) is starting or stopping the cluster in ${stateDir}`);
      unlinkSync(lock);
    }
  }
  throw new ClusterError(`could not lock ${stateDir}`);
}

/** Checks a recorded cluster: all processes alive and the apiserver ready. Throws with details otherwise. */
export async function checkCluster(state: ClusterState): Promise<void> {
  const dead = deadComponents(state);
  if (dead.length > 0) {
    throw new ClusterError(
      `the cluster in ${state.stateDir} has crashed components:\n${describeDead(dead)}\n` +
        `Run \`npm run cluster:down\` (or remove ${state.stateDir}) and start again.`,
    );
  }
  const pki = pkiOf(state.stateDir);
  const r = await httpGet(`${state.server}/readyz`, pki);
  if (r.status !== 200) throw new ClusterError(`apiserver at ${state.server} is not ready: ${r.status} ${r.body.slice(0, 500)}`);
}

function pkiOf(stateDir: string): Pki {
  return pkiPaths(path.join(stateDir, 'pki'));
}

/** kube-apiserver's flags: the same on every start, so a restart serves the same port, certs and etcd. */
function apiserverArgs(state: Pick<ClusterState, 'stateDir' | 'etcdPort' | 'apiPort'>, pki: Pki): string[] {
  const { stateDir, etcdPort, apiPort } = state;
  return [
    `--etcd-servers=http://127.0.0.1:${etcdPort}`,
    '--bind-address=127.0.0.1',
    `--secure-port=${apiPort}`,
    '--advertise-address=127.0.0.1',
    // Endpoints reject loopback IPs, so the `kubernetes` Service endpoints are not reconciled.
    '--endpoint-reconciler-type=none',
    `--cert-dir=${path.join(stateDir, 'apiserver-certs')}`,
    `--tls-cert-file=${pki.apiserverCert}`,
    `--tls-private-key-file=${pki.apiserverKey}`,
    `--client-ca-file=${pki.caCert}`,
    '--service-account-issuer=https://kubernetes.default.svc',
    `--service-account-key-file=${pki.saPub}`,
    `--service-account-signing-key-file=${pki.saKey}`,
    // A /16: every SearchInstance has a ClusterIP Service, and a /24 (254 IPs) ran out at ~250 instances.
    '--service-cluster-ip-range=10.0.0.0/16',
    '--authorization-mode=RBAC',
    '--allow-privileged=true',
    '--enable-priority-and-fairness=false',
    '--profiling=false',
    // Ends open watches on SIGTERM (after 2 s) instead of waiting for their clients: without it a
    // stop with running controllers hangs until SIGKILL (10 s), which made a restart slow.
    '--shutdown-watch-termination-grace-period=2s',
    '--v=1',
  ];
}

/**
 * Starts a cluster in stateDir, or reuses the healthy one already there.
 * A recorded cluster with a dead component is an error (reported with its log), never hidden.
 */
export async function clusterUp(stateDir: string): Promise<UpResult> {
  mkdirSync(stateDir, { recursive: true });
  const unlock = acquireLock(stateDir);
  try {
    const existing = readState(stateDir);
    if (existing) {
      await checkCluster(existing);
      return { state: existing, reused: true, startMs: 0 };
    }
    return await startFresh(stateDir);
  } finally {
    unlock();
  }
}

async function startFresh(stateDir: string): Promise<UpResult> {
  const t0 = Date.now();
  const bins = requireBinaries();
  const logs = path.join(stateDir, 'logs');
  mkdirSync(logs, { recursive: true });
  const pki = generatePki(path.join(stateDir, 'pki'));
  const [etcdPort, etcdPeerPort, apiPort] = (await freePorts(3)) as [number, number, number];
  const server = `https://127.0.0.1:${apiPort}`;
  const kubeconfig = path.join(stateDir, 'kubeconfig');
  const processes: ProcRecord[] = [];
  const state: ClusterState = {
    version: 1,
    stateDir,
    server,
    apiPort,
    etcdPort,
    kubeconfig,
    nodeName: NODE_NAME,
    podIpOctet: randomInt(16, 250),
    processes,
    createdAt: new Date().toISOString(),
  };
  const record = (p: ProcRecord) => {
    processes.push(p);
    writeState(state); // recorded at once, so cluster:down can stop a half-started cluster
    return p;
  };
  const aliveCheck = (p: ProcRecord) => () => (isAlive(p) ? null : `${p.name} exited during start-up; last log lines:\n${tail(p.log, 30)}`);

  try {
    // etcd
    const etcd = record(
      startDetached('etcd', bins.etcd, [
        '--name=default',
        `--data-dir=${path.join(stateDir, 'etcd')}`,
        `--listen-client-urls=http://127.0.0.1:${etcdPort}`,
        `--advertise-client-urls=http://127.0.0.1:${etcdPort}`,
        `--listen-peer-urls=http://127.0.0.1:${etcdPeerPort}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeerPort}`,
        `--initial-cluster=default=http://127.0.0.1:${etcdPeerPort}`,
        '--unsafe-no-fsync=true',
        '--log-level=warn',
      ], path.join(logs, 'etcd.log')),
    );
    await waitFor('etcd /health', async () => (await httpGet(`http://127.0.0.1:${etcdPort}/health`)).body.includes('"health":"true"'), {
      timeoutMs: 30_000,
      alive: aliveCheck(etcd),
    });
    log(`etcd ready on 127.0.0.1:${etcdPort} (${Date.now() - t0} ms)`);

    // kube-apiserver
    const apiserver = record(startDetached('kube-apiserver', bins['kube-apiserver'], apiserverArgs(state, pki), path.join(logs, 'kube-apiserver.log')));
    await waitFor('kube-apiserver /readyz', async () => (await httpGet(`${server}/readyz`, pki)).status === 200, {
      timeoutMs: 120_000,
      intervalMs: 500,
      alive: aliveCheck(apiserver),
    });
    writeKubeconfig(kubeconfig, server, pki);
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfig);
    const core = kc.makeApiClient(CoreV1Api);
    await waitFor('namespace default', async () => (await core.readNamespace({ name: 'default' })).metadata?.name === 'default', {
      timeoutMs: 60_000,
      alive: aliveCheck(apiserver),
    });
    log(`kube-apiserver ready at ${server} (${Date.now() - t0} ms)`);

    // kube-controller-manager
    const kcm = record(
      startDetached('kube-controller-manager', bins['kube-controller-manager'], [
        `--kubeconfig=${kubeconfig}`,
        '--leader-elect=false',
        '--secure-port=0',
        '--use-service-account-credentials=false',
        `--service-account-private-key-file=${pki.saKey}`,
        `--root-ca-file=${pki.caCert}`,
        `--controllers=${CONTROLLERS.join(',')}`,
        '--kube-api-qps=100',
        '--kube-api-burst=200',
        '--v=1',
      ], path.join(logs, 'kube-controller-manager.log')),
    );
    await waitFor(
      'kube-controller-manager (default ServiceAccount and kube-root-ca.crt in namespace default)',
      async () => {
        await core.readNamespacedServiceAccount({ name: 'default', namespace: 'default' });
        await core.readNamespacedConfigMap({ name: 'kube-root-ca.crt', namespace: 'default' });
        return true;
      },
      { timeoutMs: 60_000, alive: aliveCheck(kcm) },
    );
    log(`kube-controller-manager ready (${Date.now() - t0} ms)`);

    // process kubelet
    const kubelet = record(
      startDetached('process-kubelet', nodeBinary(), [
        path.join(harnessDir, 'kubelet', 'main.ts'),
        `--kubeconfig=${kubeconfig}`,
        `--state-dir=${stateDir}`,
        `--node-name=${NODE_NAME}`,
        `--pod-ip-octet=${state.podIpOctet}`,
      ], path.join(logs, 'kubelet.log')),
    );
    await waitFor(
      `node ${NODE_NAME} Ready`,
      async () => {
        const node = await core.readNode({ name: NODE_NAME });
        return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
      },
      { timeoutMs: 60_000, alive: aliveCheck(kubelet) },
    );
    const startMs = Date.now() - t0;
    log(`process kubelet ready, node ${NODE_NAME} Ready (${startMs} ms)`);
    return { state, reused: false, startMs };
  } catch (e) {
    log(`start failed, stopping what was started: ${(e as Error).message}`);
    await stopAll(state);
    throw e;
  }
}

async function stopAll(state: ClusterState): Promise<string[]> {
  const report: string[] = [];
  const byName = new Map(state.processes.map((p) => [p.name, p]));
  // Reverse start order: kubelet first (it stops its containers), then the control plane.
  for (const name of ['process-kubelet', 'kube-controller-manager', 'kube-apiserver', 'etcd']) {
    const p = byName.get(name);
    if (!p) continue;
    if (!isAlive(p)) {
      report.push(`${name} (pid ${p.pid}) had already exited (crashed or killed); last lines of its log:\n${tail(p.log, 10).replace(/^/gm, '    | ')}`);
      continue;
    }
    await stopProcess(p, name === 'process-kubelet' ? 40_000 : 10_000);
    report.push(`${name} (pid ${p.pid}) stopped`);
  }
  // Containers the kubelet could not stop (e.g. it crashed) are recorded in pid files.
  const leftovers = await killRecordedContainers(state.stateDir);
  if (leftovers > 0) report.push(`killed ${leftovers} leftover container process group(s)`);
  // Volumes of the sized StorageClass are tmpfs mounts: none may outlive the cluster.
  const unmounted = unmountAllUnder(state.stateDir);
  if (unmounted.length > 0) report.push(`unmounted ${unmounted.length} size-limited volume(s)`);
  return report;
}

/** Stops the recorded kube-apiserver (SIGTERM by pid, SIGKILL after graceMs; 0: SIGKILL at once); etcd and the rest keep running. */
export async function stopApiserver(state: ClusterState, graceMs = 10_000): Promise<void> {
  const p = state.processes.find((x) => x.name === 'kube-apiserver');
  if (!p) throw new ClusterError(`no kube-apiserver recorded in ${state.stateDir}`);
  if (graceMs > 0) return stopProcess(p, graceMs);
  // A crash: SIGKILL without a SIGTERM first, so no graceful shutdown starts.
  if (isAlive(p)) process.kill(-p.pid, 'SIGKILL');
  await waitFor('kube-apiserver gone after SIGKILL', async () => !isAlive(p), { timeoutMs: 10_000, intervalMs: 50 });
}

/**
 * Starts kube-apiserver again with the flags of the first start (same port, certs, etcd), records
 * the new pid in place of the old one, and waits for /readyz. Returns ms until ready.
 */
export async function startApiserver(state: ClusterState): Promise<number> {
  const t0 = Date.now();
  const i = state.processes.findIndex((x) => x.name === 'kube-apiserver');
  if (i < 0) throw new ClusterError(`no kube-apiserver recorded in ${state.stateDir}`);
  if (isAlive(state.processes[i]!)) throw new ClusterError(`kube-apiserver (pid ${state.processes[i]!.pid}) is still running`);
  const pki = pkiOf(state.stateDir);
  const p = startDetached('kube-apiserver', requireBinaries()['kube-apiserver'], apiserverArgs(state, pki), path.join(state.stateDir, 'logs', 'kube-apiserver.log'));
  state.processes[i] = p;
  writeState(state);
  await waitFor('kube-apiserver /readyz after a restart', async () => (await httpGet(`${state.server}/readyz`, pki)).status === 200, {
    timeoutMs: 120_000,
    intervalMs: 100,
    alive: () => (isAlive(p) ? null : `kube-apiserver exited during its restart; last log lines:\n${tail(p.log, 30)}`),
  });
  return Date.now() - t0;
}

/** Stops everything recorded in stateDir and removes the dir. Returns a human-readable report. */
export async function clusterDown(stateDir: string, opts: { keepState?: boolean } = {}): Promise<string[]> {
  if (!existsSync(stateDir)) return [`no cluster state in ${stateDir}`];
  const unlock = acquireLock(stateDir);
  let report: string[];
  try {
    const state = readState(stateDir);
    report = state ? await stopAll(state) : [`no ${stateFile(stateDir)}; nothing recorded to stop`];
  } finally {
    unlock();
  }
  if (!opts.keepState) {
    rmSync(stateDir, { recursive: true, force: true });
    report.push(`removed ${stateDir}`);
  }
  return report;
}
