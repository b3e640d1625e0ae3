// Image -> local program table. The one place to extend when a new image must run under the
// process kubelet. A mapped image runs `node <program> <container args>`; the container's
// `command` (an entrypoint inside the image) has no local meaning and is ignored.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { harnessDir, nodeBinary, repoRoot } from '../control-plane/paths.ts';

export interface ListenRewrite {
  /** Flag whose value is HOST:PORT; its host is rewritten to the pod IP. */
  flag: string;
  /** Env var with the same meaning (the program's flags win over it). */
  env: string;
  /** Port used when neither the flag nor the env var gives one. */
  defaultPort: number;
}

export interface ImageMapping {
  repository: string;
  /** Program file run with Node 24. */
  program: string;
  listen?: ListenRewrite;
}

export const IMAGE_TABLE: readonly ImageMapping[] = [
  {
    repository: 'searchkube/engine',
    program: path.join(repoRoot, 'engine', 'src', 'main.ts'),
    listen: { flag: '--http-addr', env: 'MEILI_HTTP_ADDR', defaultPort: 7700 },
  },
  {
    repository: 'searchkube/operator',
    program: path.join(repoRoot, 'operator', 'src', 'main.ts'),
    // Its metrics/health server (default 0.0.0.0:8080) moves to the pod IP: two operator pods
    // never fight over one host port, and probes reach it where a kubelet would.
    listen: { flag: '--metrics-addr', env: 'SEARCHKUBE_METRICS_ADDR', defaultPort: 8080 },
  },
  {
    // Test-only program of the harness itself.
    repository: 'searchkube/test-echo',
    program: path.join(harnessDir, 'fixtures', 'echo-server.ts'),
    listen: { flag: '--listen', env: 'ECHO_LISTEN', defaultPort: 8080 },
  },
  {
    // Test-only light stand-in for the engine (/health, /stats): benchmarks with hundreds of instances.
    // The operator takes this name for an upstream image and adds its dumps-agent sidecar (a real
    // engine in --agent mode, ~60 MB private memory per pod).
    repository: 'searchkube/engine-stub',
    program: path.join(harnessDir, 'fixtures', 'engine-stub.mjs'),
    listen: { flag: '--http-addr', env: 'MEILI_HTTP_ADDR', defaultPort: 7700 },
  },
  {
    // The same stub under a name the operator takes for the Searchkube engine behind a registry
    // (`*/searchkube/engine`): one small process per pod, no sidecar. `.invalid` never resolves.
    repository: 'stub.invalid/searchkube/engine',
    program: path.join(harnessDir, 'fixtures', 'engine-stub.mjs'),
    listen: { flag: '--http-addr', env: 'MEILI_HTTP_ADDR', defaultPort: 7700 },
  },
];

export interface ImageRef {
  repository: string;
  tag: string;
}

/** `docker.io/searchkube/engine:0.3.0` -> {repository: 'searchkube/engine', tag: '0.3.0'}. */
export function parseImage(image: string): ImageRef {
  let rest = image.split('@')[0]!;
  rest = rest.replace(/^docker\.io\//, '').replace(/^library\//, '');
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > slash) return { repository: rest.slice(0, colon), tag: rest.slice(colon + 1) };
  return { repository: rest, tag: 'latest' };
}

export type Resolved =
  | { ok: true; mapping: ImageMapping; ref: ImageRef; argv: string[] }
  | { ok: false; reason: string };

export function resolveImage(image: string): Resolved {
  const ref = parseImage(image);
  const mapping = IMAGE_TABLE.find((m) => m.repository === ref.repository);
  if (!mapping) {
    const known = IMAGE_TABLE.map((m) => `${m.repository}:*`).join(', ');
    return { ok: false, reason: `image "${image}" has no local program in the process kubelet (known: ${known})` };
  }
  // Test-only failing versions: searchkube/engine:<version>-broken cannot import a dump (upgrade tests).
  const program = ref.repository === 'searchkube/engine' && ref.tag.endsWith('-broken') ? path.join(harnessDir, 'fixtures', 'broken-engine.ts') : mapping.program;
  if (!existsSync(program)) {
    return { ok: false, reason: `image "${image}" maps to ${program}, which does not exist in this checkout` };
  }
  return { ok: true, mapping: { ...mapping, program }, ref, argv: [nodeBinary(), program] };
}
