// HTTP/TCP/exec probes and the loop that applies Kubernetes' thresholds to them.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { spawn } from 'node:child_process';
import type { V1ContainerPort, V1Probe } from '@kubernetes/client-node';

export interface ProbeContext {
  podIP: string;
  ports: V1ContainerPort[];
  env: Record<string, string>;
  cwd: string;
}

export interface ProbeOutcome {
  ok: boolean;
  message: string;
}

function resolvePort(port: number | string | undefined, ports: V1ContainerPort[]): number {
  if (typeof port === 'number') return port;
  if (port !== undefined && /^\d+$/.test(port)) return Number(port);
  const named = ports.find((p) => p.name === port);
  if (!named) throw new Error(`named port ${String(port)} not found`);
  return named.containerPort;
}

function httpProbe(probe: NonNullable<V1Probe['httpGet']>, ctx: ProbeContext, timeoutMs: number): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const https_ = probe.scheme === 'HTTPS';
    const port = resolvePort(probe.port as number | string, ctx.ports);
    const headers: Record<string, string> = { 'user-agent': 'kube-probe/process-kubelet' };
    for (const h of probe.httpHeaders ?? []) headers[h.name] = h.value;
    const req = (https_ ? https : http).request(
      {
        host: probe.host || ctx.podIP,
        port,
        path: probe.path || '/',
        method: 'GET',
        headers,
        timeout: timeoutMs,
        rejectUnauthorized: false,
      },
      (res) => {
        res.resume();
        const code = res.statusCode ?? 0;
        resolve({ ok: code >= 200 && code < 400, message: `HTTP probe failed with statuscode: ${code}` });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs}ms`)));
    req.on('error', (e) => resolve({ ok: false, message: `Get "${probe.path}": ${e.message}` }));
    req.end();
  });
}

function tcpProbe(probe: NonNullable<V1Probe['tcpSocket']>, ctx: ProbeContext, timeoutMs: number): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: probe.host || ctx.podIP, port: resolvePort(probe.port as number | string, ctx.ports) });
    sock.setTimeout(timeoutMs, () => sock.destroy(new Error('timeout')));
    sock.on('connect', () => {
      sock.destroy();
      resolve({ ok: true, message: '' });
    });
    sock.on('error', (e) => resolve({ ok: false, message: `dial tcp: ${e.message}` }));
  });
}

function execProbe(probe: NonNullable<V1Probe['exec']>, ctx: ProbeContext, timeoutMs: number): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const [cmd, ...args] = probe.command ?? [];
    if (!cmd) return resolve({ ok: false, message: 'exec probe without command' });
    const child = spawn(cmd, args, { env: { PATH: process.env.PATH ?? '', ...ctx.env }, cwd: ctx.cwd, stdio: 'ignore', timeout: timeoutMs });
    child.on('error', (e) => resolve({ ok: false, message: e.message }));
    child.on('exit', (code) => resolve({ ok: code === 0, message: `command exited with ${code}` }));
  });
}

export async function probeOnce(probe: V1Probe, ctx: ProbeContext): Promise<ProbeOutcome> {
  const timeoutMs = (probe.timeoutSeconds ?? 1) * 1000;
  try {
    if (probe.httpGet) return await httpProbe(probe.httpGet, ctx, timeoutMs);
    if (probe.tcpSocket) return await tcpProbe(probe.tcpSocket, ctx, timeoutMs);
    if (probe.exec) return await execProbe(probe.exec, ctx, timeoutMs);
    return { ok: false, message: 'unsupported probe handler (grpc is not implemented by the process kubelet)' };
  } catch (e) {
    return { ok: false, message: (e as Error).message };
  }
}

/**
 * Runs one probe periodically (initialDelaySeconds, periodSeconds) and reports `true` after
 * successThreshold consecutive successes and `false` after failureThreshold consecutive failures.
 * `onResult` is called on every threshold crossing, also repeatedly while failing.
 */
export class ProbeLoop {
  readonly #probe: V1Probe;
  readonly #ctx: ProbeContext;
  readonly #onResult: (ok: boolean, message: string) => void;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #successes = 0;
  #failures = 0;

  constructor(probe: V1Probe, ctx: ProbeContext, onResult: (ok: boolean, message: string) => void) {
    this.#probe = probe;
    this.#ctx = ctx;
    this.#onResult = onResult;
  }

  start(): void {
    this.#schedule((this.#probe.initialDelaySeconds ?? 0) * 1000);
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => void this.#tick(), ms);
  }

  async #tick(): Promise<void> {
    const out = await probeOnce(this.#probe, this.#ctx);
    if (this.#stopped) return;
    if (out.ok) {
      this.#failures = 0;
      this.#successes++;
      if (this.#successes === (this.#probe.successThreshold ?? 1)) this.#onResult(true, '');
    } else {
      this.#successes = 0;
      this.#failures++;
      if (this.#failures >= (this.#probe.failureThreshold ?? 3)) {
        this.#failures = 0;
        this.#onResult(false, out.message);
      }
    }
    this.#schedule((this.#probe.periodSeconds ?? 10) * 1000);
  }
}
