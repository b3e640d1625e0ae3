// The dumps-agent sidecar. The operator manages dump files (list, size, delete) through the
// engine's extension routes; an upstream Meilisearch image has no such routes, so its pod gets
// the Searchkube engine in --agent mode next to it: it serves only those routes, over the same
// dumps volume, on its own port, with the same master key.
import type { V1Container } from '@kubernetes/client-node';
import { INSTANCE_DEFAULTS, type SearchInstance } from '../api/search-instance.ts';
import { OPERATOR_VERSION } from '../version.ts';
import { ENGINE_PORT } from './names.ts';

export const DUMPS_AGENT_CONTAINER = 'dumps-agent';
export const DUMPS_AGENT_PORT = 7701;

/** searchkube/engine, also behind a registry prefix (registry.example.com/searchkube/engine). */
export function isSearchkubeEngine(repository: string): boolean {
  const ours = INSTANCE_DEFAULTS.repository;
  return repository === ours || repository.endsWith(`/${ours}`);
}

/** True when the instance's engine lacks the dump-file routes and needs the sidecar. */
export function needsDumpsAgent(si: SearchInstance): boolean {
  return !isSearchkubeEngine(si.spec.image?.repository ?? INSTANCE_DEFAULTS.repository);
}

/** The port serving the dump-file routes of this instance's pod. */
export function dumpFilesPort(si: SearchInstance): number {
  return needsDumpsAgent(si) ? DUMPS_AGENT_PORT : ENGINE_PORT;
}

export function buildDumpsAgentContainer(si: SearchInstance, masterKey: { name: string; key: string }, engine: V1Container): V1Container {
  // The engine's --db-path: the agent also lists and removes the other versions' database
  // directories beside it (upgrades), never that one.
  const args = engine.args ?? [];
  const dbPath = args[args.indexOf('--db-path') + 1];
  return {
    name: DUMPS_AGENT_CONTAINER,
    image: `${INSTANCE_DEFAULTS.repository}:${OPERATOR_VERSION}`,
    imagePullPolicy: si.spec.image?.pullPolicy ?? INSTANCE_DEFAULTS.pullPolicy,
    args: ['--agent', '--dump-dir', '/dumps', '--http-addr', `0.0.0.0:${DUMPS_AGENT_PORT}`, ...(dbPath ? ['--db-path', dbPath] : [])],
    env: [
      { name: 'MEILI_ENV', value: 'production' },
      { name: 'MEILI_MASTER_KEY', valueFrom: { secretKeyRef: { name: masterKey.name, key: masterKey.key } } },
      { name: 'TMPDIR', value: '/tmp' },
    ],
    ports: [{ name: 'dumps-agent', containerPort: DUMPS_AGENT_PORT, protocol: 'TCP' }],
    readinessProbe: { httpGet: { path: '/health', port: 'dumps-agent' }, periodSeconds: 5, failureThreshold: 3, timeoutSeconds: 5 },
    resources: { requests: { cpu: '10m', memory: '64Mi' } },
    // Same user and restrictions as the engine: it writes (deletes) in the same volume.
    ...(engine.securityContext ? { securityContext: engine.securityContext } : {}),
    volumeMounts: [
      { name: 'dumps', mountPath: '/dumps' },
      { name: 'tmp', mountPath: '/tmp' },
      ...(dbPath ? [{ name: 'data', mountPath: '/data' }] : []),
    ],
  };
}
