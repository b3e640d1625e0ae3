// Keeps one PodWorker per pod bound to this node, binds unscheduled pods, and carries out deletion:
// stop the containers within the grace period, then remove the pod object (grace 0, UID precondition).
import type { V1Pod } from '@kubernetes/client-node';
import type { Binder } from './binder.ts';
import { errMessage, isNotFound, type Clients } from './kube.ts';
import { log } from './log.ts';
import { PodWorker, type WorkerDeps } from './pod-worker.ts';

export class PodManager {
  readonly #deps: WorkerDeps;
  readonly #binder: Binder;
  readonly #nodeName: string;
  readonly #workers = new Map<string, PodWorker>();
  readonly #deleting = new Set<string>();
  #shuttingDown = false;

  constructor(deps: WorkerDeps, binder: Binder, nodeName: string) {
    this.#deps = deps;
    this.#binder = binder;
    this.#nodeName = nodeName;
  }

  get #clients(): Clients {
    return this.#deps.clients;
  }

  onUpsert(pod: V1Pod): void {
    if (this.#shuttingDown) return;
    if (this.#binder.wants(pod)) {
      void this.#binder.bind(pod);
      return;
    }
    if (pod.spec?.nodeName !== this.#nodeName) return;
    const uid = pod.metadata!.uid!;
    const worker = this.#workers.get(uid);
    if (pod.metadata?.deletionTimestamp) {
      void this.#delete(pod, worker);
      return;
    }
    if (worker) {
      worker.update(pod);
      return;
    }
    // A pod that already finished (e.g. before a kubelet restart) is not run again.
    if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return;
    const w = new PodWorker(pod, this.#deps);
    this.#workers.set(uid, w);
    w.start();
  }

  /** The pod object is gone from the API (our final delete, or a force delete): kill at once. */
  onDelete(pod: V1Pod): void {
    const uid = pod.metadata?.uid;
    const w = uid ? this.#workers.get(uid) : undefined;
    if (!uid || !w) return;
    w.markGone();
    void w.terminate(0).then(() => {
      w.cleanup();
      this.#workers.delete(uid);
      this.#deleting.delete(uid);
      log('pod', `${w.key}: removed`);
    });
  }

  async #delete(pod: V1Pod, worker: PodWorker | undefined): Promise<void> {
    const uid = pod.metadata!.uid!;
    if (this.#deleting.has(uid)) return;
    this.#deleting.add(uid);
    const name = pod.metadata!.name!;
    const namespace = pod.metadata!.namespace!;
    const grace = pod.metadata?.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
    try {
      if (worker) {
        worker.update(pod);
        await worker.terminate(grace);
      }
      await this.#clients.core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0, body: { gracePeriodSeconds: 0, preconditions: { uid } } });
      log('pod', `${namespace}/${name}: deleted after stopping its containers`);
    } catch (e) {
      if (isNotFound(e)) return;
      log('pod', `${namespace}/${name}: final delete failed, will retry: ${errMessage(e)}`);
      this.#deleting.delete(uid); // the periodic resync tries again
    }
  }

  /** Periodic full pass over the cache: catches anything a missed or failed event left behind. */
  resync(pods: readonly V1Pod[]): void {
    const present = new Set<string>();
    for (const p of pods) {
      present.add(p.metadata?.uid ?? '');
      this.onUpsert(p);
    }
    for (const [uid, w] of this.#workers) {
      if (!present.has(uid)) this.onDelete({ metadata: { uid, name: w.key } });
    }
  }

  /** Kubelet shutdown: stop every container quickly; pod objects are left as they are. */
  async shutdown(graceSeconds: number): Promise<void> {
    this.#shuttingDown = true;
    const ws = [...this.#workers.values()];
    ws.forEach((w) => w.markGone());
    await Promise.all(ws.map((w) => w.terminate(graceSeconds)));
  }
}
