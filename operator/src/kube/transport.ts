// HTTP to the apiserver. Credentials and TLS come from @kubernetes/client-node's KubeConfig; the
// transport is ours for three reasons: one keep-alive connection pool (client-node 2.0.1 builds a
// new undici Agent, so a new TLS connection, for every request), watches whose idle timeout we
// choose (the client's Watch aborts after 30 s without a byte, shorter than the apiserver's
// bookmark interval), one place that counts every request for the metrics, and a deadline on
// every request: a hung apiserver (stopped process, black-holed connection) accepts the
// connection and never answers, and without one a worker or the Lease renewal waits forever.
import http from 'node:http';
import https from 'node:https';
import { createInterface } from 'node:readline';
import type { KubeConfig } from '@kubernetes/client-node';
import { apiErrorFromResponse, ApiError } from './errors.ts';

export interface RequestSpec {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
}

/** Called once per finished request: what it was and the HTTP status (0 = no response). */
export type RequestObserver = (method: string, path: string, status: number) => void;

export interface TransportOptions {
  /**
   * A request must be answered in full within this; a watch must be accepted (response headers)
   * within it, after which its idle timeout applies. Default 30 s: under the apiserver's own 60 s
   * limit for a non-watch request, far above what a healthy one takes (a 500-item list page).
   */
  requestTimeoutMs?: number;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** The request got no (complete) answer within the transport's request timeout. */
export const isRequestTimeout = (e: unknown): boolean => e instanceof ApiError && e.status === 0 && e.reason === 'RequestTimeout';

export interface Transport {
  request<T>(spec: RequestSpec): Promise<T>;
  /**
   * Streams newline-delimited JSON until the server closes (resolves) or an error (rejects).
   * `onOpen` is called once the server has accepted the stream (status 200).
   */
  stream(spec: RequestSpec, onLine: (value: unknown) => void, idleTimeoutMs: number, onOpen?: () => void): Promise<void>;
}

function buildUrl(server: string, spec: RequestSpec): URL {
  const url = new URL(server.replace(/\/+$/, '') + spec.path);
  for (const [k, v] of Object.entries(spec.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
  return url;
}

function bodyText(body: unknown): string {
  return typeof body === 'string' ? body : JSON.stringify(body);
}

interface Sent {
  res: http.IncomingMessage;
  /** Clears the deadline. */
  settle: () => void;
  /** The deadline's error once it has passed. */
  timedOut: () => ApiError | undefined;
}

export class HttpTransport implements Transport {
  readonly #kc: KubeConfig;
  readonly #server: string;
  readonly #observe: RequestObserver;
  readonly #timeoutMs: number;
  #agent: http.Agent | undefined;

  constructor(kc: KubeConfig, observe: RequestObserver = () => {}, opts: TransportOptions = {}) {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error('the kubeconfig has no current cluster');
    this.#kc = kc;
    this.#server = cluster.server;
    this.#observe = observe;
    this.#timeoutMs = opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  }

  /** Headers are fetched per request (tokens rotate); TLS material once, for the shared agent. */
  async #options(spec: RequestSpec): Promise<https.RequestOptions> {
    const opts: https.RequestOptions = { headers: {} };
    await this.#kc.applyToHTTPSOptions(opts);
    const isHttps = this.#server.startsWith('https:');
    this.#agent ??= isHttps
      ? new https.Agent({ keepAlive: true, maxSockets: 32, ca: opts.ca, cert: opts.cert, key: opts.key, rejectUnauthorized: opts.rejectUnauthorized ?? true, servername: opts.servername })
      : new http.Agent({ keepAlive: true, maxSockets: 32 });
    const headers: Record<string, string> = { accept: 'application/json', ...(opts.headers as Record<string, string>) };
    if (spec.body !== undefined) {
      headers['content-type'] = spec.contentType ?? 'application/json';
      // Always a length: Node sends a DELETE body neither chunked nor sized otherwise, and the
      // server then reads it as the next request on the kept-alive connection.
      headers['content-length'] = String(Buffer.byteLength(bodyText(spec.body)));
    }
    return { method: spec.method, headers, agent: this.#agent, ...(opts.auth ? { auth: opts.auth } : {}) };
  }

  /**
   * Sends the request; `onRes` gets the response. The deadline destroys the request and the
   * response (the socket with them: a hung server's connection is never reused) with a
   * RequestTimeout error; `settle()` clears it (a watch, once accepted).
   */
  async #send(spec: RequestSpec, what: string): Promise<Sent> {
    const url = buildUrl(this.#server, spec);
    const options = await this.#options(spec);
    const mod = url.protocol === 'https:' ? https : http;
    let expired: ApiError | undefined;
    let res: http.IncomingMessage | undefined;
    return new Promise((resolve, reject) => {
      const req = mod.request(url, { ...options, ...(spec.signal ? { signal: spec.signal } : {}) }, (r) => {
        res = r;
        resolve({ res: r, settle: () => clearTimeout(timer), timedOut: () => expired });
      });
      const timer = setTimeout(() => {
        expired = new ApiError(0, 'RequestTimeout', `${what}: no answer within ${this.#timeoutMs} ms (request timeout); the apiserver may be hung`);
        res?.destroy(expired);
        req.destroy(expired);
      }, this.#timeoutMs);
      req.on('error', (e) => {
        clearTimeout(timer);
        reject(expired ?? e);
      });
      req.on('close', () => {
        if (!res) clearTimeout(timer);
      });
      if (spec.body !== undefined) req.end(bodyText(spec.body));
      else req.end();
    });
  }

  async request<T>(spec: RequestSpec): Promise<T> {
    const what = `${spec.method} ${spec.path}`;
    let text: string;
    let status: number;
    let sent: Sent | undefined;
    try {
      sent = await this.#send(spec, what);
      const chunks: Buffer[] = [];
      for await (const c of sent.res) chunks.push(c as Buffer);
      // A response cut by the deadline may end without an error: never parse half a body.
      const expired = sent.timedOut();
      if (expired) throw expired;
      text = Buffer.concat(chunks).toString('utf8');
      status = sent.res.statusCode ?? 0;
    } catch (e) {
      this.#observe(spec.method, spec.path, 0);
      throw sent?.timedOut() ?? e;
    } finally {
      sent?.settle();
    }
    this.#observe(spec.method, spec.path, status);
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON: keep the text for the error message */
    }
    if (status < 200 || status >= 300) throw apiErrorFromResponse(status, body, what);
    return body as T;
  }

  async stream(spec: RequestSpec, onLine: (value: unknown) => void, idleTimeoutMs: number, onOpen?: () => void): Promise<void> {
    let sent;
    try {
      sent = await this.#send(spec, `watch ${spec.path}`);
    } catch (e) {
      this.#observe(spec.method, spec.path, 0);
      throw e;
    }
    // Accepted (or refused): from here the idle timeout below is the watch's only deadline.
    sent.settle();
    const { res } = sent;
    const status = res.statusCode ?? 0;
    this.#observe(spec.method, spec.path, status);
    if (status !== 200) {
      const chunks: Buffer[] = [];
      for await (const c of res) chunks.push(c as Buffer);
      let body: unknown = Buffer.concat(chunks).toString('utf8');
      try {
        body = JSON.parse(body as string);
      } catch {
        /* keep text */
      }
      throw apiErrorFromResponse(status, body, `watch ${spec.path}`);
    }
    onOpen?.();
    // A silent network cut never closes the socket; the idle timeout turns it into an error.
    res.socket.setTimeout(idleTimeoutMs, () => res.destroy(new ApiError(0, 'Timeout', `watch ${spec.path}: no data for ${idleTimeoutMs} ms`)));
    try {
      const lines = createInterface({ input: res, crlfDelay: Infinity });
      for await (const line of lines) {
        if (!line.trim()) continue;
        onLine(JSON.parse(line));
      }
    } finally {
      res.socket?.setTimeout(0);
      res.destroy();
    }
  }

  close(): void {
    this.#agent?.destroy();
  }
}
