// /metrics, /healthz (the process is alive and its loop turns) and /readyz (ready to work: a
// standby that waits for the lease is ready too; a leader is ready once its caches are synced).
import http from 'node:http';
import type { Registry } from 'prom-client';

export interface HealthSource {
  ready(): boolean;
}

export function startHttpServer(host: string, port: number, registry: Registry, health: HealthSource): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const url = (req.url ?? '/').split('?')[0];
    if (url === '/metrics') {
      registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
        (e: Error) => res.writeHead(500).end(e.message),
      );
      return;
    }
    if (url === '/healthz') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    if (url === '/readyz') {
      const ok = health.ready();
      return void res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' }).end(ok ? 'ok' : 'caches not synced');
    }
    res.writeHead(404).end();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
