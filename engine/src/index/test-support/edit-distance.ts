/** Optimal string alignment distance, written the obvious way (reference for the tree). */
export function naiveDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** The smallest distance between `query` and a prefix of `key` (the empty one included). */
export function naivePrefixDistance(query: string, key: string): number {
  let best = Infinity;
  for (let k = 0; k <= key.length; k++) best = Math.min(best, naiveDistance(key.slice(0, k), query));
  return best;
}
