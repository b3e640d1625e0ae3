// Runs one pod: pod IP, volumes, init containers in order, then the main containers; writes the
// pod's status through pods/status whenever something changes; stops it on deletion.
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { V1Container, V1Pod, V1PodCondition } from '@kubernetes/client-node';
import { ContainerRunner, type ContainerSnapshot, type RestartPolicy } from './container-runner.ts';
import { ContainerConfigError, type EnvSources } from './env.ts';
import { resolveImage } from './images.ts';
import { buildLaunch } from './launch.ts';
import { buildPodStatus, type PodStatusInput } from './pod-status.ts';
import { containerMounts, preparePodVolumes, VolumeNotReadyError, type VolumeSources } from './volumes.ts';
import { errMessage, isNotFound, isTransient, mergePatch, toDate, type Clients } from './kube.ts';
import type { IpPool } from './ip-pool.ts';
import type { ProcRegistry } from './proc-registry.ts';
import { HOST_IP, type KubeletConfig } from './config.ts';
import { log } from './log.ts';

export interface WorkerDeps {
  cfg: KubeletConfig;
  clients: Clients;
  ipPool: IpPool;
  registry: ProcRegistry;
  caFile: string;
}

type Slot =
  | { kind: 'pending'; reason: string; message?: string }
  | { kind: 'runner'; runner: ContainerRunner };

function waitingSnapshot(c: V1Container, reason: string, message?: string): ContainerSnapshot {
  return {
    name: c.name,
    image: c.image ?? '',
    imageID: '',
    state: { waiting: { reason, ...(message ? { message } : {}) } },
    lastState: {},
    restartCount: 0,
    ready: false,
    started: false,
  };
}

export class PodWorker {
  #pod: V1Pod;
  readonly #d: WorkerDeps;
  readonly uid: string;
  readonly key: string;
  readonly #podDir: string;
  readonly #logDir: string;
  #podIP = '';
  #startTime = new Date();
  #sandboxReady = false;
  #initialized = false;
  #terminal: 'Succeeded' | 'Failed' | undefined;
  #init = new Map<string, Slot>();
  #main = new Map<string, Slot>();
  #stopped = false;
  #gone = false;
  #wakers = new Set<() => void>();
  #syncing = false;
  #dirty = false;
  #lastConditions: V1PodCondition[] | undefined;
  #terminating: Promise<void> | undefined;
  #timers: NodeJS.Timeout[] = [];

  constructor(pod: V1Pod, deps: WorkerDeps) {
    this.#pod = pod;
    this.#d = deps;
    this.uid = pod.metadata!.uid!;
    this.key = `${pod.metadata!.namespace}/${pod.metadata!.name}`;
    this.#podDir = path.join(deps.cfg.podsDir, this.uid);
    this.#logDir = path.join(deps.cfg.podLogsDir, `${pod.metadata!.namespace}_${pod.metadata!.name}_${this.uid}`);
  }

  get podIP(): string {
    return this.#podIP;
  }

  update(pod: V1Pod): void {
    this.#pod = pod;
  }

  #log(msg: string): void {
    log('pod', `${this.key}: ${msg}`);
  }

  start(): void {
    this.#run().catch((e: unknown) => this.#log(`worker failed: ${(e as Error).stack ?? String(e)}`));
  }

  // ---- waiting helpers -------------------------------------------------------------------
  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.#wakers.delete(done);
        resolve();
      };
      const t = setTimeout(done, ms);
      this.#wakers.add(done);
    });
  }

  #wakeAll(): void {
    [...this.#wakers].forEach((w) => w());
  }

  // ---- lifecycle -------------------------------------------------------------------------
  async #run(): Promise<void> {
    const pod = this.#pod;
    this.#podIP = this.#d.ipPool.allocate(this.uid, pod.status?.podIP);
    this.#startTime = toDate(pod.status?.startTime) ?? new Date();
    mkdirSync(this.#podDir, { recursive: true });
    mkdirSync(this.#logDir, { recursive: true });
    const spec = pod.spec!;
    for (const c of spec.initContainers ?? []) this.#init.set(c.name, { kind: 'pending', reason: 'PodInitializing' });
    const mainReason = (spec.initContainers?.length ?? 0) > 0 ? 'PodInitializing' : 'ContainerCreating';
    for (const c of spec.containers) this.#main.set(c.name, { kind: 'pending', reason: mainReason });
    this.#log(`starting with IP ${this.#podIP}`);
    this.#requestSync();

    // Volumes: retried until every claim is bound and every secret/configmap exists, and while
    // the apiserver is away (a pod started during an outage must not stay Pending for good).
    let dirs: Map<string, string> | undefined;
    while (!this.#stopped) {
      try {
        dirs = await preparePodVolumes(this.#pod, this.#volumeSources());
        break;
      } catch (e) {
        if (e instanceof VolumeNotReadyError) this.#setPendingMessage(`volumes not ready: ${e.message}`);
        else if (isTransient(e)) this.#log(`volumes: API unavailable (${errMessage(e)}); retrying`);
        else throw e;
        await this.#sleep(1000);
      }
    }
    if (this.#stopped || !dirs) return;
    this.#sandboxReady = true;
    this.#requestSync();

    // Init containers, one at a time, in order.
    const podPolicy = (spec.restartPolicy ?? 'Always') as RestartPolicy;
    for (const c of spec.initContainers ?? []) {
      const sidecar = c.restartPolicy === 'Always';
      const runner = this.#createRunner(c, dirs, sidecar ? 'Always' : podPolicy === 'Never' ? 'Never' : 'OnFailure', this.#init);
      if (!runner) return this.#waitUntilStopped(); // unknown image: stays Pending
      runner.start();
      if (sidecar) {
        while (!this.#stopped && !runner.started && !runner.finished) await this.#sleep(200);
      } else {
        await runner.done;
      }
      if (this.#stopped) return;
      if (!sidecar && runner.exitCode !== 0) {
        this.#terminal = 'Failed';
        this.#log(`init container ${c.name} failed with exit code ${runner.exitCode}; pod failed`);
        this.#requestSync();
        return;
      }
    }
    this.#initialized = true;

    // Main containers, all at once.
    const runners: ContainerRunner[] = [];
    let allMapped = true;
    for (const c of spec.containers) {
      const r = this.#createRunner(c, dirs, podPolicy, this.#main);
      if (r) {
        runners.push(r);
        r.start();
      } else allMapped = false;
    }
    this.#requestSync();
    await Promise.all(runners.map((r) => r.done));
    if (this.#stopped || !allMapped) return;
    // Every container ended and none will restart.
    this.#terminal = runners.every((r) => r.exitCode === 0) ? 'Succeeded' : 'Failed';
    this.#log(`all containers ended: ${this.#terminal}`);
    await Promise.all([...this.#init.values()].map((s) => (s.kind === 'runner' ? s.runner.stop(0) : undefined)));
    this.#requestSync();
  }

  async #waitUntilStopped(): Promise<void> {
    while (!this.#stopped) await this.#sleep(60_000);
  }

  #setPendingMessage(message: string): void {
    let changed = false;
    for (const slots of [this.#init, this.#main]) {
      for (const [name, s] of slots) {
        if (s.kind === 'pending' && s.message !== message && s.reason !== 'PodInitializing') {
          slots.set(name, { ...s, reason: 'ContainerCreating', message });
          changed = true;
        }
      }
    }
    if (changed) this.#requestSync();
  }

  /** A runner for the container, or null (slot set to ErrImagePull -> ImagePullBackOff) if its image has no program. */
  #createRunner(c: V1Container, dirs: Map<string, string>, policy: RestartPolicy, slots: Map<string, Slot>): ContainerRunner | null {
    const resolved = resolveImage(c.image ?? '');
    if (!resolved.ok) {
      this.#log(`container ${c.name}: ${resolved.reason}`);
      slots.set(c.name, { kind: 'pending', reason: 'ErrImagePull', message: resolved.reason });
      this.#requestSync();
      this.#timers.push(
        setTimeout(() => {
          slots.set(c.name, { kind: 'pending', reason: 'ImagePullBackOff', message: `Back-off pulling image "${c.image}": ${resolved.reason}` });
          this.#requestSync();
        }, 2000),
      );
      return null;
    }
    if (c.command?.length) this.#log(`container ${c.name}: command ${JSON.stringify(c.command)} ignored (image entrypoint is ${resolved.mapping.program})`);
    const mounts = containerMounts(c, dirs);
    const runner = new ContainerRunner({
      container: c,
      restartPolicy: policy,
      logFile: path.join(this.#logDir, `${c.name}.log`),
      registry: this.#d.registry,
      registryKey: `${this.uid}.${c.name}`,
      terminationGraceSeconds: this.#pod.spec?.terminationGracePeriodSeconds ?? 30,
      prepare: () =>
        buildLaunch({
          pod: this.#pod,
          container: c,
          mapping: resolved.mapping,
          programArgv: resolved.argv,
          tag: resolved.ref.tag,
          podIP: this.#podIP,
          podDir: this.#podDir,
          mounts,
          apiServer: this.#d.clients.apiServer,
          sources: this.#envSources(),
        }),
      onChange: () => this.#requestSync(),
      log: (m) => this.#log(`container ${c.name}: ${m}`),
    });
    slots.set(c.name, { kind: 'runner', runner });
    return runner;
  }

  /** Stops every container (SIGTERM, grace, SIGKILL) and writes the final status. Idempotent. */
  terminate(graceSeconds: number): Promise<void> {
    this.#terminating ??= (async () => {
      this.#stopped = true;
      this.#wakeAll();
      this.#timers.forEach(clearTimeout);
      const all = [...this.#main.values(), ...this.#init.values()];
      this.#log(`stopping containers (grace ${graceSeconds}s)`);
      await Promise.all(all.map((s) => (s.kind === 'runner' ? s.runner.stop(graceSeconds) : undefined)));
      this.#requestSync();
      await this.#flush();
    })();
    return this.#terminating;
  }

  /** After the pod object is gone: free the IP and the per-pod dirs (PVC data lives elsewhere). */
  cleanup(): void {
    this.#gone = true;
    this.#d.ipPool.release(this.uid);
    rmSync(this.#podDir, { recursive: true, force: true });
  }

  markGone(): void {
    this.#gone = true;
  }

  // ---- sources -----------------------------------------------------------------------------
  #getSecret = async (name: string) => {
    try {
      return await this.#d.clients.core.readNamespacedSecret({ name, namespace: this.#pod.metadata!.namespace! });
    } catch (e) {
      if (isNotFound(e)) return null;
      throw new ContainerConfigError(errMessage(e));
    }
  };

  #getConfigMap = async (name: string) => {
    try {
      return await this.#d.clients.core.readNamespacedConfigMap({ name, namespace: this.#pod.metadata!.namespace! });
    } catch (e) {
      if (isNotFound(e)) return null;
      throw new ContainerConfigError(errMessage(e));
    }
  };

  #envSources(): EnvSources {
    return { podIP: this.#podIP, hostIP: HOST_IP, getSecret: this.#getSecret, getConfigMap: this.#getConfigMap };
  }

  #volumeSources(): VolumeSources {
    const ns = this.#pod.metadata!.namespace!;
    const core = this.#d.clients.core;
    const wrap = <T>(f: (n: string) => Promise<T | null>) => async (n: string) => {
      try {
        return await f(n);
      } catch (e) {
        throw new VolumeNotReadyError(errMessage(e));
      }
    };
    return {
      podDir: this.#podDir,
      stateDir: this.#d.cfg.stateDir,
      caFile: this.#d.caFile,
      apiServer: this.#d.clients.apiServer,
      getSecret: wrap(this.#getSecret),
      getConfigMap: wrap(this.#getConfigMap),
      getClaimDir: async (claimName) => {
        let pvc;
        try {
          pvc = await core.readNamespacedPersistentVolumeClaim({ name: claimName, namespace: ns });
        } catch (e) {
          if (isNotFound(e)) throw new VolumeNotReadyError(`persistentvolumeclaim "${claimName}" not found`);
          throw new VolumeNotReadyError(errMessage(e));
        }
        if (pvc.status?.phase !== 'Bound' || !pvc.spec?.volumeName) return null;
        const pv = await core.readPersistentVolume({ name: pvc.spec.volumeName });
        const dir = pv.spec?.hostPath?.path ?? pv.spec?.local?.path;
        if (!dir) throw new VolumeNotReadyError(`persistentvolume ${pv.metadata?.name} is neither hostPath nor local`);
        return dir;
      },
      requestToken: async (serviceAccount, audience, expirationSeconds) => {
        const tr = await core.createNamespacedServiceAccountToken({
          name: serviceAccount,
          namespace: ns,
          body: {
            spec: {
              audiences: audience ? [audience] : [],
              expirationSeconds,
              boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: this.#pod.metadata!.name!, uid: this.uid },
            },
          },
        });
        const token = tr.status?.token;
        if (!token) throw new VolumeNotReadyError(`no token for serviceaccount ${serviceAccount}`);
        return token;
      },
    };
  }

  // ---- status ------------------------------------------------------------------------------
  #snapshots(slots: Map<string, Slot>, containers: V1Container[]): ContainerSnapshot[] {
    return containers.map((c) => {
      const s = slots.get(c.name);
      if (!s) return waitingSnapshot(c, 'ContainerCreating');
      return s.kind === 'runner' ? s.runner.snapshot() : waitingSnapshot(c, s.reason, s.message);
    });
  }

  statusInput(): PodStatusInput {
    const spec = this.#pod.spec!;
    return {
      pod: this.#pod,
      podIP: this.#podIP,
      hostIP: HOST_IP,
      startTime: this.#startTime,
      sandboxReady: this.#sandboxReady,
      initialized: this.#initialized,
      init: this.#snapshots(this.#init, spec.initContainers ?? []),
      main: this.#snapshots(this.#main, spec.containers),
      ...(this.#terminal ? { terminalPhase: this.#terminal } : {}),
      ...(this.#lastConditions ? { previousConditions: this.#lastConditions } : {}),
    };
  }

  #requestSync(): void {
    this.#dirty = true;
    if (!this.#syncing) void this.#syncLoop();
  }

  async #flush(): Promise<void> {
    while ((this.#syncing || this.#dirty) && !this.#gone) {
      if (!this.#syncing) void this.#syncLoop();
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async #syncLoop(): Promise<void> {
    this.#syncing = true;
    try {
      while (this.#dirty && !this.#gone) {
        this.#dirty = false;
        const status = buildPodStatus(this.statusInput());
        try {
          await this.#d.clients.core.patchNamespacedPodStatus(
            { name: this.#pod.metadata!.name!, namespace: this.#pod.metadata!.namespace!, body: { status } },
            mergePatch,
          );
          this.#lastConditions = status.conditions;
        } catch (e) {
          if (isNotFound(e)) {
            this.#gone = true;
            break;
          }
          this.#log(`status update failed, retrying: ${errMessage(e)}`);
          this.#dirty = true;
          await new Promise((r) => setTimeout(r, 1000));
        }
      }
    } finally {
      this.#syncing = false;
    }
  }
}
