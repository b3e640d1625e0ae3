// The process kubelet's settings, parsed once from argv.
import path from 'node:path';

/** The node's address; pods get their own 127.x.y.z addresses. */
export const HOST_IP = '127.0.0.1';

export interface KubeletConfig {
  kubeconfig: string;
  stateDir: string;
  nodeName: string;
  /** Pods get 127.<podIpOctet>.x.y. */
  podIpOctet: number;
  podsDir: string;
  volumesDir: string;
  podLogsDir: string;
  procsDir: string;
}

export function parseArgs(argv: string[]): KubeletConfig {
  const flags = new Map<string, string>();
  for (const a of argv) {
    const m = /^--([a-z-]+)=(.*)$/.exec(a);
    if (!m) throw new Error(`unknown argument ${a} (expected --name=value)`);
    flags.set(m[1]!, m[2]!);
  }
  const need = (k: string) => {
    const v = flags.get(k);
    if (!v) throw new Error(`missing --${k}`);
    return v;
  };
  const stateDir = path.resolve(need('state-dir'));
  return {
    kubeconfig: need('kubeconfig'),
    stateDir,
    nodeName: flags.get('node-name') ?? 'process-node',
    podIpOctet: Number(flags.get('pod-ip-octet') ?? '1'),
    ...kubeletDirs(stateDir),
  };
}

export function kubeletDirs(stateDir: string) {
  return {
    podsDir: path.join(stateDir, 'pods'),
    volumesDir: path.join(stateDir, 'volumes'),
    podLogsDir: path.join(stateDir, 'logs', 'pods'),
    procsDir: path.join(stateDir, 'kubelet', 'procs'),
  };
}
