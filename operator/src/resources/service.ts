// The Service <name> on port 7700: the engine's stable in-cluster address.
import type { V1Service } from '@kubernetes/client-node';
import type { SearchInstance } from '../api/search-instance.ts';
import { ENGINE_PORT, instanceNames, ownedMeta, selectorLabels } from './names.ts';
import { DUMPS_AGENT_PORT, needsDumpsAgent } from './dumps-agent.ts';

/**
 * `servedPod`: the pod the Service sends traffic to, when more than one engine pod may exist (a
 * BlueGreen upgrade, or after one): the selector then also names the pod (its StatefulSet
 * pod-name label), and switching traffic is a change of that one label value.
 */
export function buildService(si: SearchInstance, servedPod?: string): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: ownedMeta(si, instanceNames(si.metadata.name!).service),
    spec: {
      type: 'ClusterIP',
      selector: servedPod ? { ...selectorLabels(si), 'statefulset.kubernetes.io/pod-name': servedPod } : selectorLabels(si),
      ports: [
        { name: 'http', port: ENGINE_PORT, targetPort: 'http', protocol: 'TCP' },
        ...(needsDumpsAgent(si) ? [{ name: 'dumps-agent', port: DUMPS_AGENT_PORT, targetPort: 'dumps-agent', protocol: 'TCP' }] : []),
      ],
    },
  };
}
