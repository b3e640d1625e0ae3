// Registers this kubelet's Node and keeps it Ready: the Lease in kube-node-lease is renewed every
// 10 s (as the real kubelet does) and the status conditions' heartbeat every 60 s.
import os from 'node:os';
import type { V1Node } from '@kubernetes/client-node';
import { errMessage, isAlreadyExists, isNotFound, mergePatch, type Clients } from './kube.ts';
import { log } from './log.ts';
import { HOST_IP } from './config.ts';

const LEASE_NS = 'kube-node-lease';
const LEASE_SECONDS = 40;
const LEASE_RENEW_MS = 10_000;
const STATUS_MS = 60_000;
const CONDITION_TAINTS = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'];

/** MicroTime: the API wants exactly six fractional digits. */
export function microTime(d = new Date()): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export class NodeAgent {
  readonly #clients: Clients;
  readonly #name: string;
  readonly #timers: NodeJS.Timeout[] = [];
  #nodeUid = '';
  #readySince = new Date();

  constructor(clients: Clients, name: string) {
    this.#clients = clients;
    this.#name = name;
  }

  async start(): Promise<void> {
    await this.#register();
    await this.#postStatus();
    await this.#renewLease();
    this.#timers.push(setInterval(() => void this.#renewLease(), LEASE_RENEW_MS));
    this.#timers.push(setInterval(() => void this.#postStatus(), STATUS_MS));
  }

  stop(): void {
    this.#timers.forEach(clearInterval);
  }

  async #register(): Promise<void> {
    const body: V1Node = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: this.#name,
        labels: {
          'kubernetes.io/hostname': this.#name,
          'kubernetes.io/os': 'linux',
          'kubernetes.io/arch': 'amd64',
          'node.kubernetes.io/process-kubelet': 'true',
        },
      },
      spec: {},
    };
    try {
      const n = await this.#clients.core.createNode({ body });
      this.#nodeUid = n.metadata?.uid ?? '';
      log('node', `registered node ${this.#name}`);
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
      const n = await this.#clients.core.readNode({ name: this.#name });
      this.#nodeUid = n.metadata?.uid ?? '';
      log('node', `node ${this.#name} already registered`);
    }
  }

  async #postStatus(): Promise<void> {
    const now = new Date();
    const cond = (type: string, status: string, reason: string, message: string) => ({
      type,
      status,
      reason,
      message,
      lastHeartbeatTime: now.toISOString(),
      lastTransitionTime: this.#readySince.toISOString(),
    });
    const resources = { cpu: String(os.cpus().length), memory: `${Math.floor(os.totalmem() / 1024)}Ki`, pods: '250', 'ephemeral-storage': '100Gi' };
    const status = {
      conditions: [
        cond('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        cond('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        cond('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        cond('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status (process kubelet)'),
      ],
      addresses: [
        { type: 'InternalIP', address: HOST_IP },
        { type: 'Hostname', address: this.#name },
      ],
      capacity: resources,
      allocatable: resources,
      daemonEndpoints: { kubeletEndpoint: { Port: 0 } },
      nodeInfo: {
        architecture: 'amd64',
        operatingSystem: 'linux',
        osImage: 'process-kubelet',
        kernelVersion: os.release(),
        kubeletVersion: 'process-kubelet',
        kubeProxyVersion: '',
        containerRuntimeVersion: 'process://node',
        machineID: '',
        systemUUID: '',
        bootID: '',
      },
      phase: 'Running',
    };
    try {
      await this.#clients.core.patchNodeStatus({ name: this.#name, body: { status } }, mergePatch);
      await this.#removeNotReadyTaints();
    } catch (e) {
      log('node', `node status update failed: ${errMessage(e)}`);
    }
  }

  /**
   * The TaintNodesByCondition admission plugin puts node.kubernetes.io/not-ready:NoSchedule on a
   * new Node; normally the node-lifecycle controller lifts it once the node is Ready. That
   * controller is not run here (it would evict pods on a missed heartbeat), so the node lifts it.
   */
  async #removeNotReadyTaints(): Promise<void> {
    const node = await this.#clients.core.readNode({ name: this.#name });
    const taints = node.spec?.taints ?? [];
    const keep = taints.filter((t) => !CONDITION_TAINTS.includes(t.key));
    if (keep.length === taints.length) return;
    await this.#clients.core.patchNode({ name: this.#name, body: { spec: { taints: keep } } }, mergePatch);
    log('node', `removed taints ${taints.filter((t) => !keep.includes(t)).map((t) => t.key).join(', ')}`);
  }

  async #renewLease(): Promise<void> {
    const spec = { holderIdentity: this.#name, leaseDurationSeconds: LEASE_SECONDS, renewTime: microTime() };
    try {
      await this.#clients.coordination.patchNamespacedLease({ name: this.#name, namespace: LEASE_NS, body: { spec } }, mergePatch);
    } catch (e) {
      if (!isNotFound(e)) {
        log('node', `lease renewal failed: ${errMessage(e)}`);
        return;
      }
      try {
        await this.#clients.coordination.createNamespacedLease({
          namespace: LEASE_NS,
          body: {
            apiVersion: 'coordination.k8s.io/v1',
            kind: 'Lease',
            metadata: {
              name: this.#name,
              namespace: LEASE_NS,
              ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: this.#name, uid: this.#nodeUid }],
            },
            spec: spec as unknown as { holderIdentity: string; leaseDurationSeconds: number; renewTime: Date },
          },
        });
      } catch (e2) {
        log('node', `lease creation failed: ${errMessage(e2)}`);
      }
    }
  }
}
