/**
 * SIGKILL at random moments never leaves a visible `<uid>.dump` that is not whole. A child
 * process writes 50k-document dumps back to back and is killed 24 times after a random delay;
 * after each kill every `*.dump` in the directory must open and read whole, and
 * removeDumpLeftovers must remove exactly what is not a whole dump.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDump } from './reader.ts';
import { removeDumpLeftovers } from './writer.ts';

const NODE = join(import.meta.dirname, '../../../node_modules/.bin/node');
const CHILD = join(import.meta.dirname, 'test-support/child.ts');
const DOCUMENTS = 50_000;
const KILLS = 24;
const WHOLE = /^\d{8}-\d{9}\.dump$/;

let dir: string;
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'dump-kill-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

async function readWhole(path: string): Promise<{ documents: number; payload: number }> {
  const reader = await openDump(path);
  try {
    let documents = 0;
    let payload = 0;
    for await (const _key of reader.keys());
    for await (const task of reader.tasks()) if (task.payload) for await (const _doc of task.payload()) payload += 1;
    for await (const index of reader.indexes()) for await (const _doc of index.documents()) documents += 1;
    return { documents, payload };
  } finally {
    await reader.close();
  }
}

describe('a writer killed with SIGKILL', () => {
  it(`never leaves a partial .dump (${KILLS} kills at random moments)`, async () => {
    const verified = new Map<string, number>();
    const delays: number[] = [];
    let killsLeavingLeftovers = 0;
    const leftoverKinds = { sectionDirectory: 0, archiveBeingPacked: 0 };
    for (let round = 0; round < KILLS; round++) {
      const child = spawn(NODE, [CHILD, 'loop', dir, String(DOCUMENTS)], { stdio: 'ignore' });
      const exited = once(child, 'exit');
      const delay = Math.round(150 + Math.random() * 1100);
      delays.push(delay);
      await sleep(delay);
      child.kill('SIGKILL');
      await exited;

      const names = await readdir(dir);
      const leftovers = names.filter((name) => !WHOLE.test(name));
      if (leftovers.length > 0) killsLeavingLeftovers += 1;
      if (leftovers.some((name) => name.startsWith('.tmp-'))) leftoverKinds.sectionDirectory += 1;
      if (leftovers.some((name) => name.endsWith('.dump.tmp'))) leftoverKinds.archiveBeingPacked += 1;
      for (const name of names.filter((n) => WHOLE.test(n))) {
        const path = join(dir, name);
        const size = (await stat(path)).size;
        if (verified.has(name)) {
          expect(size, `${name} changed after it was published`).toBe(verified.get(name));
          continue;
        }
        expect(await readWhole(path), `${name} (round ${round}, delays ${delays.join(',')})`).toEqual({ documents: DOCUMENTS, payload: 100 });
        verified.set(name, size);
      }
      const removed = await removeDumpLeftovers(dir);
      expect(removed.sort()).toEqual(leftovers.map((name) => join(dir, name)).sort());
      expect((await readdir(dir)).every((name) => WHOLE.test(name))).toBe(true);
    }
    console.log(`kill test: ${KILLS} kills, ${killsLeavingLeftovers} mid-write (temp dir ${leftoverKinds.sectionDirectory}, `
      + `archive being packed ${leftoverKinds.archiveBeingPacked}), ${verified.size} whole dumps verified`);
    // The kills did land while dumps were being written, and some dumps did complete.
    expect(killsLeavingLeftovers).toBeGreaterThan(0);
    expect(verified.size).toBeGreaterThan(0);
  }, 300_000);
});
