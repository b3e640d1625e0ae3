/** Memory and disk readings for benchmarks, from /proc and the file system. */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function rssBytes(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : NaN;
}

/** Samples a process's RSS every `intervalMs` until stopped; returns the peak seen. */
export function sampleRss(pid: number, intervalMs = 20): { stop(): number } {
  let peak = rssBytes(pid);
  const timer = setInterval(() => {
    try { peak = Math.max(peak, rssBytes(pid)); } catch { /* process gone */ }
  }, intervalMs);
  return { stop: () => { clearInterval(timer); return peak; } };
}

export function dirSize(path: string): number {
  return readdirSync(path, { withFileTypes: true }).reduce((total, entry) => {
    const full = join(path, entry.name);
    return total + (entry.isDirectory() ? dirSize(full) : statSync(full).size);
  }, 0);
}

export const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

export function printRows(rows: Array<[string, string]>): void {
  for (const [name, value] of rows) console.log(`${name.padEnd(50)} ${value}`);
}
