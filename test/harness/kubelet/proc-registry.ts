// Pid files for container process groups, so leftovers can be killed if the kubelet itself dies
// (by cluster:down, by the next kubelet start, or by the test teardown).
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAlive, procStartTicks } from '../control-plane/processes.ts';
import { kubeletDirs } from './config.ts';

interface Entry {
  pid: number;
  startTicks: number;
}

export class ProcRegistry {
  readonly #dir: string;
  constructor(dir: string) {
    this.#dir = dir;
    mkdirSync(dir, { recursive: true });
  }

  add(key: string, pid: number): void {
    const startTicks = procStartTicks(pid);
    if (startTicks === null) return;
    writeFileSync(path.join(this.#dir, `${key}.json`), JSON.stringify({ pid, startTicks } satisfies Entry));
  }

  remove(key: string): void {
    rmSync(path.join(this.#dir, `${key}.json`), { force: true });
  }
}

/** Kills every recorded container process group that is still alive; returns how many were. */
export async function killRecordedContainers(stateDir: string): Promise<number> {
  const dir = kubeletDirs(stateDir).procsDir;
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  } catch {
    return 0;
  }
  const alive: Entry[] = [];
  for (const f of files) {
    try {
      const e = JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as Entry;
      if (isAlive(e)) alive.push(e);
    } catch {
      /* half-written file: ignore */
    }
    rmSync(path.join(dir, f), { force: true });
  }
  const signal = (e: Entry, sig: NodeJS.Signals) => {
    try {
      process.kill(-e.pid, sig);
    } catch {
      /* gone */
    }
  };
  alive.forEach((e) => signal(e, 'SIGTERM'));
  for (let i = 0; i < 30 && alive.some(isAlive); i++) await sleep(100);
  alive.filter(isAlive).forEach((e) => signal(e, 'SIGKILL'));
  return alive.length;
}
