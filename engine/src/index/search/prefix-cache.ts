import { countSet, intersectInPlace, type DocSet } from '../doc-set.ts';
import type { WordMatches } from './match-data.ts';
import type { Derivation } from './query-terms.ts';

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

/** Number of query words whose derivations are kept. */
export const DERIVATION_CACHE_SIZE = 256;

export class PrefixCache {
  readonly #entries = new Map<string, WordMatches>();
  readonly #derivations = new Map<string, Derivation[]>();
  #epoch = -1;

  #sync(epoch: number): void {
    if (epoch === this.#epoch) return;
    this.#entries.clear();
    this.#derivations.clear();
    this.#epoch = epoch;
  }

  /** Derivations of a query word (prefix extensions and typos cost a dictionary walk). */
  derivations(key: string, epoch: number, compute: () => Derivation[]): Derivation[] {
    this.#sync(epoch);
    let hit = this.#derivations.get(key);
    if (hit === undefined) {
      hit = compute();
      this.#derivations.set(key, hit);
      if (this.#derivations.size > DERIVATION_CACHE_SIZE) this.#derivations.delete(this.#derivations.keys().next().value!);
    }
    return hit;
  }

  /** The cached matches of `key` if the index has not changed since (`epoch`). */
  get(key: string, epoch: number): WordMatches | undefined {
    this.#sync(epoch);
    const hit = this.#entries.get(key);
    if (hit !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, hit);
    }
    return hit;
  }

  set(key: string, epoch: number, matches: WordMatches): void {
    this.#sync(epoch);
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
