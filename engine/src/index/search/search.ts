import { EngineError } from '../../errors/engine-error.ts';
import { inIndex } from '../index-error.ts';
import { filterableNames as filterableAttributeNames, isFilterable as isFilterableAttribute } from '../filterable.ts';
import type { Document } from '../../types/document.ts';
import type { Settings } from '../../types/settings.ts';
import { addDoc, bitsetWords, copySet, setToArray, subtractInPlace, type DocSet } from '../doc-set.ts';
import type { FacetIndex } from '../facets.ts';
import type { FieldLengths } from '../field-lengths.ts';
import type { FieldRegistry } from '../fields.ts';
import { evaluateFilterInput } from '../filter-input.ts';
import type { Postings } from '../postings.ts';
import type { Tokenizer } from '../tokenizer.ts';
import type { DocumentSource, MatchedDocuments, SearchOptions, SearchParams, SearchResult } from '../types.ts';
import type { Vocabulary } from '../vocabulary.ts';
import { prefixRowPolicy, type PrefixRows } from '../prefix-rows.ts';
import { bucketSort, globalScore, type CandidateList } from './bucket-sort.ts';
import { LazyCandidates, selectCandidates } from './candidates.ts';
import { DistinctFilter } from './distinct.ts';
import { computeFacets, resolveFacetNames } from './facet-distribution.ts';
import { formatHit, isWholeDocument, type FormatOptions } from './format.ts';
import { OccurrenceChains, PositionLookup, computeWordMatches, fillWordDetail, matchWordDocs, type FieldRules, type WordMatches } from './match-data.ts';
import { parseQuery, type ParsedQuery, type QueryWord } from './query-terms.ts';
import { buildRankingRules, type RankingContext } from './ranking-rules.ts';
import { rowProximityOf } from './row-proximity.ts';
import type { ScratchArrays } from './scratch.ts';
import { derivationKey, prefixCachePolicy, restrict, type ParseReads, type PrefixCache, type RankedWord } from './prefix-cache.ts';
import type { PreparedRanking, PreparedRankings } from './prepared-rankings.ts';
import { scoreDetails } from './score-details.ts';
import { parseSort, type SortCriterion } from './sort-params.ts';

/**
 * One search, end to end: validate what depends on the index (sort, facets, distinct,
 * attributesToSearchOn), filter, parse and derive the query, compute word matches on the
 * filtered documents, choose candidates by matching strategy, rank with the bucket sort until the
 * page is filled, then format hits and facets.
 */

/** What a search reads from the core. */
export interface IndexState {
  settings: Settings;
  tokenizer: Tokenizer;
  stopWords: ReadonlySet<string>;
  synonyms: ReadonlyMap<string, string[][]>;
  vocabulary: Vocabulary;
  postings: Postings;
  fieldLengths: FieldLengths;
  facets: FacetIndex;
  fields: FieldRegistry;
  alive: DocSet;
  capacity: number;
  externalId(internal: number): string | undefined;
  searchRank(fieldId: number): number;
  /** Working arrays reused across searches (see scratch.ts). */
  scratch: ScratchArrays;
  /** Postings rows of common prefixes, built at indexing time (see prefix-rows.ts). */
  prefixRows: PrefixRows;
  /** Match data of common prefixes, valid while `epoch` is unchanged (see prefix-cache.ts). */
  prefixCache: PrefixCache;
  /** Rankings of common one-word queries, prepared while the index is idle (see prepared-rankings.ts). */
  prepared: PreparedRankings;
  /** Changes whenever the searchable content or settings change. */
  epoch: number;
}

export const DEFAULT_LIMIT = 20;
/** The sort criteria of a search without `sort` (shared: never modified). */
const NO_SORT: SortCriterion[] = [];
export const DEFAULT_HITS_PER_PAGE = 20;
/** Meilisearch stops ranking after this long when `searchCutoffMs` is null. */
export const DEFAULT_SEARCH_CUTOFF_MS = 1500;

/** Field ranks for this search, restricted by attributesToSearchOn when given. */
export function fieldRules(state: IndexState, searchOn: readonly string[] | null | undefined): FieldRules {
  const n = state.fields.size;
  const rankOfField = new Int32Array(n);
  const noTypoField = new Uint8Array(n);
  const noTypo = state.settings.typoTolerance.disableOnAttributes;
  for (let f = 0; f < n; f++) {
    let rank = state.searchRank(f);
    const name = state.fields.name(f);
    if (rank >= 0 && searchOn !== null && searchOn !== undefined && !searchOn.some((a) => a === name || name.startsWith(`${a}.`))) rank = -1;
    rankOfField[f] = rank;
    if (noTypo.some((a) => a === name || name.startsWith(`${a}.`))) noTypoField[f] = 1;
  }
  // Without attributesToSearchOn every indexed field is searched (the indexer skips the others).
  const everyFieldMatches = (searchOn === null || searchOn === undefined) && !noTypoField.includes(1);
  const fewestTypos = state.settings.rankingRules.find((name) => DETAIL_RULES.has(name)) === 'typo';
  return { rankOfField, noTypoField, fieldLengths: state.fieldLengths, everyFieldMatches, fewestTypos };
}

function checkSearchOn(state: IndexState, searchOn: readonly string[]): void {
  const searchable = state.settings.searchableAttributes;
  if (searchable.includes('*')) return;
  for (const a of searchOn) {
    if (!searchable.some((s) => s === a || a.startsWith(`${s}.`))) {
      throw inIndex(new EngineError(
        'invalid_search_attributes_to_search_on',
        `Attribute \`${a}\` is not searchable. Available searchable attributes are: \`${[...new Set(searchable)].sort().join(', ')}\`.`,
      ));
    }
  }
}

function checkDistinct(state: IndexState, attribute: string): void {
  const setting = state.settings.filterableAttributes;
  if (isFilterableAttribute(attribute, setting)) return;
  const available = filterableAttributeNames(setting);
  const tail = available.length === 0 ? 'This index does not have configured filterable attributes.' : `Available filterable attributes patterns are: \`${available.join(', ')}\`.`;
  throw inIndex(new EngineError('invalid_search_distinct', `Attribute \`${attribute}\` is not filterable and thus, cannot be used as distinct attribute. ${tail}`));
}

export interface Matching {
  /** The candidates, ascending (listed when first read). */
  readonly docs: Uint32Array;
  /** Number of candidates. */
  count: number;
  /** The candidates as the bucket sort takes them (possibly not listed yet). */
  list: Uint32Array | CandidateList;
  ctx: RankingContext;
  words: number;
}

/** Which position data the ranking rules will read (each costs a pass over the postings). */
export interface PositionNeeds {
  proximity: boolean;
  exactness: boolean;
  /**
   * Whether match details are filled only for the documents the rules reach (two-phase
   * matching; the default) or for every candidate at once (better when the first rule to read
   * them gets every candidate).
   */
  twoPhase?: boolean;
}

/** Below this many (term, document) pairs to match, one pass costs less than two. */
const TWO_PHASE_MIN_PAIRS = 1024;

/** Whether the query's words have at least `min` pairs in their derivations' postings. */
function hasPairs(parsed: ParsedQuery, postings: Postings, min: number): boolean {
  let pairs = 0;
  for (const w of parsed.words) {
    for (const d of w.derivations) {
      pairs += postings.docCount(d.term);
      if (pairs >= min) return true;
    }
    for (const alt of w.alternatives) pairs += postings.docCount(alt.terms[0]!);
    for (const t of w.phrase ?? []) if (t !== undefined) pairs += postings.docCount(t);
  }
  return pairs >= min;
}

/** Ranking rules that read match details (typos, attributes, positions). */
const DETAIL_RULES = new Set(['typo', 'proximity', 'attribute', 'attributeRank', 'wordPosition', 'exactness']);

/**
 * True when some rule may split the candidates before the first rule reading match details:
 * `words` with several words (unless every word must match), `sort` with criteria, a custom
 * `field:asc|desc` rule. Otherwise that rule reads the details of every candidate.
 */
function splitsBeforeDetails(rankingRules: readonly string[], sortCriteria: number, words: number, strategy: string): boolean {
  for (const name of rankingRules) {
    if (name === 'words') {
      if (words >= 2 && strategy !== 'all') return true;
    } else if (name === 'sort') {
      if (sortCriteria > 0) return true;
    } else if (DETAIL_RULES.has(name)) {
      return false;
    } else {
      return true;
    }
  }
  return true;
}

/** The query's words and negations, derived against the index (kept until the next write). */
export function parseSearchQuery(state: IndexState, q: string): ParsedQuery {
  const cached = state.prefixCache.parsedQuery(q, state.epoch);
  if (cached !== undefined) return cached;
  const reads: ParseReads = { counts: [], derivationKeys: [] };
  return state.prefixCache.setParsedQuery(q, state.epoch, parseUncached(state, q, reads), reads);
}

/** Parses `q`, noting in `reads` what it read besides the vocabulary and settings. */
function parseUncached(state: IndexState, q: string, reads: ParseReads): ParsedQuery {
  const settings = state.settings;
  return parseQuery(q, state.tokenizer, {
    vocabulary: state.vocabulary,
    settings,
    stopWords: state.stopWords,
    synonyms: state.synonyms,
    prefixSearch: settings.prefixSearch !== 'disabled',
    docCount: (term) => {
      reads.counts.push(term);
      return state.postings.docCount(term);
    },
    prefixRow: prefixRowPolicy.enabled ? (prefix) => state.prefixRows.lookup(prefix) : undefined,
    cachedDerivations: (text, isPrefix, compute) => {
      const key = derivationKey(text, isPrefix);
      reads.derivationKeys.push(key);
      return state.prefixCache.derivations(key, state.epoch, () => (isPrefix ? state.prepared.derivationsOf(text) : undefined) ?? compute());
    },
  });
}

/** Runs the query part: words, negations, matches, candidates. `universe` = filtered documents. */
export function matchQuery(
  state: IndexState,
  q: string | ParsedQuery,
  universe: DocSet,
  strategy: 'last' | 'all' | 'frequency',
  searchOn: readonly string[] | null | undefined,
  needs: PositionNeeds,
  /** The universe as an ascending list when it is a handful of documents (see computeWordMatches). */
  few?: Uint32Array,
): Matching {
  const settings = state.settings;
  const capacity = state.capacity;
  const scratch = state.scratch;
  scratch.reset(capacity);
  const parsed = typeof q === 'string' ? parseSearchQuery(state, q) : q;
  const rules = fieldRules(state, searchOn);
  const chains = scratch.chains.reset();
  const twoPhase = matchPolicy.twoPhase === 'always' || (matchPolicy.twoPhase === 'auto' && needs.twoPhase !== false);
  let candidates = universe;
  if (parsed.negative.length > 0) {
    candidates = copySet(universe);
    for (const w of parsed.negative) subtractInPlace(candidates, matchWordDocs(w, state.postings, universe, capacity, rules, 'none', scratch).docs);
  }
  const n = parsed.words.length;
  // Occurrences are chained for proximity (two words or more), and for phrases when exactness
  // reads their positions (other words' exact positions are looked up in their postings).
  const proximity = needs.proximity && n >= 2;
  const rowProximity = proximity && settings.proximityPrecision === 'byWord' ? rowProximityOf(parsed.words, state.postings, rules) : null;
  const matches: WordMatches[] = parsed.words.map((w) => {
    const mode = (proximity && rowProximity === null) || (needs.exactness && w.phrase !== null) ? 'all' : 'none';
    if (few !== undefined) return computeWordMatches(w, state.postings, candidates, capacity, rules, chains, mode, 0, scratch, undefined, few);
    const cacheable = mode === 'none' && w.isPrefix && w.derivations.length > prefixCachePolicy.minDerivations && (searchOn === null || searchOn === undefined);
    const key = cacheable ? `${w.text}\u0000${w.typoBudget}` : '';
    let all = cacheable ? state.prefixCache.get(key, state.epoch) : undefined;
    // A prefix's matches over every live document are kept from its second search: the first
    // matches as any word does (most prefixes are typed once, and the arrays of its own would
    // cost more than the search).
    if (all === undefined && (!cacheable || !state.prefixCache.seenBefore(key))) {
      return twoPhase
        ? matchWordDocs(w, state.postings, candidates, capacity, rules, mode, scratch)
        : computeWordMatches(w, state.postings, candidates, capacity, rules, chains, mode, 0, scratch);
    }
    if (all === undefined) {
      // Computed over every live document, in arrays of its own (not the scratch pool).
      all = computeWordMatches(w, state.postings, state.alive, capacity, rules, chains, 'none', 0);
      state.prefixCache.set(key, state.epoch, all);
    }
    return restrict(all, candidates, candidates === state.alive);
  });
  let list: Uint32Array | CandidateList;
  let activeMask: Uint32Array;
  let activeCount: Uint8Array;
  let lazy: Pick<RankingContext, 'prepare' | 'prepareActive' | 'wordBuckets'> = { prepare: undefined, prepareActive: undefined, wordBuckets: undefined };
  if (n === 0) {
    // Only negations (or nothing but separators): every remaining document, as a placeholder.
    list = setToArray(candidates);
    // Not read: without query words no rule looks at active words.
    activeMask = scratch.take(Uint32Array);
    activeCount = scratch.take(Uint8Array);
  } else if (twoPhase) {
    const selected = new LazyCandidates(matches, strategy, capacity, scratch);
    ({ activeMask, activeCount } = selected);
    list = selected;
    const prepareDetail = detailFiller(parsed.words, matches, candidates, selected.count, state.postings, rules, chains, capacity, scratch);
    // Word buckets from document sets cost a few passes over sets of the whole id space: worth
    // it over a key per candidate when candidates are many. (Set in the literal: V8 allocates a
    // function assigned to a property in the old generation, where it kept the search alive.)
    const wordBuckets = selected.count * matchPolicy.wordBucketsMinShare > capacity ? () => selected.wordBuckets() : undefined;
    lazy = {
      prepareActive: (d) => selected.prepare(d),
      prepare: (d) => {
        selected.prepare(d);
        prepareDetail(d);
      },
      wordBuckets,
    };
  } else {
    let docs: Uint32Array;
    ({ docs, activeMask, activeCount } = selectCandidates(matches, strategy, capacity, scratch, few));
    list = docs;
  }
  const attributeRanks = Math.max(1, ...Array.from(rules.rankOfField).map((r) => r + 1));
  // Every field in every search, in one order: a context of another shape (two-phase or not,
  // rows or not) made the rules' code, compiled for one, deoptimize ("wrong map") on the next.
  const ctx: RankingContext = {
    words: parsed.words,
    matches,
    activeMask,
    activeCount,
    positions: new PositionLookup(parsed.words, matches, state.postings, rules, chains),
    fieldLengths: state.fieldLengths,
    facets: state.facets,
    capacity,
    maxTypos: parsed.words.reduce((sum, w) => sum + w.typoBudget, 0),
    attributeRanks,
    proximityPrecision: settings.proximityPrecision,
    rowProximity: rowProximity ?? undefined,
    prepareActive: lazy.prepareActive,
    prepare: lazy.prepare,
    wordBuckets: lazy.wordBuckets,
  };
  return new QueryMatching(list, ctx, n);
}

/**
 * Matching's one implementation. A class, not an object literal with a `docs` getter: V8 builds
 * such a literal in dictionary mode, and those objects, with everything they reach (every array
 * of the search), survived young-generation collections until the next full one (the README's
 * collector notes).
 */
class QueryMatching implements Matching {
  readonly count: number;
  readonly list: Uint32Array | CandidateList;
  readonly ctx: RankingContext;
  readonly words: number;

  constructor(list: Uint32Array | CandidateList, ctx: RankingContext, words: number) {
    this.list = list;
    this.ctx = ctx;
    this.words = words;
    this.count = list instanceof Uint32Array ? list.length : list.count;
  }

  get docs(): Uint32Array {
    return this.list instanceof Uint32Array ? this.list : this.list.docs();
  }
}

/**
 * Two-phase matching (match-data.ts): the details of documents are filled when a ranking rule
 * first reads them ('auto': when a rule may split the candidates before; tests force 'always').
 * 'never' fills them for every candidate up front: the reference the property tests compare with.
 */
export const matchPolicy: { twoPhase: 'auto' | 'always' | 'never'; wordBucketsMinShare: number } = {
  twoPhase: 'auto',
  /** The words rule takes its buckets from document sets when candidates exceed 1/64 of the ids. */
  wordBucketsMinShare: 64,
};

/**
 * A function filling the match details of the documents it is given, once per document. When
 * the first documents asked for are all the candidates (one-word queries, rules before `words`),
 * every detail is computed at once, by the reference pass.
 */
function detailFiller(
  words: QueryWord[],
  matches: WordMatches[],
  candidates: DocSet,
  candidateCount: number,
  postings: Postings,
  rules: FieldRules,
  chains: OccurrenceChains,
  capacity: number,
  scratch: ScratchArrays,
): (docs: ArrayLike<number>) => void {
  if (matches.every((m) => m.complete)) return () => {};
  // Documents whose details are filled: marks equal to `stamp`.
  const done = scratch.marks(1);
  const stamp = scratch.stamp();
  let pending = scratch.list(64);
  let first = true;
  let all = false;
  return (docs) => {
    if (all) return;
    if (first && docs.length === candidateCount) {
      all = true;
      for (let i = 0; i < matches.length; i++) {
        const m = matches[i]!;
        if (!m.complete) computeWordMatches(words[i]!, postings, candidates, capacity, rules, chains, m.chainMode, 0, scratch, m);
      }
      return;
    }
    first = false;
    let count = 0;
    for (let k = 0; k < docs.length; k++) {
      const d = docs[k]!;
      if (done[d] === stamp) continue;
      done[d] = stamp;
      if (count === pending.length) {
        const grown = scratch.list(Math.min(capacity, pending.length * 2) || 1);
        grown.set(pending);
        pending = grown;
      }
      pending[count++] = d;
    }
    if (count === 0) return;
    const list = pending.subarray(0, count);
    let ascending = true;
    for (let k = 1; k < count && ascending; k++) ascending = list[k - 1]! < list[k]!;
    if (!ascending) list.sort();
    const pendingSet = scratch.cleanBitset();
    try {
      for (let k = 0; k < count; k++) pendingSet[list[k]! >>> 5]! |= 1 << (list[k]! & 31);
      for (let i = 0; i < matches.length; i++) fillWordDetail(matches[i]!, words[i]!, postings, list, pendingSet, rules, chains);
    } finally {
      for (let k = 0; k < count; k++) pendingSet[list[k]! >>> 5] = 0;
    }
  };
}

export function executeSearch(state: IndexState, params: SearchParams, source: DocumentSource, options: SearchOptions = {}): SearchResult {
  const started = performance.now();
  // The common case first, in a small function of its own (see cachedWordPage).
  const cached = cachedWordPage(state, params, source, options, started);
  if (cached !== null) return cached;
  const settings = state.settings;
  const q = params.q ?? '';

  const sort = params.sort === undefined || params.sort === null || params.sort.length === 0 ? NO_SORT : parseSort(params.sort, settings.sortableAttributes, settings.rankingRules);
  const facetNames = params.facets ? resolveFacetNames(params.facets, settings, state.facets) : null;
  if (params.distinct !== undefined && params.distinct !== null) checkDistinct(state, params.distinct);
  const distinctAttribute = params.distinct ?? settings.distinctAttribute;
  if (params.attributesToSearchOn) checkSearchOn(state, params.attributesToSearchOn);

  const filtered = evaluateFilterInput(state, params.filter, 'invalid_search_filter');
  const universe = filtered ?? state.alive;
  const parsed = parseSearchQuery(state, q);

  const window = pageWindow(params, settings.pagination.maxTotalHits);
  const { offset, end, maxTotalHits } = window;

  const threshold = params.rankingScoreThreshold ?? null;
  const federation = options.federation === true;
  const wantScore = params.showRankingScore === true || params.showRankingScoreDetails === true || threshold !== null || federation;
  // searchCutoffMs (default 1500 ms) counts from the start of the search.
  const budget = started + (settings.searchCutoffMs ?? DEFAULT_SEARCH_CUTOFF_MS);

  // A query without filter, sort, facets, distinct, scores or negations: its page is a slice of
  // its ranked documents, kept from the first such search (and over writes that cannot change them).
  const rankedKey = filtered === null && sort.length === 0 && facetNames === null && distinctAttribute === null && !wantScore && !params.attributesToSearchOn
    ? rankedQueryKey(parsed, params.matchingStrategy ?? 'last')
    : null;
  const ranked = rankedKey === null ? undefined : state.prefixCache.rankedWord(rankedKey, state.epoch, parsed.words);
  // (A budget of 50 ms or more cannot run out before this point.)
  if (ranked !== undefined && (budget - started >= 50 || performance.now() < budget)) return rankedPage(state, params, source, parsed, sort, ranked, started);
  const deadline = { exceeded: () => performance.now() >= budget };

  const strategy = params.matchingStrategy ?? 'last';
  const matching = matchQuery(state, parsed, universe, strategy, params.attributesToSearchOn, positionNeeds(state, parsed, sort.length, strategy));
  const rules = buildRankingRules(settings.rankingRules, matching.ctx, sort);
  const distinct = distinctAttribute === null ? null : new DistinctFilter(state.facets, distinctAttribute, state.capacity);

  // Ranking a query whose ranking is kept: go on to maxTotalHits documents and keep their order.
  // Several words: from the second search for them (or a refresh, see refreshKept), since most
  // such queries come once and ranking a thousand documents costs more than a page.
  const keep = rankedKey !== null && state.prefixCache.shouldKeep(rankedKey, { q, matchingStrategy: strategy }, parsed.words.length);
  const rankCap = keep ? Math.min(matching.count, maxTotalHits) : 0;
  const order = keep ? new Uint32Array(rankCap) : null;
  let complete = true;
  const picked: Array<{ doc: number; keys: number[]; skipped: number }> = [];
  let kept = 0;
  bucketSort(
    matching.list,
    rules,
    (doc, keys, skipped) => {
      if (threshold !== null && globalScore(rules, keys, skipped) < threshold) return true;
      if (distinct !== null && !distinct.admit(doc)) return true;
      if (kept >= offset && kept < end) picked.push({ doc, keys: [...keys], skipped });
      if (order !== null) {
        if (skipped < rules.length) complete = false;
        if (kept < rankCap) order[kept] = doc;
      }
      kept++;
      // Past the page we only keep going when hits must be counted exactly.
      return kept < end || threshold !== null || kept < rankCap;
    },
    wantScore,
    threshold !== null ? Infinity : Math.max(end, rankCap),
    deadline,
  );
  if (keep && order !== null && complete && kept >= rankCap) {
    const entry: RankedWord = {
      words: parsed.words,
      order,
      ids: Array.from(order, (d) => state.externalId(d)),
      total: matching.count,
      // Carrying the ranking over a removal (ranked-carry.ts) must know whether it matched: one
      // word's documents are the candidates (a copy: the set may be shared scratch or cache).
      matched: rankCap >= matching.count ? null : parsed.words.length === 1 ? matching.ctx.matches[0]!.docs.slice() : docSetOf(matching.docs, state.alive.length),
    };
    state.prefixCache.setRankedWord(rankedKey!, state.epoch, entry, { q, matchingStrategy: strategy });
  }
  let total = matching.count;
  if (threshold !== null) total = kept;
  else if (distinct !== null) total = distinct.countDistinct(matching.docs);

  const format: FormatOptions = {
    settings,
    params,
    tokenizer: state.tokenizer,
    words: matching.ctx.words,
    vocabulary: state.vocabulary,
    sort,
    addsFields: params.showRankingScore === true || params.showRankingScoreDetails === true,
  };
  const hits: Document[] = [];
  const hitIds: string[] = [];
  const hitScores: number[] = [];
  for (const { doc, keys, skipped } of picked) {
    const id = state.externalId(doc);
    const stored = id === undefined ? undefined : source.get(id);
    if (stored === undefined) continue;
    if (federation) {
      hitIds.push(id!);
      hitScores.push(globalScore(rules, keys, skipped));
    }
    const hit = formatHit(stored, format);
    if (params.showRankingScore === true) hit['_rankingScore'] = globalScore(rules, keys, skipped);
    if (params.showRankingScoreDetails === true) hit['_rankingScoreDetails'] = scoreDetails(rules, keys, matching.ctx, doc, stored, skipped);
    hits.push(hit);
  }

  const result = pageResult(hits, q, window, Math.min(total, maxTotalHits), started);
  if (facetNames !== null) {
    const { facetDistribution, facetStats } = computeFacets(facetNames, settings, state.facets, docSetOf(matching.docs, state.alive.length), matching.docs, state.capacity);
    result.facetDistribution = facetDistribution;
    result.facetStats = facetStats;
  }
  if (federation) {
    result.hitIds = hitIds;
    result.hitScores = hitScores;
    result.matched = { internalIds: matching.docs };
  }
  result.processingTimeMs = Math.floor(performance.now() - started);
  return result;
}

/** What matching must record for the ranking rules. */
function positionNeeds(state: IndexState, parsed: ParsedQuery, sortCriteria: number, strategy: 'last' | 'all' | 'frequency'): PositionNeeds {
  const rules = state.settings.rankingRules;
  return {
    proximity: rules.includes('proximity'),
    exactness: rules.includes('exactness'),
    twoPhase: splitsBeforeDetails(rules, sortCriteria, parsed.words.length, strategy) && hasPairs(parsed, state.postings, TWO_PHASE_MIN_PAIRS),
  };
}

/**
 * The documents among `docs` (a handful) the query matches, in rule order (no sort, no cutoff): a document's
 * rule keys depend on it alone, so their order is their order in the whole ranking.
 */
export function rankWithin(state: IndexState, docs: readonly number[], parsed: ParsedQuery, strategy: 'last' | 'all' | 'frequency'): number[] {
  const few = Uint32Array.from(docs).sort();
  // (A set of the whole id space, kept between calls: a carry ranks two documents at a time,
  // ~300 times per added document on debian-63k, and allocating it took longer than that.)
  if (fewUniverse.length !== bitsetWords(state.capacity)) fewUniverse = new Uint32Array(bitsetWords(state.capacity));
  const universe = fewUniverse;
  for (const d of few) addDoc(universe, d);
  try {
    // One pass over the handful of documents, each looked up in the rows.
    const needs = { ...positionNeeds(state, parsed, 0, strategy), twoPhase: false };
    const matching = matchQuery(state, parsed, universe, strategy, null, needs, few);
    const rules = buildRankingRules(state.settings.rankingRules, matching.ctx, NO_SORT);
    const ranked: number[] = [];
    bucketSort(matching.list, rules, (doc) => {
      ranked.push(doc);
      return true;
    }, false);
    return ranked;
  } finally {
    for (const d of few) universe[d >>> 5] = 0;
  }
}

let fewUniverse = new Uint32Array(0);

/**
 * The page of a query from its kept ranking, when the request has nothing that needs
 * validating or the full pipeline (no filter, sort, facets, distinct, attributesToSearchOn,
 * scores, federation): the hot path of searches as you type, kept small so that it is compiled
 * early and stays so whatever other searches run. Null when it does not apply.
 */
function cachedWordPage(state: IndexState, params: SearchParams, source: DocumentSource, options: SearchOptions, started: number): SearchResult | null {
  if (!prefixCachePolicy.rankedWords || options.federation === true || state.settings.distinctAttribute !== null) return null;
  if (params.filter !== undefined && params.filter !== null) return null;
  if (params.sort !== undefined && params.sort !== null && params.sort.length > 0) return null;
  if (params.facets || params.attributesToSearchOn || (params.distinct !== undefined && params.distinct !== null)) return null;
  if (params.showRankingScore === true || params.showRankingScoreDetails === true || (params.rankingScoreThreshold ?? null) !== null) return null;
  const q = params.q ?? '';
  const cutoff = state.settings.searchCutoffMs ?? DEFAULT_SEARCH_CUTOFF_MS;
  // (A budget of 50 ms or more cannot run out before a page is read.)
  const timedOut = (): boolean => cutoff < 50 && performance.now() >= started + cutoff;
  const window = pageWindow(params, state.settings.pagination.maxTotalHits);
  // A word as typed, prepared before anyone searched it: not parsed unless hits are formatted.
  const prepared = state.prepared.lookup(q);
  if (prepared !== undefined && covers(prepared, window)) {
    if (timedOut()) return null;
    return preparedPage(state, params, source, () => parseSearchQuery(state, q), prepared, window, started);
  }
  const parsed = parseSearchQuery(state, q);
  const key = rankedQueryKey(parsed, params.matchingStrategy ?? 'last');
  if (key === null) return null;
  // The same word written otherwise ("Python", " python").
  const word = parsed.words[0]!;
  const same = parsed.words.length === 1 && word.isPrefix && word.phrase === null && parsed.negative.length === 0 ? state.prepared.lookup(word.text) : undefined;
  if (same !== undefined && covers(same, window)) {
    if (timedOut()) return null;
    return preparedPage(state, params, source, () => parsed, same, window, started);
  }
  const ranked = state.prefixCache.rankedWord(key, state.epoch, parsed.words);
  if (ranked === undefined) return null;
  if (timedOut()) return null;
  return rankedPage(state, params, source, parsed, NO_SORT, ranked, started);
}

/** Whether a prepared ranking holds the page (it keeps the first documents only). */
function covers(prepared: PreparedRanking, window: PageWindow): boolean {
  return window.end <= prepared.order.length || prepared.order.length >= Math.min(prepared.total, window.maxTotalHits);
}

/** A page of hits read from a prepared ranking (`parsed` only when hits are formatted). */
function preparedPage(state: IndexState, params: SearchParams, source: DocumentSource, parsed: () => ParsedQuery, prepared: PreparedRanking, window: PageWindow, started: number): SearchResult {
  const order = prepared.order;
  const first = prepared.firstIds;
  const idAt = window.end <= first.length || first.length === order.length ? (i: number) => first[i] : (i: number) => state.externalId(order[i]!);
  return pagedHits(state, params, source, parsed, NO_SORT, window, order.length, idAt, prepared.total, started);
}

/** A page of hits read from a query's kept ranking. */
function rankedPage(state: IndexState, params: SearchParams, source: DocumentSource, parsed: ParsedQuery, sort: SortCriterion[], ranked: RankedWord, started: number): SearchResult {
  const window = pageWindow(params, state.settings.pagination.maxTotalHits);
  const ids = ranked.ids;
  return pagedHits(state, params, source, () => parsed, sort, window, ids.length, (i) => ids[i], ranked.total, started);
}

/** The page's hits of a ranking that holds `ranked` documents (`idAt`), formatted; `total` documents match. */
function pagedHits(
  state: IndexState,
  params: SearchParams,
  source: DocumentSource,
  parsed: () => ParsedQuery,
  sort: SortCriterion[],
  window: PageWindow,
  ranked: number,
  idAt: (i: number) => string | undefined,
  total: number,
  started: number,
): SearchResult {
  const settings = state.settings;
  const { offset, end, maxTotalHits } = window;
  const format: FormatOptions | null = isWholeDocument(settings, params, sort)
    ? null
    : { settings, params, tokenizer: state.tokenizer, words: parsed().words, vocabulary: state.vocabulary, sort };
  const hits: Document[] = [];
  for (let i = offset, stop = Math.min(end, ranked); i < stop; i++) {
    const id = idAt(i);
    const stored = id === undefined ? undefined : source.get(id);
    if (stored !== undefined) hits.push(format === null ? stored : formatHit(stored, format));
  }
  return pageResult(hits, params.q ?? '', window, Math.min(total, maxTotalHits), started);
}

/** Which hits a request asks for: offset/limit, or page/hitsPerPage (either capped by maxTotalHits). */
interface PageWindow {
  paged: boolean;
  hitsPerPage: number;
  page: number;
  offset: number;
  limit: number;
  /** One past the last hit to return. */
  end: number;
  maxTotalHits: number;
}

function pageWindow(params: SearchParams, maxTotalHits: number): PageWindow {
  const paged = params.page !== undefined || params.hitsPerPage !== undefined;
  const hitsPerPage = params.hitsPerPage ?? DEFAULT_HITS_PER_PAGE;
  const page = params.page ?? 1;
  const offset = paged ? (page === 0 ? 0 : (page - 1) * hitsPerPage) : (params.offset ?? 0);
  const limit = paged ? (page === 0 ? 0 : hitsPerPage) : (params.limit ?? DEFAULT_LIMIT);
  return { paged, hitsPerPage, page, offset, limit, end: Math.min(offset + limit, maxTotalHits), maxTotalHits };
}

/** The result with its hits and pagination fields (the caller adds facets and federation data). */
function pageResult(hits: Document[], q: string, { paged, hitsPerPage, page, limit, offset }: PageWindow, totalHits: number, started: number): SearchResult {
  const result: SearchResult = { hits, query: q, processingTimeMs: 0 };
  if (paged) {
    result.hitsPerPage = hitsPerPage;
    result.page = page;
    result.totalPages = hitsPerPage === 0 ? 0 : Math.ceil(totalHits / hitsPerPage);
    result.totalHits = totalHits;
  } else {
    result.limit = limit;
    result.offset = offset;
    result.estimatedTotalHits = totalHits;
  }
  result.processingTimeMs = Math.floor(performance.now() - started);
  return result;
}

/**
 * The ranking-cache key of a query (null when its ranking is not kept): per word its text, kind
 * (plain word, or phrase from quotes or a multi-word synonym), prefix flag and alternatives, and
 * with several words the matching strategy (everything else follows from the index and
 * settings). Not kept: negations, and `frequency` with several words (it drops words by their
 * document counts, which any write may change).
 */
export function rankedQueryKey(parsed: ParsedQuery, strategy: 'last' | 'all' | 'frequency'): string | null {
  const n = parsed.words.length;
  if (!prefixCachePolicy.rankedWords || n === 0 || parsed.negative.length > 0 || (n > 1 && strategy === 'frequency')) return null;
  let key = rankedKeys.get(parsed);
  if (key === undefined) {
    key = parsed.words.map(wordKey).join('\u0001');
    rankedKeys.set(parsed, key);
  }
  return n === 1 ? key : `${strategy}\u0002${key}`;
}

function wordKey(w: QueryWord): string {
  let key = `${w.phrase === null ? 'w' : 'p'}${w.isPrefix ? 1 : 0}${w.text}`;
  for (const alt of w.alternatives) key += `\u0000${alt.typos}:${alt.terms.join(',')}`;
  return key;
}

/** The words part of rankedQueryKey, per parsed query (parsed queries are cached: see parseSearchQuery). */
const rankedKeys = new WeakMap<ParsedQuery, string>();

/** The union of several searches' matched documents, as a set over the live-documents range. */
export function unionMatched(state: IndexState, matched: readonly MatchedDocuments[]): DocSet {
  const set = new Uint32Array(state.alive.length);
  for (const m of matched) for (const d of m.internalIds) set[d >>> 5]! |= 1 << (d & 31);
  return set;
}

function docSetOf(docs: Uint32Array, words: number): DocSet {
  const set = new Uint32Array(words);
  for (const d of docs) set[d >>> 5]! |= 1 << (d & 31);
  return set;
}
