// A PRIVATE cluster for one test file or benchmark: its own etcd, kube-apiserver,
// kube-controller-manager and process kubelet in a temp state dir, so it can be disturbed
// (apiserver restarted, flooded with objects) without touching the shared cluster of the run.
// Costs one cluster start (~5 s on 2 cores) and its processes while it runs.
//
//   const c = await startPrivateCluster('restart');
//   await c.restartApiserver({ whileDown: async () => ... });
//   await c.stop();
//
// In vitest, `usePrivateCluster()` from testing.ts wraps this in beforeAll/afterAll.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { clusterDown, clusterUp, startApiserver, stopApiserver } from './control-plane/cluster.ts';
import { repoRoot } from './control-plane/paths.ts';
import { isAlive, type ProcRecord } from './control-plane/processes.ts';
import { deadComponents, type ClusterState } from './control-plane/state.ts';
import { kubeletDirs } from './kubelet/config.ts';

export interface RestartTiming {
  /** From SIGTERM to the old process gone. */
  stopMs: number;
  /** From the old process gone to the new one answering /readyz 200 (includes whileDown). */
  startMs: number;
  /** SIGTERM to /readyz 200 again: how long clients saw no apiserver. */
  downMs: number;
}

export interface PrivateCluster {
  readonly state: ClusterState;
  readonly kubeconfig: string;
  readonly stateDir: string;
  readonly nodeName: string;
  /** Milliseconds the start took. */
  readonly startMs: number;
  /** SIGTERM (graceMs 0: SIGKILL at once, a crash); the other components keep running. */
  stopApiserver(graceMs?: number): Promise<void>;
  /** Starts it again on the same port with the same certs and etcd; resolves once /readyz is 200. */
  startApiserver(): Promise<number>;
  /** Stop (graceMs as stopApiserver's), run `whileDown` (if any) or wait `downMs`, start again. */
  restartApiserver(opts?: { graceMs?: number; downMs?: number; whileDown?: () => Promise<void> }): Promise<RestartTiming>;
  /**
   * A hung apiserver: SIGSTOP its process, run `whilePaused` (if any) or wait `pausedMs`, SIGCONT.
   * The kernel still accepts connections and queues requests; nothing is answered meanwhile, and
   * open watches stay open but silent. Resolves with how long it was stopped.
   */
  pauseApiserver(opts: { pausedMs?: number; whilePaused?: () => Promise<void> }): Promise<number>;
  /** Components whose process is gone (a restarted apiserver counts by its new pid). */
  deadComponents(): ProcRecord[];
  /** Stops everything, keeps the logs in .cache/cluster-logs/private-<name>, removes the state dir. */
  stop(): Promise<string[]>;
}

const live = new Set<ClusterState>();

// A test worker that exits without its afterAll (an error, a timeout) must not leave a control
// plane behind: SIGKILL every recorded process group, components and containers, synchronously.
process.on('exit', () => {
  for (const state of live) {
    const groups: Array<{ pid: number; startTicks: number }> = [...state.processes];
    try {
      const dir = kubeletDirs(state.stateDir).procsDir;
      for (const f of readdirSync(dir)) groups.push(JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as { pid: number; startTicks: number });
    } catch {
      /* no containers recorded */
    }
    for (const g of groups) {
      if (!isAlive(g)) continue;
      try {
        process.kill(-g.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    rmSync(state.stateDir, { recursive: true, force: true });
  }
});

export async function startPrivateCluster(name: string): Promise<PrivateCluster> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `searchkube-private-${name}-`));
  let up;
  try {
    up = await clusterUp(dir);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const state = up.state;
  live.add(state);
  let stopped = false;
  return {
    state,
    kubeconfig: state.kubeconfig,
    stateDir: dir,
    nodeName: state.nodeName,
    startMs: up.startMs,
    stopApiserver: (graceMs) => stopApiserver(state, graceMs),
    startApiserver: () => startApiserver(state),
    async restartApiserver(opts = {}) {
      const t0 = Date.now();
      await stopApiserver(state, opts.graceMs);
      const t1 = Date.now();
      if (opts.whileDown) await opts.whileDown();
      else if (opts.downMs) await new Promise((r) => setTimeout(r, opts.downMs));
      await startApiserver(state);
      const t2 = Date.now();
      return { stopMs: t1 - t0, startMs: t2 - t1, downMs: t2 - t0 };
    },
    async pauseApiserver(opts) {
      const p = state.processes.find((x) => x.name === 'kube-apiserver');
      if (!p || !isAlive(p)) throw new Error('no running kube-apiserver to pause');
      const t0 = Date.now();
      process.kill(-p.pid, 'SIGSTOP');
      try {
        if (opts.whilePaused) await opts.whilePaused();
        else await new Promise((r) => setTimeout(r, opts.pausedMs ?? 0));
      } finally {
        // Always: a stopped apiserver left behind would hang every later step and the cluster's stop.
        if (isAlive(p)) process.kill(-p.pid, 'SIGCONT');
      }
      return Date.now() - t0;
    },
    deadComponents: () => deadComponents(state),
    async stop() {
      if (stopped) return [];
      stopped = true;
      const report = await clusterDown(dir, { keepState: true });
      const keep = path.join(repoRoot, '.cache', 'cluster-logs', `private-${name}`);
      rmSync(keep, { recursive: true, force: true });
      cpSync(path.join(dir, 'logs'), keep, { recursive: true });
      rmSync(dir, { recursive: true, force: true });
      live.delete(state);
      report.push(`logs kept in ${keep}`);
      return report;
    },
  };
}
