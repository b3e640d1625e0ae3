// Turns a container spec into the local process to run: program from the image table, env,
// args with $(VAR) expansion, mount paths rewritten to local dirs, listen address set to the pod IP.
import { existsSync, mkdirSync } from 'node:fs';
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import { buildEnv, expandVars, type EnvSources } from './env.ts';
import type { ImageMapping, ListenRewrite } from './images.ts';
import { rewritePaths, type Mount } from './mount-paths.ts';
import { SA_MOUNT_PATH, writeServiceAccountKubeconfig } from './volumes.ts';
import type { LaunchSpec } from './container-runner.ts';
import path from 'node:path';

export interface LaunchInput {
  pod: V1Pod;
  container: V1Container;
  mapping: ImageMapping;
  programArgv: string[];
  tag: string;
  podIP: string;
  podDir: string;
  mounts: Mount[];
  apiServer: URL;
  sources: EnvSources;
}

function withHost(value: string, podIP: string, defaultPort: number): string {
  const m = /:(\d+)$/.exec(value);
  return `${podIP}:${m ? m[1] : defaultPort}`;
}

/**
 * Makes the program listen on the pod IP: rewrites the host of `flag HOST:PORT` / `flag=HOST:PORT`
 * in args and of the env var, keeping the port; sets the env var when neither is given.
 */
export function rewriteListen(args: string[], env: Record<string, string>, listen: ListenRewrite, podIP: string): { args: string[]; env: Record<string, string> } {
  const out = [...args];
  let found = false;
  for (let i = 0; i < out.length; i++) {
    const a = out[i]!;
    if (a === listen.flag && i + 1 < out.length) {
      out[i + 1] = withHost(out[i + 1]!, podIP, listen.defaultPort);
      found = true;
      i++;
    } else if (a.startsWith(`${listen.flag}=`)) {
      out[i] = `${listen.flag}=${withHost(a.slice(listen.flag.length + 1), podIP, listen.defaultPort)}`;
      found = true;
    }
  }
  const e = { ...env };
  if (e[listen.env] !== undefined) e[listen.env] = withHost(e[listen.env]!, podIP, listen.defaultPort);
  else if (!found) e[listen.env] = `${podIP}:${listen.defaultPort}`;
  return { args: out, env: e };
}

export async function buildLaunch(input: LaunchInput): Promise<LaunchSpec> {
  const { pod, container, podIP, mounts } = input;
  const userEnv = await buildEnv(pod, container, input.sources);
  const rewrite = (s: string) => rewritePaths(s, mounts);

  let env: Record<string, string> = {};
  for (const [k, v] of Object.entries(userEnv)) env[k] = rewrite(v);
  let args = (container.args ?? []).map((a) => rewrite(expandVars(a, userEnv)));
  if (input.mapping.listen) ({ args, env } = rewriteListen(args, env, input.mapping.listen, podIP));

  // What a real kubelet/runtime adds, plus what a local process needs to run at all.
  const base: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: process.env.HOME ?? input.podDir,
    HOSTNAME: pod.metadata?.name ?? '',
    KUBERNETES_SERVICE_HOST: input.apiServer.hostname,
    KUBERNETES_SERVICE_PORT: input.apiServer.port || '443',
    POD_IP: podIP,
  };
  env = { ...base, ...env, SEARCHKUBE_IMAGE_TAG: input.tag };
  // Engine images report their tag as their version: two tags of this checkout are two versions.
  if (input.mapping.repository === 'searchkube/engine') env.SEARCHKUBE_ENGINE_VERSION = input.tag;

  // In-cluster credentials: the token volume is a local dir, so point KUBECONFIG at a kubeconfig in it.
  const sa = mounts.find((m) => m.mountPath === SA_MOUNT_PATH);
  if (sa && existsSync(path.join(sa.dir, 'token')) && env.KUBECONFIG === undefined) {
    env.KUBECONFIG = writeServiceAccountKubeconfig(sa.dir, input.apiServer, pod.metadata?.namespace ?? 'default');
  }

  // A workingDir outside every mount lives under the pod dir, never at the real absolute path.
  const wd = container.workingDir;
  const cwd = !wd ? input.podDir : rewrite(wd) !== wd ? rewrite(wd) : path.join(input.podDir, 'rootfs', wd);
  mkdirSync(cwd, { recursive: true });
  return {
    argv: [...input.programArgv, ...args],
    env,
    cwd,
    probe: { podIP, ports: container.ports ?? [], env, cwd },
  };
}
