// The cluster's state file (<stateDir>/cluster.json): what was started, where, and how to reach it.
import { existsSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { isAlive, type ProcRecord } from './processes.ts';

export interface ClusterState {
  version: 1;
  stateDir: string;
  server: string;
  apiPort: number;
  etcdPort: number;
  kubeconfig: string;
  nodeName: string;
  /** Pods get IPs 127.<podIpOctet>.x.y; chosen per cluster so two clusters on one machine don't collide. */
  podIpOctet: number;
  processes: ProcRecord[];
  createdAt: string;
}

export function stateFile(stateDir: string): string {
  return path.join(stateDir, 'cluster.json');
}

export function readState(stateDir: string): ClusterState | null {
  const f = stateFile(stateDir);
  if (!existsSync(f)) return null;
  return JSON.parse(readFileSync(f, 'utf8')) as ClusterState;
}

export function writeState(state: ClusterState): void {
  const f = stateFile(state.stateDir);
  writeFileSync(`${f}.tmp`, JSON.stringify(state, null, 2) + '\n');
  renameSync(`${f}.tmp`, f);
}

/** Components whose process is gone (crashed or killed). */
export function deadComponents(state: ClusterState): ProcRecord[] {
  return state.processes.filter((p) => !isAlive(p));
}
