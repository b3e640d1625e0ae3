// Flags and environment -> one typed config, validated once. Flags win over env vars.
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { EngineAccess } from './engine-client/client.ts';
import { DEFAULT_REQUEST_TIMEOUT_MS } from './kube/transport.ts';

export interface OperatorConfig {
  /** Path of a kubeconfig file; undefined: in-cluster service account, else ~/.kube/config. */
  kubeconfig: string | undefined;
  /** Namespaces to watch; empty = all. */
  namespaces: string[];
  leaderElect: boolean;
  leaderElectionNamespace: string;
  leaderElectionId: string;
  identity: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  /** Deadline of one Kubernetes API request (a watch: until the apiserver accepts it). */
  requestTimeoutMs: number;
  metricsAddr: { host: string; port: number };
  engineAccess: EngineAccess;
  resyncMs: number;
  statsIntervalMs: number;
  workers: number;
  logLevel: string;
}

export class ConfigError extends Error {}

const FLAGS: Record<string, string> = {
  kubeconfig: 'KUBECONFIG',
  namespaces: 'SEARCHKUBE_NAMESPACES',
  'leader-elect': 'SEARCHKUBE_LEADER_ELECT',
  'leader-election-namespace': 'POD_NAMESPACE',
  'leader-election-id': 'SEARCHKUBE_LEADER_ELECTION_ID',
  'lease-duration': 'SEARCHKUBE_LEASE_DURATION',
  'renew-deadline': 'SEARCHKUBE_RENEW_DEADLINE',
  'retry-period': 'SEARCHKUBE_RETRY_PERIOD',
  'request-timeout': 'SEARCHKUBE_REQUEST_TIMEOUT',
  'metrics-addr': 'SEARCHKUBE_METRICS_ADDR',
  'engine-access': 'SEARCHKUBE_ENGINE_ACCESS',
  'resync-period': 'SEARCHKUBE_RESYNC_PERIOD',
  'stats-interval': 'SEARCHKUBE_STATS_INTERVAL',
  workers: 'SEARCHKUBE_WORKERS',
  'log-level': 'SEARCHKUBE_LOG_LEVEL',
};

export const USAGE = `searchkube operator
  --kubeconfig PATH                 (KUBECONFIG) default: in-cluster, else ~/.kube/config
  --namespaces a,b                  (SEARCHKUBE_NAMESPACES) namespaces to watch; default all
  --leader-elect true|false         (SEARCHKUBE_LEADER_ELECT) default true
  --leader-election-namespace NS    (POD_NAMESPACE) default "default"
  --leader-election-id NAME         Lease name, default searchkube-operator
  --lease-duration S --renew-deadline S --retry-period S   default 15, 10, 2 seconds
  --request-timeout S               (SEARCHKUBE_REQUEST_TIMEOUT) deadline of one API request; default 30
  --metrics-addr HOST:PORT          (SEARCHKUBE_METRICS_ADDR) /metrics /healthz /readyz; default 0.0.0.0:8080
  --engine-access service|pod-ip    (SEARCHKUBE_ENGINE_ACCESS) how engines are reached; default
                                    pod-ip out of a cluster (or with KUBECONFIG set), service inside
  --resync-period S                 full relist of every watch; default 600
  --stats-interval S                refresh of a Ready instance's stats; default 60
  --workers N                       concurrent reconciles (different instances); default 4
  --log-level LEVEL                 default info`;

function parseFlags(argv: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') throw new ConfigError(USAGE);
    if (!a.startsWith('--')) throw new ConfigError(`unexpected argument ${a}\n${USAGE}`);
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    if (!(name in FLAGS)) throw new ConfigError(`unknown flag --${name}\n${USAGE}`);
    const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new ConfigError(`--${name} needs a value`);
    out.set(name, value);
  }
  return out;
}

function seconds(name: string, v: string | undefined, dflt: number): number {
  if (v === undefined || v === '') return dflt * 1000;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new ConfigError(`--${name} must be a positive number of seconds, got ${v}`);
  return Math.round(n * 1000);
}

export function loadConfig(argv: string[], env: NodeJS.ProcessEnv): OperatorConfig {
  const flags = parseFlags(argv);
  const get = (name: string): string | undefined => flags.get(name) ?? (env[FLAGS[name]!] || undefined);
  const kubeconfig = get('kubeconfig');
  const inCluster = !!env.KUBERNETES_SERVICE_HOST;
  const access = get('engine-access') ?? (inCluster && !kubeconfig ? 'service' : 'pod-ip');
  if (access !== 'service' && access !== 'pod-ip') throw new ConfigError(`--engine-access must be service or pod-ip, got ${access}`);
  const le = (get('leader-elect') ?? 'true').toLowerCase();
  if (!['true', 'false'].includes(le)) throw new ConfigError(`--leader-elect must be true or false, got ${le}`);
  const addr = get('metrics-addr') ?? '0.0.0.0:8080';
  const m = /^(.*):(\d+)$/.exec(addr);
  if (!m) throw new ConfigError(`--metrics-addr must be HOST:PORT, got ${addr}`);
  const workers = Number(get('workers') ?? 4);
  if (!Number.isInteger(workers) || workers < 1) throw new ConfigError('--workers must be a positive integer');
  const cfg: OperatorConfig = {
    kubeconfig,
    namespaces: (get('namespaces') ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    leaderElect: le === 'true',
    leaderElectionNamespace: get('leader-election-namespace') ?? 'default',
    leaderElectionId: get('leader-election-id') ?? 'searchkube-operator',
    identity: `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`,
    leaseDurationMs: seconds('lease-duration', get('lease-duration'), 15),
    renewDeadlineMs: seconds('renew-deadline', get('renew-deadline'), 10),
    retryPeriodMs: seconds('retry-period', get('retry-period'), 2),
    requestTimeoutMs: seconds('request-timeout', get('request-timeout'), DEFAULT_REQUEST_TIMEOUT_MS / 1000),
    metricsAddr: { host: m[1] || '0.0.0.0', port: Number(m[2]) },
    engineAccess: access,
    resyncMs: seconds('resync-period', get('resync-period'), 600),
    statsIntervalMs: seconds('stats-interval', get('stats-interval'), 60),
    workers,
    logLevel: get('log-level') ?? 'info',
  };
  if (cfg.renewDeadlineMs >= cfg.leaseDurationMs) throw new ConfigError('--renew-deadline must be shorter than --lease-duration');
  return cfg;
}
