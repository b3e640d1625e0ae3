// Stands in for kube-scheduler: with a single node there is nothing to choose, so every pending
// pod of the default scheduler is bound to this node with a Binding (which also sets PodScheduled).
import type { V1Pod } from '@kubernetes/client-node';
import { errMessage, isConflict, isNotFound, type Clients } from './kube.ts';
import { log } from './log.ts';

export class Binder {
  readonly #clients: Clients;
  readonly #nodeName: string;
  readonly #inFlight = new Set<string>();

  constructor(clients: Clients, nodeName: string) {
    this.#clients = clients;
    this.#nodeName = nodeName;
  }

  wants(pod: V1Pod): boolean {
    return (
      !pod.spec?.nodeName &&
      (pod.spec?.schedulerName ?? 'default-scheduler') === 'default-scheduler' &&
      !pod.metadata?.deletionTimestamp &&
      pod.status?.phase !== 'Succeeded' &&
      pod.status?.phase !== 'Failed'
    );
  }

  async bind(pod: V1Pod): Promise<void> {
    const uid = pod.metadata!.uid!;
    if (!this.wants(pod) || this.#inFlight.has(uid)) return;
    this.#inFlight.add(uid);
    const name = pod.metadata!.name!;
    const namespace = pod.metadata!.namespace!;
    try {
      await this.#clients.core.createNamespacedPodBinding({
        name,
        namespace,
        body: { apiVersion: 'v1', kind: 'Binding', metadata: { name, namespace, uid }, target: { apiVersion: 'v1', kind: 'Node', name: this.#nodeName } },
      });
      log('binder', `bound ${namespace}/${name} to ${this.#nodeName}`);
    } catch (e) {
      // Conflict: already bound (e.g. by a previous kubelet run); NotFound: deleted meanwhile.
      if (!isConflict(e) && !isNotFound(e)) log('binder', `binding ${namespace}/${name} failed: ${errMessage(e)}`);
    } finally {
      this.#inFlight.delete(uid);
    }
  }
}
