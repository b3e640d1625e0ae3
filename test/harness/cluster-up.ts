// `npm run cluster:up`: starts (or reuses) the local cluster in .cache/cluster and says how to use it.
import path from 'node:path';
import { clusterUp } from './control-plane/cluster.ts';
import { binDir } from './control-plane/binaries.ts';
import { defaultStateDir } from './control-plane/paths.ts';

try {
  const { state, reused, startMs } = await clusterUp(defaultStateDir);
  const helm = path.join(binDir(), 'helm');
  const lines = [
    reused ? `Cluster already running (started ${state.createdAt}); reusing it.` : `Cluster started in ${(startMs / 1000).toFixed(1)} s.`,
    '',
    `  API server:  ${state.server}`,
    `  kubeconfig:  ${state.kubeconfig}`,
    `  node:        ${state.nodeName} (process kubelet; pods get IPs 127.${state.podIpOctet}.x.y)`,
    `  logs:        ${path.join(state.stateDir, 'logs')} (pods: logs/pods/<ns>_<pod>_<uid>/<container>.log)`,
    '',
    'Use it:',
    `  export KUBECONFIG=${state.kubeconfig}`,
    `  ${helm} --kubeconfig ${state.kubeconfig} list -A`,
    '  npm test            # the cluster tests reuse this cluster instead of starting their own',
    '  npm run cluster:down',
  ];
  process.stdout.write(lines.join('\n') + '\n');
  process.exit(0);
} catch (e) {
  process.stderr.write(`cluster:up failed: ${(e as Error).message}\n`);
  process.exit(1);
}
