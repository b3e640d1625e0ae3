// Locates the control-plane binaries built by build-binaries.sh (never builds them here).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { harnessDir } from './paths.ts';

export const REQUIRED_BINARIES = ['etcd', 'kube-apiserver', 'kube-controller-manager'] as const;
export type BinaryName = (typeof REQUIRED_BINARIES)[number] | 'helm';

/** The cache dir the build script writes to (same key), or $SEARCHKUBE_K8S_BIN when set. */
export function binDir(): string {
  const override = process.env.SEARCHKUBE_K8S_BIN;
  if (override) return override;
  const script = path.join(harnessDir, 'build-binaries.sh');
  return execFileSync('bash', [script, '--print-bin-dir'], { encoding: 'utf8' }).trim();
}

/** Returns absolute paths of the required binaries, or throws an error that says how to build them. */
export function requireBinaries(): Record<BinaryName, string> {
  const dir = binDir();
  const missing = REQUIRED_BINARIES.filter((b) => !existsSync(path.join(dir, b)));
  if (missing.length > 0) {
    throw new Error(
      `control-plane binaries missing in ${dir}: ${missing.join(', ')}.\n` +
        `Build them with: npm run k8s:binaries   (needs Go >= 1.26 and the Go module proxy; ` +
        `a cold build takes a long time, see test/harness/README.md)`,
    );
  }
  return {
    etcd: path.join(dir, 'etcd'),
    'kube-apiserver': path.join(dir, 'kube-apiserver'),
    'kube-controller-manager': path.join(dir, 'kube-controller-manager'),
    helm: path.join(dir, 'helm'),
  };
}
