/**
 * The contract between the search core (engine/src/index) and the rest of the engine.
 *
 * The stored documents live in the store (LMDB); the core keeps its own in-memory structures
 * (term dictionary, postings, facet values) and reads stored documents through DocumentSource
 * only when it needs their text (formatting, re-indexing). Only the task worker mutates a core.
 */
import type { Document, DocumentId } from '../types/document.ts';
import type { Settings } from '../types/settings.ts';

export interface DocumentSource {
  get(id: DocumentId): Document | undefined;
  entries(): Iterable<[DocumentId, Document]>;
}

export type FilterInput = string | Array<string | string[]>;

/** Search request, already type-checked (see search/params.ts). Every field optional. */
export interface SearchParams {
  q?: string | null;
  offset?: number;
  limit?: number;
  page?: number;
  hitsPerPage?: number;
  filter?: FilterInput | null;
  facets?: string[] | null;
  attributesToRetrieve?: string[] | null;
  attributesToCrop?: string[] | null;
  cropLength?: number;
  cropMarker?: string;
  attributesToHighlight?: string[] | null;
  highlightPreTag?: string;
  highlightPostTag?: string;
  showMatchesPosition?: boolean;
  sort?: string[] | null;
  matchingStrategy?: 'last' | 'all' | 'frequency';
  showRankingScore?: boolean;
  showRankingScoreDetails?: boolean;
  rankingScoreThreshold?: number | null;
  attributesToSearchOn?: string[] | null;
  distinct?: string | null;
  locales?: string[] | null;
}

export interface SearchResult {
  /**
   * A hit that is the whole stored document, unchanged, is the object `DocumentSource.get`
   * returned (no copy): callers must not modify hits.
   */
  hits: Document[];
  query: string;
  processingTimeMs: number;
  limit?: number;
  offset?: number;
  estimatedTotalHits?: number;
  hitsPerPage?: number;
  page?: number;
  totalPages?: number;
  totalHits?: number;
  facetDistribution?: Record<string, Record<string, number>>;
  facetStats?: Record<string, { min: number; max: number }>;
  /** With `SearchOptions.federation`: each hit's document id and global ranking score. */
  hitIds?: DocumentId[];
  hitScores?: number[];
  /** With `SearchOptions.federation`: every document the query matched (not only the page). */
  matched?: MatchedDocuments;
}

/** Options the HTTP layer gives a search (not part of the request body). */
export interface SearchOptions {
  /** Federated multi-search: fill `hitIds`, `hitScores` and `matched`. */
  federation?: boolean;
}

/** The documents a search matched, for counting and faceting across queries (opaque). */
export interface MatchedDocuments {
  readonly internalIds: Uint32Array;
}

export interface FacetsResult {
  facetDistribution: Record<string, Record<string, number>>;
  facetStats: Record<string, { min: number; max: number }>;
}

export interface FacetSearchParams {
  facetName: string;
  facetQuery?: string | null;
  q?: string | null;
  filter?: FilterInput | null;
  matchingStrategy?: 'last' | 'all' | 'frequency';
  attributesToSearchOn?: string[] | null;
  exhaustiveFacetCount?: boolean;
}

export interface FacetSearchResult {
  facetHits: Array<{ value: string; count: number }>;
  facetQuery: string | null;
  processingTimeMs: number;
}

export interface IndexCore {
  readonly documentCount: number;
  /** Adds or replaces the document with this id. */
  upsert(id: DocumentId, document: Document): void;
  remove(id: DocumentId): void;
  clear(): void;
  /**
   * Merges pending writes into the read structures. Every read does it first; the engine also
   * calls it when its task queue goes idle, so the first search after a write does not pay it.
   */
  seal(): void;
  /**
   * Seals, then brings the kept rankings of recently searched queries up to date with the writes
   * since (carried over them or ranked again), then prepares or carries the rankings of common
   * one-word queries, until `deadline` (a `performance.now()` time), so that the next search for
   * them reads its page; true when some are left. The engine calls it in slices while its task
   * queue is idle.
   */
  refreshKept(deadline: number): boolean;
  /**
   * Number of one-word queries whose ranking is prepared (prepared while idle by `refreshKept`,
   * see search/prepared-rankings.ts).
   */
  readonly preparedRankings: number;
  /** Applies new settings, re-indexing from the source what the change requires. */
  applySettings(settings: Settings, source: DocumentSource): void;
  /** Throws EngineError (invalid_search_filter, invalid_search_sort, ...) on a bad request. */
  search(params: SearchParams, source: DocumentSource, options?: SearchOptions): SearchResult;
  /** Number of distinct documents in the union of several searches' `matched`. */
  countMatched(matched: readonly MatchedDocuments[]): number;
  /**
   * facetDistribution and facetStats over the union of several searches' `matched` (federated
   * `facetsByIndex`). Throws invalid_search_facets for facets that are not filterable.
   */
  facetsOf(facets: string[], matched: readonly MatchedDocuments[]): FacetsResult;
  facetSearch(params: FacetSearchParams, source: DocumentSource): FacetSearchResult;
  /**
   * The ids of the documents matching a filter, in internal order. Throws EngineError with
   * `errorCode` (e.g. invalid_document_filter) when the filter is invalid for this index.
   */
  filterDocuments(filter: FilterInput, errorCode: 'invalid_document_filter' | 'invalid_search_filter'): DocumentId[];
  /**
   * Drops every read cache (parsed queries, word derivations, cached prefix matches, one-word
   * rankings), exactly what any write or settings change drops: the next searches run as the
   * first searches after a write do. For benchmarks and tests measuring that cold path.
   */
  dropReadCaches(): void;
}
