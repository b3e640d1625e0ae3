import { withDistanceRows, type DistanceRows } from './edit-rows.ts';

/**
 * The strings of a sorted list that are within a few edits of some prefix of one word: the
 * reverse of a prefix-mode typo walk, where the list holds the queries and the word is a
 * document's. A write asks it which prepared one-word queries a new or changed word may now
 * match, among tens of thousands of them, without computing each query's rows.
 *
 * The list is walked as the trie it spells (sorted order keeps every prefix's strings together),
 * with the edit rows of the trie walks (edit-rows.ts, the word in the query's place): a row per
 * character of the string, shared by the strings that start alike. A row past the bound ends its
 * whole block (a longer string is never closer), which is found by binary search.
 */

/**
 * Calls `visit(index, distance)` for each string of `sorted` (in code-unit order) whose distance
 * to the closest prefix of `word` (the empty one included) is at most `bound`, in list order;
 * only those from `start` to `end` (excluded) when given.
 */
export function forEachNearPrefix(
  sorted: readonly string[],
  word: string,
  bound: number,
  visit: (index: number, distance: number) => void,
  [start, end]: readonly [number, number] = [0, sorted.length],
): void {
  withDistanceRows(word, bound, (rows) => walkNearPrefixes(rows, sorted, visit, start, end));
}

function walkNearPrefixes(rows: DistanceRows, sorted: readonly string[], visit: (index: number, distance: number) => void, start: number, end: number): void {
  const bound = rows.max;
  // Rows 1..depth are those of the first `depth` code units of `previous`.
  let previous = '';
  let depth = 0;
  for (let i = start; i < end; i++) {
    const s = sorted[i]!;
    rows.reserve(s.length);
    let k = Math.min(depth, sharedLength(previous, s));
    let ended = false;
    while (k < s.length) {
      k++;
      if (rows.push(k, s.charCodeAt(k - 1)) > bound) {
        ended = true;
        break;
      }
    }
    previous = s;
    if (ended) {
      // Every string starting with s's first k units is farther than the bound.
      depth = k - 1;
      i = Math.min(end, blockEnd(sorted, i + 1, s.slice(0, k))) - 1;
      continue;
    }
    depth = k;
    visit(i, rows.closest(k));
  }
}

function sharedLength(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/** The index after the block of strings that start with `prefix`, the block starting at `from`. */
function blockEnd(sorted: readonly string[], from: number, prefix: string): number {
  let lo = from;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]!.startsWith(prefix)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Where the strings of `sorted` (in code-unit order) that start with `prefix` are: [start, end). */
export function prefixBlock(sorted: readonly string[], prefix: string): [start: number, end: number] {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < prefix) lo = mid + 1;
    else hi = mid;
  }
  return [lo, blockEnd(sorted, lo, prefix)];
}
