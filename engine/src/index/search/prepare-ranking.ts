import { hasDoc } from '../doc-set.ts';
import type { DocumentSource } from '../types.ts';
import { derivationCode, packDerivations, preparePolicy, unpackDerivations, type PreparedEntry, type Suspect } from './prepared-rankings.ts';
import type { ParsedQuery, QueryWord } from './query-terms.ts';
import { sameAlternatives } from './ranked-carry.ts';
import { executeSearch, parseSearchQuery, rankWithin, rankedQueryKey, type IndexState } from './search.ts';

/**
 * Making and carrying the prepared rankings of one-word queries (prepared-rankings.ts) with the
 * search pipeline. A ranking is made by a search that keeps its ranking (search.ts): all its
 * matches when they are at most maxTotalHits, else the first `keptDocuments`. After writes that
 * may have changed it, it is carried over them when the query derives as before and:
 *   - holding every match: removed documents are taken out, and the added documents that match
 *     are ranked in with them (a document's rule keys depend on it and the query only), while
 *     all still fit under maxTotalHits;
 *   - holding the first ones: none of them was removed, every added document that matches ranks
 *     after the last one (ranked against it alone: a document's rule keys depend on it and the
 *     query only, and ties go to the older document), and the number of hits shown is still
 *     known (removed documents may have matched).
 * Otherwise it is made again.
 */

/** Documents added since a ranking was made that are ranked against it; more: made again. */
export const MAX_CARRIED_DOCUMENTS = 64;

/** The external ids of a ranking's first documents (PreparedRanking.firstIds). */
function firstIdsOf(state: IndexState, order: Uint32Array): Array<string | undefined> {
  return Array.from(order.subarray(0, preparePolicy.pageIds), (d) => state.externalId(d));
}

/** `q` parsed, if it is a one-word query that is prepared: a prefix word spelled `q`, without synonyms. */
function preparedQuery(state: IndexState, q: string): { parsed: ParsedQuery; word: QueryWord } | null {
  const parsed = parseSearchQuery(state, q);
  if (parsed.words.length !== 1 || parsed.negative.length > 0) return null;
  const word = parsed.words[0]!;
  if (word.phrase !== null || !word.isPrefix || word.text !== q || state.synonyms.has(q)) return null;
  return { parsed, word };
}


/** Whether `word` derives as the entry did (the rest of a prepared word follows from `q`). */
function derivesAs(entry: PreparedEntry, word: QueryWord): boolean {
  const codes = entry.derivations;
  if (word.typoBudget !== entry.budget || word.derivations.length !== codes.length) return false;
  return word.derivations.every((d, i) => derivationCode(d) === codes[i]) && sameAlternatives(word.alternatives, entry.alternatives);
}

/** The one-word query an entry was ranked for, as parsing `q` gave it then. */
function unpackQuery(q: string, entry: PreparedEntry): ParsedQuery {
  const derivations = unpackDerivations(entry.derivations);
  return { words: [{ text: q, phrase: null, derivations, isPrefix: true, typoBudget: entry.budget, alternatives: [...entry.alternatives] }], negative: [] };
}

/**
 * The ranking of `q` as a prepared one-word query, or null when it is not one. Ranked by the full
 * pipeline (or taken from the query's kept ranking); the caller marks the prefix cache as
 * refreshing, so that this is not a use of the kept ranking.
 */
export function prepareRanking(state: IndexState, q: string, source: DocumentSource): PreparedEntry | null {
  const query = preparedQuery(state, q);
  if (query === null) return null;
  const { parsed, word } = query;
  const key = rankedQueryKey(parsed, 'last');
  if (key === null) return null;
  let ranked = state.prefixCache.rankedWord(key, state.epoch, parsed.words);
  if (ranked === undefined) {
    executeSearch(state, { q, limit: 0 }, source);
    ranked = state.prefixCache.rankedWord(key, state.epoch, parsed.words);
    // Ranked for this only: it does not take a place among the rankings searches keep.
    state.prefixCache.forgetUnused(key);
  }
  // (Not kept: a search cut off by searchCutoffMs.)
  if (ranked === undefined) return null;
  // Every match when they are at most maxTotalHits (removals then carry exactly), else the first.
  const complete = ranked.order.length >= ranked.total;
  const order = complete ? ranked.order.slice() : ranked.order.slice(0, preparePolicy.keptDocuments);
  return {
    order,
    firstIds: firstIdsOf(state, order),
    total: ranked.total,
    least: ranked.total,
    derivations: packDerivations(word),
    alternatives: word.alternatives,
    vocabulary: state.prepared.vocabulary,
    epoch: state.epoch,
    capacity: state.capacity,
    budget: word.typoBudget,
  };
}

/**
 * `order` (a complete ranking) with `docs` (ranked among themselves, ids above every ranked one)
 * placed where a ranking of them all puts them, each by binary search: every rule's key is the
 * document's own and ties go to the lower id, so two documents rank as they do among all. (A
 * ranking of them all looked every kept document up in every derivation's row: ~48,000 lookups
 * for a ranking of 1000 documents and a query of 48 derivations, against ~1,000 here.)
 */
function insertRanked(state: IndexState, order: Uint32Array, docs: readonly number[], query: ParsedQuery): Uint32Array {
  const out = Array.from(order);
  let lo = 0;
  for (const d of docs) {
    let hi = out.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (rankWithin(state, [out[mid]!, d], query, 'last')[0] === d) hi = mid;
      else lo = mid + 1;
    }
    out.splice(lo, 0, d);
    // The next document ranks after this one.
    lo++;
  }
  return Uint32Array.from(out);
}

/** A suspect ranking carried over the writes since it was made, or null when it must be made again. */
export function carryPrepared(state: IndexState, { q, entry: held, reparse }: Suspect & { entry: PreparedEntry }): PreparedEntry | null {
  // The same vocabulary derives the query as before (parsing it again costs a dictionary walk).
  let parsed: ParsedQuery | null = null;
  if (reparse || held.vocabulary !== state.prepared.vocabulary) {
    const query = preparedQuery(state, q);
    if (query === null || !derivesAs(held, query.word)) return null;
    parsed = query.parsed;
  }
  const cap = state.settings.pagination.maxTotalHits;
  const written = state.prefixCache.writtenSince(held.epoch);
  if (written === null) return null;
  // Holding every match, it knows which removed documents matched; else only the first ones.
  const complete = held.order.length >= held.total;
  let { order, total, least } = held;
  for (const r of written.removed) {
    if (r >= held.capacity) continue;
    const at = order.indexOf(r);
    if (complete) {
      if (at < 0) continue;
      const shorter = new Uint32Array(order.length - 1);
      shorter.set(order.subarray(0, at));
      shorter.set(order.subarray(at + 1), at);
      order = shorter;
      total--;
      least--;
    } else {
      // A kept document gone: another one would move up into the last place.
      if (at >= 0) return null;
      // It may have matched.
      least--;
    }
  }
  const added: number[] = [];
  for (let d = held.capacity; d < state.capacity; d++) if (hasDoc(state.alive, d)) added.push(d);
  if (added.length > MAX_CARRIED_DOCUMENTS) return null;
  if (added.length > 0) {
    const query = parsed ?? unpackQuery(q, held);
    if (complete) {
      // The added matches take their places among the kept ones, while all fit under
      // maxTotalHits as in a ranking made again (which parsed the query, a walk of the
      // dictionary: ~60 such rankings per new document on debian-63k). Which added documents
      // match is asked first, alone: usually none, and ranking the kept ones looks each up.
      const matching = rankWithin(state, added, query, 'last');
      if (matching.length > 0) {
        if (order.length + matching.length > cap) return null;
        order = insertRanked(state, order, matching, query);
        least += matching.length;
        total += matching.length;
      }
    } else {
      // Ranked against the last kept document: the added ones that match must all come after it.
      const last = order[order.length - 1];
      const ranked = rankWithin(state, last === undefined ? added : [last, ...added], query, 'last');
      if (ranked[0] !== last) return null;
      const matched = ranked.length - (last === undefined ? 0 : 1);
      least += matched;
      total += matched;
    }
  }
  // The number of hits shown must be known.
  if (Math.min(least, cap) !== Math.min(total, cap)) return null;
  // (The first ids again: a removed document leaves the order, and an added one may enter it.)
  return { ...held, order, firstIds: firstIdsOf(state, order), least, total, vocabulary: state.prepared.vocabulary, epoch: state.epoch, capacity: state.capacity };
}
