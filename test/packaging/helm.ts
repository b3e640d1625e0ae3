// The helm binary the harness builds (test/harness/build-binaries.sh), and the chart rendered
// through it. Tests that need helm fail, with how to build it, when it is missing: never skipped.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments, parse } from 'yaml';
import { binDir } from '../harness/control-plane/binaries.ts';
import { repoRoot } from '../harness/control-plane/paths.ts';

export const chartDir = path.join(repoRoot, 'charts', 'searchkube-operator');

export function helmBinary(): string {
  const helm = path.join(binDir(), 'helm');
  if (!existsSync(helm)) {
    throw new Error(`helm is missing at ${helm}. Build it with: npm run k8s:binaries (test/harness/build-binaries.sh builds helm v3.22 with the control plane)`);
  }
  return helm;
}

export interface HelmResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs helm; never throws on a non-zero exit (callers assert on it). */
export function runHelm(args: string[], opts: { kubeconfig?: string; timeoutMs?: number } = {}): HelmResult {
  const env: NodeJS.ProcessEnv = { ...process.env, HELM_CACHE_HOME: path.join(repoRoot, '.cache', 'helm', 'cache'), HELM_CONFIG_HOME: path.join(repoRoot, '.cache', 'helm', 'config'), HELM_DATA_HOME: path.join(repoRoot, '.cache', 'helm', 'data') };
  if (opts.kubeconfig) env.KUBECONFIG = opts.kubeconfig;
  const r = spawnSync(helmBinary(), args, { encoding: 'utf8', env, timeout: opts.timeoutMs ?? 120_000 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Throws with helm's output when it fails. */
export function helm(args: string[], opts: { kubeconfig?: string; timeoutMs?: number } = {}): string {
  const r = runHelm(args, opts);
  if (r.status !== 0) throw new Error(`helm ${args.join(' ')} failed (${r.status}):\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [key: string]: unknown;
}

/** `helm template` of the chart with --set-json values; the rendered objects. */
export function renderChart(setJson: Record<string, unknown> = {}, o: { release?: string; namespace?: string } = {}): K8sObject[] {
  const args = ['template', o.release ?? 'sk', chartDir, '--namespace', o.namespace ?? 'searchkube-system'];
  for (const [k, v] of Object.entries(setJson)) args.push('--set-json', `${k}=${JSON.stringify(v)}`);
  const out = helm(args);
  return parseAllDocuments(out).map((d) => d.toJSON() as K8sObject | null).filter((d): d is K8sObject => !!d);
}

export function chartMeta(): { version: string; appVersion: string; name: string } {
  return parse(readFileSync(path.join(chartDir, 'Chart.yaml'), 'utf8'));
}
