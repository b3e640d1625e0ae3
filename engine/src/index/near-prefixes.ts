/**
 * The strings of a sorted list that are within a few edits of some prefix of one word: the
 * reverse of a prefix-mode typo walk (edit-rows.ts), where the list holds the queries and the word
 * is a document's. A write asks it which prepared one-word queries a new or changed word may now
 * match, among tens of thousands of them, without computing each query's rows.
 *
 * The list is walked as the trie it spells (sorted order keeps every prefix's strings together):
 * a row of distances per character of the string, against every prefix of the word, shared by the
 * strings that start alike. A row whose smallest distance is past the bound ends its whole block
 * (a longer string is never closer), which is found by binary search.
 *
 * Edits are those of the typo rules: insertions, deletions, substitutions and swaps of two
 * adjacent characters, in UTF-16 code units.
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
  const m = word.length;
  // (One more cell: the one beside the band's end.)
  const rows: Int32Array[] = [Int32Array.from({ length: m + 2 }, (_, j) => Math.min(j, bound + 1))];
  // Smallest distance in each row.
  const least: number[] = [0];
  // rows[0..depth] are those of the first `depth` code units of `previous`.
  let previous = '';
  let depth = 0;
  for (let i = start; i < end; i++) {
    const s = sorted[i]!;
    let k = Math.min(depth, sharedLength(previous, s));
    let ended = false;
    while (k < s.length) {
      k++;
      if (nextRow(rows, least, k, s, word, bound) > bound) {
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
    visit(i, least[k]!);
  }
}

/**
 * Computes row `k` (string unit k-1 against each prefix of `word`) and returns its smallest
 * distance, or more than `bound` when it is past it. Only the band of prefixes within `bound`
 * units of k's length is computed (a prefix farther in length is farther in edits); the cells
 * beside the band read as bound + 1.
 */
function nextRow(rows: Int32Array[], least: number[], k: number, s: string, word: string, bound: number): number {
  const m = word.length;
  const lo = Math.max(0, k - bound);
  const hi = Math.min(m, k + bound);
  if (lo > hi) return (least[k] = bound + 1);
  let row = rows[k];
  if (row === undefined) rows[k] = row = new Int32Array(m + 2);
  const above = rows[k - 1]!;
  const twoAbove = k >= 2 ? rows[k - 2]! : null;
  const c = s.charCodeAt(k - 1);
  const before = k >= 2 ? s.charCodeAt(k - 2) : -1;
  const outside = bound + 1;
  if (lo > 0) row[lo - 1] = outside;
  row[hi + 1] = outside;
  let smallest = outside;
  for (let j = lo; j <= hi; j++) {
    let d: number;
    if (j === 0) d = k;
    else {
      const w = word.charCodeAt(j - 1);
      d = Math.min(above[j]! + 1, row[j - 1]! + 1, above[j - 1]! + (c === w ? 0 : 1));
      if (twoAbove !== null && j >= 2 && c === word.charCodeAt(j - 2) && before === w && c !== w) d = Math.min(d, twoAbove[j - 2]! + 1);
    }
    row[j] = d;
    if (d < smallest) smallest = d;
  }
  least[k] = smallest;
  return smallest;
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
