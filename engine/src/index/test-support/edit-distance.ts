/**
 * The optimal string alignment table of `a` against `b`, written the obvious way: cell [i][j] is
 * the distance between a's first i characters and b's first j.
 */
function distanceTable(a: string, b: string): number[][] {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d;
}

/** Optimal string alignment distance (reference for the tree). */
export function naiveDistance(a: string, b: string): number {
  return distanceTable(a, b)[a.length]![b.length]!;
}

/**
 * The distance between `query` and each prefix of `key`, by length (0 to key.length): row k of
 * the table depends on key's first k characters only, so its last column is that prefix's
 * distance. (One table instead of one per prefix: edit-rows' properties took over a minute.)
 */
export function naivePrefixDistances(key: string, query: string): number[] {
  const table = distanceTable(key, query);
  return table.map((row) => row[query.length]!);
}

/** The smallest distance between `query` and a prefix of `key` (the empty one included). */
export function naivePrefixDistance(query: string, key: string): number {
  return Math.min(...naivePrefixDistances(key, query));
}
