// The transport's request deadline, against local HTTP servers that misbehave the way a hung
// apiserver does: the connection is accepted, then nothing (or half an answer) comes back.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { KubeClient } from './client.ts';
import { Controller } from './controller.ts';
import { realClock } from './clock.ts';
import { ApiError } from './errors.ts';
import { SECRETS } from './resource.ts';
import { HttpTransport, isRequestTimeout, type RequestObserver } from './transport.ts';

const TIMEOUT_MS = 300;

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, n: number) => void;

const servers: Array<{ server: http.Server; sockets: Set<Socket> }> = [];

afterEach(async () => {
  for (const { server, sockets } of servers.splice(0)) {
    for (const s of sockets) s.destroy();
    await new Promise((r) => server.close(r));
  }
});

/** A server on 127.0.0.1 whose handler gets the request's ordinal (0, 1, ...); counts closed sockets. */
async function serve(handler: Handler, observe: RequestObserver = () => {}): Promise<{ transport: HttpTransport; requests: () => number; closed: () => number }> {
  let n = 0;
  let closed = 0;
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => handler(req, res, n++));
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => {
      sockets.delete(s);
      closed++;
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push({ server, sockets });
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true }],
    users: [{ name: 'u' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return { transport: new HttpTransport(kc, observe, { requestTimeoutMs: TIMEOUT_MS }), requests: () => n, closed: () => closed };
}

const secret = (name: string) => JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'ns' } });
const never: Handler = () => {};

describe('HttpTransport request timeout', () => {
  it('fails a request the server never answers with a RequestTimeout error, and drops the connection', async () => {
    const srv = await serve(never);
    const err = await new KubeClient(srv.transport).get(SECRETS, 'ns', 'a').catch((e: unknown) => e);
    expect(isRequestTimeout(err)).toBe(true);
    expect((err as ApiError).message).toMatch(/GET \/api\/v1\/namespaces\/ns\/secrets\/a: no answer within 300 ms \(request timeout\)/);
    expect(srv.requests()).toBe(1);
    // The hung connection is not handed to the next request.
    await expect.poll(() => srv.closed(), { timeout: 5000 }).toBe(1);
  });

  it('fails a request whose body stops half-way rather than returning half an object', async () => {
    const srv = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"apiVersion":"v1","kind":"Secret","metad');
    });
    const err = await new KubeClient(srv.transport).get(SECRETS, 'ns', 'a').catch((e: unknown) => e);
    expect(isRequestTimeout(err)).toBe(true);
  });

  it('counts a timed-out request once, with status 0', async () => {
    const seen: Array<[string, string, number]> = [];
    const srv = await serve(never, (m, p, s) => seen.push([m, p, s]));
    await new KubeClient(srv.transport).get(SECRETS, 'ns', 'a').catch(() => undefined);
    expect(seen).toEqual([['GET', '/api/v1/namespaces/ns/secrets/a', 0]]);
  });

  it('lets an accepted watch stay quiet for longer than the request timeout (its idle timeout applies)', async () => {
    const srv = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.flushHeaders();
      setTimeout(() => res.end(`${JSON.stringify({ type: 'ADDED', object: JSON.parse(secret('late')) })}\n`), TIMEOUT_MS * 3);
    });
    const events: string[] = [];
    await new KubeClient(srv.transport).watch(SECRETS, 'ns', { resourceVersion: '1', timeoutSeconds: 60, idleTimeoutMs: 60_000 }, (e) => events.push(`${e.type} ${e.object.metadata?.name}`));
    expect(events).toEqual(['ADDED late']);
  });

  it('fails a watch the server never accepts', async () => {
    const srv = await serve(never);
    const err = await new KubeClient(srv.transport).watch(SECRETS, 'ns', { resourceVersion: '1', timeoutSeconds: 60, idleTimeoutMs: 60_000 }, () => {}).catch((e: unknown) => e);
    expect(isRequestTimeout(err)).toBe(true);
  });

  it('a reconcile that timed out against a hung server is retried and succeeds once the server answers', async () => {
    // The first request hangs (a stopped apiserver); later ones are answered.
    const srv = await serve((_req, res, n) => {
      if (n === 0) return;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(secret('a'));
    });
    const api = new KubeClient(srv.transport);
    const outcomes: string[] = [];
    const errors: string[] = [];
    let done!: () => void;
    const finished = new Promise<void>((r) => (done = r));
    const controller = new Controller({
      name: 'test',
      clock: realClock,
      workers: 1,
      backoff: { baseMs: 10, maxMs: 100 },
      observer: { reconciled: (_c, outcome) => outcomes.push(outcome) },
      log: (m) => errors.push(m),
      reconcile: async () => {
        await api.get(SECRETS, 'ns', 'a');
        done();
      },
    });
    controller.start();
    controller.enqueue('ns/a');
    await finished;
    await controller.stop();
    expect(outcomes).toEqual(['error', 'success']);
    expect(errors[0]).toMatch(/request timeout/);
    expect(srv.requests()).toBe(2);
  });
});
