import fc from 'fast-check';
import type { SearchParams } from '../types.ts';

/** A prefix (1 character up to the whole word) of one of `words`: what a user types so far. */
export function prefixOf(words: readonly string[]): fc.Arbitrary<string> {
  return fc.constantFrom(...words).chain((w) => fc.integer({ min: 1, max: w.length }).map((k) => w.slice(0, k)));
}

/**
 * Search params for property tests: `minWords`..`maxWords` query words (a trailing space makes
 * the last one not a prefix), any matching strategy, an offset up to `maxOffset`, a limit, and
 * `extra` params (scores, filters, sort...).
 */
export function searchParamsOf(
  word: fc.Arbitrary<string>,
  options: { minWords?: number; maxWords: number; maxOffset: number; limit: fc.Arbitrary<number>; extra: fc.Arbitrary<SearchParams> },
): fc.Arbitrary<SearchParams> {
  return fc
    .record({
      words: fc.array(word, { minLength: options.minWords ?? 1, maxLength: options.maxWords }),
      space: fc.boolean(),
      strategy: fc.constantFrom<Array<SearchParams['matchingStrategy']>>(undefined, 'last', 'all', 'frequency'),
      offset: fc.integer({ min: 0, max: options.maxOffset }),
      limit: options.limit,
      extra: options.extra,
    })
    .map(({ words, space, strategy, offset, limit, extra }) => ({
      q: words.join(' ') + (space ? ' ' : ''),
      offset,
      limit,
      ...(strategy === undefined ? {} : { matchingStrategy: strategy }),
      ...extra,
    }));
}
