/**
 * The operator process: config, Kubernetes client, metrics/health server, leader election, then
 * informers and the SearchInstance controller. SIGTERM/SIGINT: stop taking work, let in-flight
 * reconciles finish, release the lease, exit 0. Losing the lease: exit 1 at once (a process that
 * is no longer leader must not write another byte; its supervisor restarts it as a standby).
 */
import { KubeConfig } from '@kubernetes/client-node';
import { pino } from 'pino';
import { ConfigError, loadConfig } from './config.ts';
import { allInformers, makeInstanceCaches, makeInstanceController } from './controllers/search-instance/controller.ts';
import { makeDumpControllers } from './controllers/dump-controllers.ts';
import { Lookups, type InstanceDeps } from './controllers/search-instance/deps.ts';
import { EngineClient } from './engine-client/client.ts';
import { startHttpServer } from './http-server.ts';
import { realClock } from './kube/clock.ts';
import { KubeClient } from './kube/client.ts';
import { EventRecorder } from './kube/events.ts';
import { LeaderElector } from './kube/leader-election.ts';
import { HttpTransport } from './kube/transport.ts';
import { makeMetrics } from './metrics.ts';

let cfg;
try {
  cfg = loadConfig(process.argv.slice(2), process.env);
} catch (e) {
  if (e instanceof ConfigError) {
    process.stderr.write(`${e.message}\n`);
    process.exit(2);
  }
  throw e;
}
const log = pino({ level: cfg.logLevel, base: { component: 'searchkube-operator', identity: cfg.identity } });

const kc = new KubeConfig();
if (cfg.kubeconfig) kc.loadFromFile(cfg.kubeconfig);
else kc.loadFromDefault(); // in-cluster service account when there, else ~/.kube/config

const metrics = makeMetrics();
const transport = new HttpTransport(kc, metrics.request, { requestTimeoutMs: cfg.requestTimeoutMs });
const api = new KubeClient(transport);
const clock = realClock;
const say = (msg: string) => log.info(msg);

const caches = makeInstanceCaches({ api, clock, namespaces: cfg.namespaces, resyncMs: cfg.resyncMs, observer: metrics.informer, log: (m) => log.warn(m) });
const deps: InstanceDeps = {
  api,
  clock,
  events: new EventRecorder({ api, clock, component: 'searchkube-operator', instance: cfg.identity, log: (m) => log.warn(m) }),
  cache: caches,
  engineAccess: cfg.engineAccess,
  statsIntervalMs: cfg.statsIntervalMs,
  pendingRequeueMs: 10_000,
  lookups: new Lookups(api, clock),
  engineStats: (url, key) => new EngineClient(url, key).stats(),
  engineLatestWrite: (url, key) => new EngineClient(url, key).latestFinishedWrite(),
  log: say,
};
const controller = makeInstanceController(deps, { workers: cfg.workers, observer: metrics.controller });
// SearchDump and SearchDumpSchedule controllers, over the instance controller's caches.
const dumpWork = makeDumpControllers(deps, { api, clock, namespaces: cfg.namespaces, resyncMs: cfg.resyncMs, observer: metrics.informer, log: (m) => log.warn(m) }, { workers: cfg.workers, observer: metrics.controller });
const informers = [...allInformers(caches), ...dumpWork.informers];

let leading = false;
let synced = false;
const server = await startHttpServer(cfg.metricsAddr.host, cfg.metricsAddr.port, metrics.registry, { ready: () => !leading || synced });
const stop = new AbortController();
const elector = cfg.leaderElect
  ? new LeaderElector({
      api,
      clock,
      namespace: cfg.leaderElectionNamespace,
      name: cfg.leaderElectionId,
      identity: cfg.identity,
      leaseDurationMs: cfg.leaseDurationMs,
      renewDeadlineMs: cfg.renewDeadlineMs,
      retryPeriodMs: cfg.retryPeriodMs,
      log: (m) => log.warn(m),
    })
  : undefined;

async function shutdown(signal: string): Promise<void> {
  if (stop.signal.aborted) return;
  log.info({ signal }, 'shutting down: finishing in-flight reconciles');
  stop.abort();
  await Promise.all([controller.stop(), ...dumpWork.controllers.map((c) => c.stop())]);
  await Promise.all(informers.map((i) => i.stop()));
  await elector?.release();
  server.close();
  transport.close();
  log.info('stopped');
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));

log.info({ namespaces: cfg.namespaces.length ? cfg.namespaces : 'all', engineAccess: cfg.engineAccess, leaderElect: cfg.leaderElect, metrics: `${cfg.metricsAddr.host}:${server.address() && typeof server.address() === 'object' ? (server.address() as { port: number }).port : cfg.metricsAddr.port}` }, 'starting');
if (elector) {
  log.info({ lease: `${cfg.leaderElectionNamespace}/${cfg.leaderElectionId}` }, 'waiting for the leader lease');
  if (!(await elector.acquire(stop.signal))) process.exit(0);
  void elector.holdUntilLost(stop.signal).then((outcome) => {
    if (outcome !== 'lost') return;
    log.error('lost the leader lease; exiting so that only the new leader acts');
    process.exit(1);
  });
}
leading = true;
metrics.leader.set(1);
log.info('leading: starting informers');
for (const i of informers) i.start();
await Promise.all(informers.map((i) => i.waitForSync()));
synced = true;
controller.start();
for (const c of dumpWork.controllers) c.start();
log.info('caches synced; reconciling');
