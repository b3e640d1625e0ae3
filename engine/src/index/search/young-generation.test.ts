import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const NODE = join(import.meta.dirname, '../../../../node_modules/.bin/node');
const CHILD = join(import.meta.dirname, '../test-support/young-survivors.ts');
const SEARCHES = 300;
/**
 * What 300 cold searches may leave in the young generation after a collection. With nothing
 * keeping them, it measures 13-54 KB here (the last search's caches and the harness); each of the
 * three retention paths this guards against (an object literal's getter, a function assigned to a
 * property, a cleared Map) left 380-610 KB, growing with the searches run since the last full
 * collection: every young-generation collection then copied them (5-7 ms every ~1,500 cold
 * searches on debian-63k).
 */
const MAX_SURVIVORS = 192 * 1024;

async function survivors(query: string): Promise<{ young: number; oldGrowth: number }> {
  const { stdout } = await promisify(execFile)(NODE, ['--expose-gc', CHILD, query, String(SEARCHES)]);
  return JSON.parse(stdout) as { young: number; oldGrowth: number };
}

describe('cold searches and the young generation', () => {
  // Two-phase matching with word buckets ('alpha be'), a plain two-word query, and three words.
  it.each(['alpha be', 'alpha beta', 'gamma delta epsilon'])('%s: a search leaves nothing that survives a young-generation collection', async (query) => {
    const { young } = await survivors(query);
    expect(young).toBeLessThan(MAX_SURVIVORS);
  });
});
