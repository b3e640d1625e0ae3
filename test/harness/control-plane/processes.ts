// Starting and stopping the cluster's long-running components as detached process groups.
// Every component is recorded as {pid, startTicks}: the kernel start time guards against
// signalling an unrelated process that later reused the pid.
import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ProcRecord {
  name: string;
  pid: number;
  startTicks: number;
  log: string;
}

/** Start time of a process in clock ticks since boot (field 22 of /proc/<pid>/stat), or null if gone. */
export function procStartTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces; fields after the last ')' are fixed.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const state = rest[0];
    if (state === 'Z' || state === 'X') return null;
    return Number(rest[19]);
  } catch {
    return null;
  }
}

export function isAlive(rec: Pick<ProcRecord, 'pid' | 'startTicks'>): boolean {
  return procStartTicks(rec.pid) === rec.startTicks;
}

export interface StartOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Spawns `cmd args` in its own process group, stdout+stderr appended to `log`, not tied to this process. */
export function startDetached(name: string, cmd: string, args: string[], log: string, opts: StartOptions = {}): ProcRecord {
  const fd = openSync(log, 'a');
  try {
    const child = spawn(cmd, args, {
      detached: true,
      stdio: ['ignore', fd, fd],
      env: opts.env ?? process.env,
      cwd: opts.cwd,
    });
    if (child.pid === undefined) throw new Error(`could not start ${name} (${cmd})`);
    child.unref();
    const startTicks = procStartTicks(child.pid);
    if (startTicks === null) throw new Error(`${name} exited immediately; see ${log}`);
    return { name, pid: child.pid, startTicks, log };
  } finally {
    closeSync(fd);
  }
}

function signalGroup(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig);
  } catch {
    try {
      process.kill(pid, sig);
    } catch {
      /* already gone */
    }
  }
}

/** SIGTERM the process group, wait up to graceMs, then SIGKILL it. Resolves once the leader is gone. */
export async function stopProcess(rec: ProcRecord, graceMs = 10_000): Promise<void> {
  if (!isAlive(rec)) return;
  signalGroup(rec.pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(rec)) return;
    await sleep(100);
  }
  signalGroup(rec.pid, 'SIGKILL');
  for (let i = 0; i < 50 && isAlive(rec); i++) await sleep(100);
}

/** Last lines of a log file, for error messages. */
export function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
