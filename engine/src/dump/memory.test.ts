/**
 * Memory stays flat however many documents: 200k generated documents are written to a dump and
 * read back in a child process whose V8 heap is capped at 32 MB (holding those documents at
 * once takes ~86 MB and dies under that cap), and its RSS growth stays under 150 MB.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const NODE = join(import.meta.dirname, '../../../node_modules/.bin/node');
const CHILD = join(import.meta.dirname, 'test-support/child.ts');
const DOCUMENTS = 200_000;

let dir: string;
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'dump-memory-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe('memory', () => {
  it(`writes and reads back ${DOCUMENTS} documents in a 32 MB heap, RSS growth < 150 MB`, async () => {
    const { stdout } = await promisify(execFile)(NODE, ['--max-old-space-size=32', CHILD, 'measure', dir, String(DOCUMENTS)], { maxBuffer: 1 << 20 });
    const measured = JSON.parse(stdout.trim()) as Record<string, number>;
    console.log('dump memory/timing (200k docs):', measured);
    expect(measured.read).toBe(DOCUMENTS);
    expect(measured.maxRssMb! - measured.baselineRssMb!).toBeLessThan(150);
  }, 180_000);
});
