import { countSet, intersectInPlace, setToArray, copySet, type DocSet } from '../doc-set.ts';
import type { WordMatches } from './match-data.ts';
import type { ScratchArrays } from './scratch.ts';

/**
 * The matching strategy decides which documents are candidates and, for each, which query
 * words are "active" (the words the ranking rules look at), as Meilisearch's query-graph
 * reductions do:
 *   last       drop words from the end: a document matching the first k words (k >= 1) is
 *              ranked on those k words; documents not matching the first word are out;
 *   all        every word must match;
 *   frequency  drop the most frequent words first; the rarest word must match.
 */
export type MatchingStrategy = 'last' | 'all' | 'frequency';

export interface Candidates {
  docs: Uint32Array;
  activeMask: Uint32Array;
  activeCount: Uint8Array;
}

function popcount(v: number): number {
  let n = 0;
  while (v !== 0) {
    v &= v - 1;
    n++;
  }
  return n;
}

export function selectCandidates(matches: WordMatches[], strategy: MatchingStrategy, capacity: number, scratch?: ScratchArrays): Candidates {
  const n = matches.length;
  const activeMask = scratch?.take(Uint32Array) ?? new Uint32Array(capacity);
  const activeCount = scratch?.take(Uint8Array) ?? new Uint8Array(capacity);
  const full = n >= 32 ? 0xffffffff : (1 << n) - 1;
  if (n === 0) return { docs: new Uint32Array(0), activeMask, activeCount };

  if (strategy === 'all') {
    const set: DocSet = copySet(matches[0]!.docs);
    for (let i = 1; i < n; i++) intersectInPlace(set, matches[i]!.docs);
    const docs = setToArray(set);
    for (let k = 0; k < docs.length; k++) {
      activeMask[docs[k]!] = full;
      activeCount[docs[k]!] = n;
    }
    return { docs, activeMask, activeCount };
  }

  // Removal order: from the end for `last`; by descending frequency for `frequency` (ties: the
  // later word goes first, like `last`).
  const order = Array.from({ length: n }, (_, i) => n - 1 - i);
  if (strategy === 'frequency') order.sort((a, b) => matches[b]!.count - matches[a]!.count || b - a);
  const kept = order[n - 1]!; // the word that is never removed
  const docs = setToArray(matches[kept]!.docs);
  if (n === 1) {
    for (let k = 0; k < docs.length; k++) {
      activeMask[docs[k]!] = 1;
      activeCount[docs[k]!] = 1;
    }
    return { docs, activeMask, activeCount };
  }
  for (let k = 0; k < docs.length; k++) {
    const d = docs[k]!;
    // Remove words in order until every remaining word matches the document.
    let mask = full;
    for (let r = 0; r < n - 1; r++) {
      if (allMatch(matches, mask, d)) break;
      mask &= ~(1 << order[r]!);
    }
    activeMask[d] = mask;
    activeCount[d] = popcount(mask);
  }
  return { docs, activeMask, activeCount };
}

function allMatch(matches: WordMatches[], mask: number, d: number): boolean {
  const word = d >>> 5;
  const bit = 1 << (d & 31);
  let m = mask;
  while (m !== 0) {
    const i = 31 - Math.clz32(m & -m);
    m &= m - 1;
    if ((matches[i]!.docs[word]! & bit) === 0) return false;
  }
  return true;
}

export { countSet };
