// Prometheus metrics of the operator (prom-client), and the observers that feed them.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ControllerObserver } from './kube/controller.ts';
import type { InformerObserver } from './kube/informer.ts';
import type { RequestObserver } from './kube/transport.ts';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface OperatorMetrics {
  registry: Registry;
  controller: ControllerObserver;
  informer: InformerObserver;
  request: RequestObserver;
  leader: Gauge;
}

/** "/apis/apps/v1/namespaces/x/statefulsets/y/status" -> "statefulsets/status": bounded label values. */
export function resourceOfPath(path: string): string {
  const parts = path.split('?')[0]!.split('/').filter(Boolean);
  const start = parts[0] === 'api' ? 2 : 3;
  const rest = parts.slice(start);
  if (rest[0] === 'namespaces' && rest.length > 2) rest.splice(0, 2);
  const sub = rest.length >= 3 ? `/${rest[2]}` : '';
  return `${rest[0] ?? 'unknown'}${sub}`;
}

export function makeMetrics(): OperatorMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'searchkube_operator_' });
  const reconciles = new Counter({ name: 'searchkube_operator_reconcile_total', help: 'Reconciles by controller and result', labelNames: ['controller', 'result'], registers: [registry] });
  const errors = new Counter({ name: 'searchkube_operator_reconcile_errors_total', help: 'Reconciles that failed', labelNames: ['controller'], registers: [registry] });
  const duration = new Histogram({
    name: 'searchkube_operator_reconcile_duration_seconds',
    help: 'Time per reconcile',
    labelNames: ['controller'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const depth = new Gauge({ name: 'searchkube_operator_workqueue_depth', help: 'Keys waiting in the work queue', labelNames: ['controller'], registers: [registry] });
  const requests = new Counter({ name: 'searchkube_operator_api_requests_total', help: 'Kubernetes API requests by verb, resource and status code', labelNames: ['method', 'resource', 'code'], registers: [registry] });
  const writes = new Counter({ name: 'searchkube_operator_api_writes_total', help: 'Kubernetes API requests that change state (POST, PUT, PATCH, DELETE)', labelNames: ['resource'], registers: [registry] });
  const lists = new Counter({ name: 'searchkube_operator_informer_lists_total', help: 'Full lists by informers', labelNames: ['resource'], registers: [registry] });
  const watches = new Gauge({ name: 'searchkube_operator_informer_watches', help: 'Informer watches currently open (accepted by the apiserver)', labelNames: ['resource'], registers: [registry] });
  const watchErrors = new Counter({ name: 'searchkube_operator_watch_errors_total', help: 'Watches ended by an error', labelNames: ['resource', 'gone'], registers: [registry] });
  const leader = new Gauge({ name: 'searchkube_operator_leader', help: '1 while this process holds the leader lease', registers: [registry] });
  return {
    registry,
    leader,
    controller: {
      reconciled(controller, outcome, seconds) {
        reconciles.inc({ controller, result: outcome });
        if (outcome === 'error') errors.inc({ controller });
        duration.observe({ controller }, seconds);
      },
      queueDepth(controller, n) {
        depth.set({ controller }, n);
      },
    },
    informer: {
      listed(type) {
        lists.inc({ resource: type.plural });
      },
      watchError(type, _e, gone) {
        watchErrors.inc({ resource: type.plural, gone: String(gone) });
      },
      watching(type, delta) {
        watches.inc({ resource: type.plural }, delta);
      },
    },
    request(method, path, status) {
      const resource = resourceOfPath(path);
      requests.inc({ method, resource, code: String(status) });
      if (WRITE_METHODS.has(method)) writes.inc({ resource });
    },
  };
}
