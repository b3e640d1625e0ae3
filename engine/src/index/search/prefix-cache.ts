import { countSet, intersectInPlace, type DocSet } from '../doc-set.ts';
import type { WordMatches } from './match-data.ts';

/**
 * Match data of short, very common prefixes ("t", "li"...), computed over every live document
 * and kept until the next write or settings change. Typing the first letters of a query
 * otherwise walks the postings of up to 1000 prefix extensions on every keystroke; Meilisearch
 * keeps prefix document sets at indexing time for the same reason.
 */

/** Prefix words with more derivations than `minDerivations` (100) are worth caching; tests lower it. */
export const prefixCachePolicy = { minDerivations: 100 };
/** Number of prefixes kept (least recently used dropped first). */
export const PREFIX_CACHE_SIZE = 16;

export class PrefixCache {
  readonly #entries = new Map<string, WordMatches>();
  #epoch = -1;

  /** The cached matches of `key` if the index has not changed since (`epoch`). */
  get(key: string, epoch: number): WordMatches | undefined {
    if (epoch !== this.#epoch) {
      this.#entries.clear();
      this.#epoch = epoch;
      return undefined;
    }
    const hit = this.#entries.get(key);
    if (hit !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, hit);
    }
    return hit;
  }

  set(key: string, epoch: number, matches: WordMatches): void {
    if (epoch !== this.#epoch) {
      this.#entries.clear();
      this.#epoch = epoch;
    }
    this.#entries.set(key, matches);
    if (this.#entries.size > PREFIX_CACHE_SIZE) this.#entries.delete(this.#entries.keys().next().value!);
  }
}

/** Cached matches seen through `candidates`: shared per-document arrays, own document set. */
export function restrict(matches: WordMatches, candidates: DocSet, everything: boolean): WordMatches {
  if (everything) return matches;
  const docs = intersectInPlace(matches.docs.slice(), candidates);
  return { ...matches, docs, count: countSet(docs) };
}
