import fc from 'fast-check';

/** A prefix (1 character up to the whole word) of one of `words`: what a user types so far. */
export function prefixOf(words: readonly string[]): fc.Arbitrary<string> {
  return fc.constantFrom(...words).chain((w) => fc.integer({ min: 1, max: w.length }).map((k) => w.slice(0, k)));
}
