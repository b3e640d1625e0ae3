// vitest globalSetup of the `cluster` project: one cluster per test run. A cluster started with
// `npm run cluster:up` is reused (and left running); otherwise a private one is started in a temp
// dir and stopped, with all its processes, when the run ends. Anything wrong here fails the run.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { checkCluster, clusterDown, clusterUp } from './control-plane/cluster.ts';
import { defaultStateDir, repoRoot } from './control-plane/paths.ts';
import { deadComponents, readState } from './control-plane/state.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin kubeconfig of the cluster under test. */
    kubeconfig: string;
    /** Name of the process kubelet's Node. */
    nodeName: string;
    /** State dir of that cluster (logs under <stateDir>/logs). */
    clusterStateDir: string;
  }
}

function say(msg: string): void {
  process.stderr.write(`[cluster-tests] ${msg}\n`);
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const shared = readState(defaultStateDir);
  if (shared) {
    await checkCluster(shared); // a crashed cluster:up cluster fails the run, with its logs
    say(`reusing the cluster from npm run cluster:up (${shared.server})`);
    project.provide('kubeconfig', shared.kubeconfig);
    project.provide('nodeName', shared.nodeName);
    project.provide('clusterStateDir', shared.stateDir);
    return async () => {
      const dead = deadComponents(shared);
      if (dead.length > 0) throw new Error(`cluster components died during the test run: ${dead.map((p) => `${p.name} (log: ${p.log})`).join(', ')}`);
    };
  }

  const dir = mkdtempSync(path.join(os.tmpdir(), 'searchkube-cluster-'));
  let up;
  try {
    up = await clusterUp(dir);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  say(`started a cluster for this run in ${(up.startMs / 1000).toFixed(1)} s (${up.state.server}, state in ${dir})`);
  project.provide('kubeconfig', up.state.kubeconfig);
  project.provide('nodeName', up.state.nodeName);
  project.provide('clusterStateDir', dir);

  return async () => {
    // A component that died mid-run is reported (and fails the run), never hidden.
    const dead = deadComponents(up.state);
    const report = await clusterDown(dir, { keepState: true });
    // Keep the last run's logs for post-mortems (control plane, kubelet, every container).
    const keep = path.join(repoRoot, '.cache', 'cluster-logs', 'last');
    rmSync(keep, { recursive: true, force: true });
    cpSync(path.join(dir, 'logs'), keep, { recursive: true });
    rmSync(dir, { recursive: true, force: true });
    say(`cluster stopped: ${report.join('; ')}; logs kept in ${keep}`);
    if (dead.length > 0) throw new Error(`cluster components died during the test run: ${dead.map((p) => p.name).join(', ')}; see ${keep}`);
  };
}
