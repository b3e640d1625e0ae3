// Writes an admin kubeconfig with the certificates inlined (base64), so it can be copied anywhere.
import { readFileSync, writeFileSync } from 'node:fs';
import type { Pki } from './certs.ts';

export function writeKubeconfig(file: string, server: string, pki: Pki): void {
  const b64 = (f: string) => readFileSync(f).toString('base64');
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'searchkube-test', cluster: { server, 'certificate-authority-data': b64(pki.caCert) } }],
    users: [
      {
        name: 'searchkube-admin',
        user: { 'client-certificate-data': b64(pki.adminCert), 'client-key-data': b64(pki.adminKey) },
      },
    ],
    contexts: [{ name: 'searchkube-test', context: { cluster: 'searchkube-test', user: 'searchkube-admin' } }],
    'current-context': 'searchkube-test',
  };
  // JSON is valid YAML, and every kubeconfig reader accepts it.
  writeFileSync(file, JSON.stringify(doc, null, 2) + '\n', { mode: 0o600 });
}
