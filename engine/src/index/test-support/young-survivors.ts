/**
 * Child process of young-generation.test.ts (run with --expose-gc): indexes generated documents,
 * runs `searches` cold searches (read caches dropped before each) after a warm-up, then one
 * young-generation collection, and prints the bytes still in the young generation and the
 * growth of the old one. A search's arrays die with it; what survives was kept by something
 * the young-generation collector cannot see is dead.
 */
import v8 from 'node:v8';
import type { Document } from '../../types/document.ts';
import { MemoryIndex } from './memory-index.ts';

const [query = 'alpha be', searchesArg = '300'] = process.argv.slice(2);
const searches = Number(searchesArg);
const gc = (globalThis as { gc?: (options?: { type: 'minor' | 'major' }) => void }).gc;
if (gc === undefined) throw new Error('young-survivors.ts needs node --expose-gc');

// Common words (every document has some) and a deterministic mix, so that a two-word query
// takes the two-phase path with thousands of candidates.
const WORDS = ['alpha', 'beta', 'bert', 'bench', 'berry', 'gamma', 'delta', 'epsilon', 'zeta', 'theta', 'kappa', 'lambda'];
let seed = 7;
const random = (): number => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};
const documents: Document[] = [];
for (let i = 0; i < 20_000; i++) {
  const words = Array.from({ length: 6 }, () => WORDS[Math.floor(random() * WORDS.length)]!);
  documents.push({ id: i, title: words.slice(0, 2).join(' '), body: words.slice(2).join(' ') });
}
const index = new MemoryIndex(documents);
const search = (): void => {
  index.core.dropReadCaches();
  index.core.search({ q: query, limit: 20 }, index);
};
for (let i = 0; i < 500; i++) search();

const used = (space: string): number => v8.getHeapSpaceStatistics().find((s) => s.space_name === space)!.space_used_size;
gc({ type: 'minor' });
gc({ type: 'minor' });
const oldBefore = used('old_space');
for (let i = 0; i < searches; i++) search();
gc({ type: 'minor' });
process.stdout.write(JSON.stringify({ young: used('new_space'), oldGrowth: used('old_space') - oldBefore }));
