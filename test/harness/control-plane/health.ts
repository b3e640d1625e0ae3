// Small HTTP(S) probes used while bringing the control plane up.
import http from 'node:http';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Pki } from './certs.ts';

export interface HttpResult {
  status: number;
  body: string;
}

export function httpGet(url: string, pki?: Pki, timeoutMs = 3000): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const opts: https.RequestOptions = { method: 'GET', timeout: timeoutMs };
    if (pki) {
      opts.ca = readFileSync(pki.caCert);
      opts.cert = readFileSync(pki.adminCert);
      opts.key = readFileSync(pki.adminKey);
    }
    const req = (u.protocol === 'https:' ? https : http).request(u, opts, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * Polls `check` until it returns true. `alive` is consulted between tries so a component that dies
 * during start-up fails fast with its log instead of after the whole timeout.
 */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  opts: { timeoutMs: number; intervalMs?: number; alive?: () => string | null },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  let lastErr = '';
  for (;;) {
    try {
      if (await check()) return;
    } catch (e) {
      lastErr = (e as Error).message;
    }
    const dead = opts.alive?.();
    if (dead) throw new Error(`${what}: ${dead}`);
    if (Date.now() > deadline) throw new Error(`timed out after ${opts.timeoutMs} ms waiting for ${what}${lastErr ? ` (last error: ${lastErr})` : ''}`);
    await sleep(opts.intervalMs ?? 250);
  }
}
