// Runs one container as a local process group: start, probes, restarts with back-off per the
// restart policy, and stop with SIGTERM -> grace period -> SIGKILL. Its status is read with
// `snapshot()`; every change is signalled through `onChange`.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import type { V1Container, V1ContainerState, V1Probe } from '@kubernetes/client-node';
import { ContainerConfigError } from './env.ts';
import { ProbeLoop, type ProbeContext } from './probes.ts';
import type { ProcRegistry } from './proc-registry.ts';

export type RestartPolicy = 'Always' | 'OnFailure' | 'Never';

export interface LaunchSpec {
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  probe: ProbeContext;
}

export interface RunnerOptions {
  container: V1Container;
  restartPolicy: RestartPolicy;
  logFile: string;
  registry: ProcRegistry;
  registryKey: string;
  terminationGraceSeconds: number;
  /** Resolves env, args and mounts for each launch; may throw ContainerConfigError. */
  prepare(): Promise<LaunchSpec>;
  onChange(): void;
  log(msg: string): void;
}

export interface ContainerSnapshot {
  name: string;
  image: string;
  imageID: string;
  containerID?: string;
  state: V1ContainerState;
  lastState: V1ContainerState;
  restartCount: number;
  ready: boolean;
  started: boolean;
}

/** Back-off between restarts: 1 s doubling to 10 s (the real kubelet: 10 s doubling to 5 min). */
export const BACKOFF_START_MS = 1000;
export const BACKOFF_MAX_MS = 10_000;
/** A container that ran this long before exiting restarts with the initial back-off again. */
const BACKOFF_RESET_AFTER_MS = 30_000;

function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  const num = signal ? (osConstants.signals as Record<string, number>)[signal] : undefined;
  return 128 + (num ?? 9);
}

export class ContainerRunner {
  readonly #o: RunnerOptions;
  #state: V1ContainerState = { waiting: { reason: 'ContainerCreating' } };
  #lastState: V1ContainerState = {};
  #restartCount = 0;
  #ready = false;
  #started = false;
  #containerID: string | undefined;
  #child: ChildProcess | undefined;
  #stopping = false;
  #wake: (() => void) | undefined;
  #probes: ProbeLoop[] = [];
  #killReason: string | undefined;
  #exitCode: number | undefined;
  /** Resolves when the runner will not start the container again. */
  done: Promise<void> = Promise.resolve();
  finished = false;

  constructor(opts: RunnerOptions) {
    this.#o = opts;
  }

  get name(): string {
    return this.#o.container.name;
  }
  /** Exit code of the last run once finished. */
  get exitCode(): number | undefined {
    return this.#exitCode;
  }
  get started(): boolean {
    return this.#started;
  }

  snapshot(): ContainerSnapshot {
    const c = this.#o.container;
    return {
      name: c.name,
      image: c.image ?? '',
      imageID: c.image ?? '',
      ...(this.#containerID ? { containerID: this.#containerID } : {}),
      state: this.#state,
      lastState: this.#lastState,
      restartCount: this.#restartCount,
      ready: this.#ready,
      started: this.#started,
    };
  }

  start(): void {
    this.done = this.#loop().catch((e: unknown) => {
      this.#o.log(`runner crashed: ${(e as Error).stack ?? String(e)}`);
      this.finished = true;
    });
  }

  /** SIGTERM, wait up to graceSeconds, SIGKILL; resolves once the runner has ended. */
  async stop(graceSeconds: number): Promise<void> {
    this.#stopping = true;
    this.#wake?.();
    await this.#kill(graceSeconds, 'stopped');
    await this.done;
  }

  #set(state: V1ContainerState): void {
    this.#state = state;
    this.#o.onChange();
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.#wake = done;
    });
  }

  async #kill(graceSeconds: number, reason: string): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    this.#killReason ??= reason;
    const pid = child.pid;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    const signal = (sig: NodeJS.Signals) => {
      try {
        process.kill(-pid, sig);
      } catch {
        /* gone */
      }
    };
    signal('SIGTERM');
    const timer = setTimeout(() => signal('SIGKILL'), Math.max(0, graceSeconds) * 1000);
    await exited;
    clearTimeout(timer);
  }

  #startProbes(spec: LaunchSpec): void {
    const c = this.#o.container;
    const startup = c.startupProbe;
    const readiness = c.readinessProbe;
    const liveness = c.livenessProbe;
    const failed = (kind: string) => (msg: string) => {
      this.#o.log(`${kind} probe failed, killing: ${msg}`);
      void this.#kill(this.#o.terminationGraceSeconds, `${kind} probe failed: ${msg}`);
    };
    const startMain = () => {
      if (readiness) {
        this.#addProbe(readiness, spec, (ok) => {
          if (ok !== this.#ready) {
            this.#ready = ok;
            this.#o.onChange();
          }
        });
      } else {
        this.#ready = true;
      }
      if (liveness) this.#addProbe(liveness, spec, (ok, msg) => !ok && failed('liveness')(msg));
      this.#o.onChange();
    };
    if (startup) {
      let done = false;
      this.#addProbe(startup, spec, (ok, msg) => {
        if (done) return;
        if (!ok) return failed('startup')(msg);
        done = true;
        this.#started = true;
        startMain();
      });
    } else {
      this.#started = true;
      startMain();
    }
  }

  #addProbe(probe: V1Probe, spec: LaunchSpec, cb: (ok: boolean, msg: string) => void): void {
    const loop = new ProbeLoop(probe, spec.probe, cb);
    this.#probes.push(loop);
    loop.start();
  }

  #stopProbes(): void {
    this.#probes.forEach((p) => p.stop());
    this.#probes = [];
  }

  #shouldRestart(exitCode: number): boolean {
    if (this.#o.restartPolicy === 'Always') return true;
    if (this.#o.restartPolicy === 'OnFailure') return exitCode !== 0;
    return false;
  }

  async #launch(spec: LaunchSpec): Promise<ChildProcess | Error> {
    const [cmd, ...args] = spec.argv;
    if (!cmd) return new Error('empty command');
    const fd = openSync(this.#o.logFile, 'a');
    try {
      const child = spawn(cmd, args, { detached: true, stdio: ['ignore', fd, fd], env: spec.env, cwd: spec.cwd });
      return await new Promise<ChildProcess | Error>((resolve) => {
        child.once('spawn', () => resolve(child));
        child.once('error', (e) => resolve(e));
      });
    } finally {
      closeSync(fd);
    }
  }

  async #loop(): Promise<void> {
    let backoffMs = BACKOFF_START_MS;
    while (!this.#stopping) {
      let spec: LaunchSpec;
      try {
        spec = await this.#o.prepare();
      } catch (e) {
        if (!(e instanceof ContainerConfigError)) throw e;
        this.#set({ waiting: { reason: 'CreateContainerConfigError', message: e.message } });
        await this.#sleep(2000);
        continue;
      }
      if (this.#stopping) break;
      const startedAt = new Date();
      const child = await this.#launch(spec);
      let exitCode: number;
      let finishedAt: Date;
      let reason: string;
      let message: string | undefined;
      if (child instanceof Error) {
        exitCode = 128;
        finishedAt = new Date();
        reason = 'StartError';
        message = child.message;
        this.#containerID = undefined;
      } else {
        const pid = child.pid!;
        this.#child = child;
        this.#killReason = undefined;
        this.#containerID = `process://${pid}`;
        const exited = new Promise<[number | null, NodeJS.Signals | null]>((r) => child.once('exit', (c, s) => r([c, s])));
        this.#o.registry.add(this.#o.registryKey, pid);
        this.#o.log(`started pid ${pid}: ${spec.argv.join(' ')}`);
        this.#started = false;
        this.#ready = false;
        this.#state = { running: { startedAt } };
        this.#startProbes(spec); // calls onChange
        const [code, sig] = await exited;
        // Like a container runtime: when the main process ends, nothing else of the container survives.
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          /* group already empty */
        }
        this.#stopProbes();
        this.#o.registry.remove(this.#o.registryKey);
        this.#child = undefined;
        exitCode = exitCodeOf(code, sig);
        finishedAt = new Date();
        reason = exitCode === 0 ? 'Completed' : 'Error';
        message = this.#killReason && !this.#stopping ? this.#killReason : undefined;
        this.#o.log(`pid ${pid} exited: code=${code} signal=${sig}${message ? ` (${message})` : ''}`);
      }
      this.#ready = false;
      this.#started = false;
      this.#exitCode = exitCode;
      const terminated: V1ContainerState = {
        terminated: {
          exitCode,
          reason,
          ...(message ? { message } : {}),
          startedAt,
          finishedAt,
          ...(this.#containerID ? { containerID: this.#containerID } : {}),
        },
      };
      if (this.#stopping || !this.#shouldRestart(exitCode)) {
        this.#set(terminated);
        break;
      }
      this.#lastState = terminated;
      if (finishedAt.getTime() - startedAt.getTime() > BACKOFF_RESET_AFTER_MS) backoffMs = BACKOFF_START_MS;
      this.#set({
        waiting: {
          reason: 'CrashLoopBackOff',
          message: `back-off ${Math.round(backoffMs / 1000)}s restarting failed container=${this.name}`,
        },
      });
      await this.#sleep(backoffMs);
      backoffMs = Math.min(backoffMs * 2, BACKOFF_MAX_MS);
      if (this.#stopping) break;
      this.#restartCount++;
    }
    // Stopped during a back-off: report the last run, not a pending restart.
    if (this.#state.waiting && this.#lastState.terminated) this.#state = this.#lastState;
    this.finished = true;
    this.#o.onChange();
  }
}
