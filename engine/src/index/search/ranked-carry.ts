import { hasDoc, removeDoc, type DocSet } from '../doc-set.ts';
import type { PhraseAlternative, QueryWord } from './query-terms.ts';
import type { SpanChanges } from './write-journal.ts';

/**
 * Carrying a query's ranking (prefix-cache.ts, RankedWord) over writes that cannot have changed
 * it, so that the first search for a popular query after an unrelated write reads its page
 * instead of ranking again. A document's ranking keys depend only on the document and the query
 * words' derivations (and the matching strategy, part of the cache key; `frequency`, which reads
 * document counts, is not kept for several words), and ties go by internal id, which a document
 * keeps until it is replaced; so a write leaves the ranking as it was when:
 *   - the words derive exactly as before (same terms, typos, alternatives: new words in the
 *     index, document counts and prefix rows all show up there), and
 *   - none of those terms gained a document (so no added document holds one; conservative: any
 *     field, any position), and
 *   - each removed document that matched can be dropped from the ranking without another
 *     document taking its place (the ranking holds every match, or it was not in the ranking).
 * Otherwise the ranking is built again by the next search. Settings changes, renumbering and
 * cleared indexes are breaks of the write journal: nothing is carried over them.
 */

/** A cached ranking with what carrying it over needs. */
export interface HeldRanking {
  /** The query's words as derived when the ranking was built (parsed queries are never modified). */
  words: readonly QueryWord[];
  /** Ranked documents (internal ids), the first min(total, maxTotalHits) in rule order. */
  order: Uint32Array;
  /** External ids of `order`. */
  ids: Array<string | undefined>;
  /** Number of matching documents. */
  total: number;
  /** Every matching document, kept only when `order` does not hold them all. */
  matched: DocSet | null;
  /** The terms the words match through, listed at the first carry. */
  terms?: ReadonlySet<number>;
}

/** The ranking after `changes`, or null when it must be built again. */
export function carryRanking(held: HeldRanking, words: readonly QueryWord[], changes: SpanChanges): HeldRanking | null {
  if (held.words !== words && (held.words.length !== words.length || !held.words.every((w, i) => sameDerivations(w, words[i]!)))) return null;
  // A term that gained a (live) document: some added document holds it.
  const terms = held.terms ?? termsOf(words);
  for (const gained of changes.gained) {
    if (gained.size < terms.size) {
      for (const t of gained) if (terms.has(t)) return null;
    } else {
      for (const t of terms) if (gained.has(t)) return null;
    }
  }
  let { order, ids, total } = held;
  const matched = held.matched;
  for (const r of changes.removed) {
    const at = order.indexOf(r);
    if (matched !== null) {
      if (!hasDoc(matched, r)) continue;
      // Another document would move up into the ranking's last place.
      if (at >= 0) return null;
      removeDoc(matched, r);
      total--;
    } else if (at >= 0) {
      const shorter = new Uint32Array(order.length - 1);
      shorter.set(order.subarray(0, at));
      shorter.set(order.subarray(at + 1), at);
      order = shorter;
      ids = ids.toSpliced(at, 1);
      total--;
    }
  }
  return { words, order, ids, total, matched, terms };
}

function termsOf(words: readonly QueryWord[]): Set<number> {
  const terms = new Set<number>();
  for (const word of words) {
    for (const d of word.derivations) terms.add(d.term);
    for (const alt of word.alternatives) for (const t of alt.terms) terms.add(t);
    for (const t of word.phrase ?? []) if (t !== undefined) terms.add(t);
  }
  return terms;
}

/** Whether two derivations of the same query word match through the same terms, alike. */
export function sameDerivations(a: QueryWord, b: QueryWord): boolean {
  if (a === b) return true;
  if (a.text !== b.text || a.isPrefix !== b.isPrefix || a.typoBudget !== b.typoBudget) return false;
  if ((a.phrase === null) !== (b.phrase === null)) return false;
  if (a.phrase !== null && !sameList(a.phrase, b.phrase!)) return false;
  if (a.derivations.length !== b.derivations.length) return false;
  for (let i = 0; i < a.derivations.length; i++) {
    const x = a.derivations[i]!;
    const y = b.derivations[i]!;
    if (x.term !== y.term || x.typos !== y.typos || x.exact !== y.exact) return false;
  }
  return sameAlternatives(a.alternatives, b.alternatives);
}

/** Whether two query words' phrase alternatives (split words, synonyms) are the same. */
export function sameAlternatives(a: readonly PhraseAlternative[], b: readonly PhraseAlternative[]): boolean {
  return a.length === b.length && a.every((x, i) => x.typos === b[i]!.typos && sameList(x.terms, b[i]!.terms));
}

function sameList(a: ReadonlyArray<number | undefined>, b: ReadonlyArray<number | undefined>): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
