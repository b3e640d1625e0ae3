/**
 * Index uid patterns of API keys and tenant tokens: `*` (every index), `prefix*` (every index
 * whose uid starts with prefix), or an exact uid. Only a single trailing star is a wildcard.
 */

/** ASCII alphanumerics, `-` and `_`, 1 to 400 bytes (Meilisearch `IndexUid`). */
const INDEX_UID = /^[A-Za-z0-9_-]{1,400}$/;

export function isValidIndexUid(uid: string): boolean {
  return INDEX_UID.test(uid);
}

/** What `POST /keys` accepts in `indexes`: `*`, a valid uid, or a valid uid followed by `*`. */
export function isValidIndexPattern(pattern: string): boolean {
  if (pattern === '*') return true;
  return isValidIndexUid(pattern.endsWith('*') ? pattern.slice(0, -1) : pattern);
}

export function patternMatches(pattern: string, indexUid: string): boolean {
  return pattern.endsWith('*') ? indexUid.startsWith(pattern.slice(0, -1)) : pattern === indexUid;
}

export function indexAllowed(patterns: Iterable<string>, indexUid: string): boolean {
  for (const pattern of patterns) if (patternMatches(pattern, indexUid)) return true;
  return false;
}

/**
 * The pattern whose rule applies to an index when several match (tenant-token search rules):
 * an exact uid beats any wildcard, then the longer pattern wins, as in Meilisearch.
 */
export function mostSpecificPattern(patterns: Iterable<string>, indexUid: string): string | undefined {
  let best: string | undefined;
  let bestRank = -1;
  for (const pattern of patterns) {
    if (!patternMatches(pattern, indexUid)) continue;
    const rank = (pattern.endsWith('*') ? 0 : 1_000_000) + pattern.length;
    if (rank > bestRank) {
      best = pattern;
      bestRank = rank;
    }
  }
  return best;
}
