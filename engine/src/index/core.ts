import type { Document, DocumentId } from '../types/document.ts';
import type { Settings } from '../types/settings.ts';
import { addDoc, countSet, emptySet, hasDoc, removeDoc, setToArray, type DocSet } from './doc-set.ts';
import { FacetIndex } from './facets.ts';
import { FieldLengths } from './field-lengths.ts';
import { FieldRegistry, firstMatchingPattern, matchesAttributePattern } from './fields.ts';
import { DocTerms } from './doc-terms.ts';
import { DocumentIndexer } from './indexer.ts';
import { evaluateFilterInput } from './filter-input.ts';
import { Postings } from './postings.ts';
import { PrefixRows } from './prefix-rows.ts';
import { executeFacetSearch } from './search/facet-search.ts';
import { executeSearch, unionMatched, type IndexState } from './search/search.ts';
import { carryPrepared, prepareRanking } from './search/prepare-ranking.ts';
import { computeFacets, resolveFacetNames } from './search/facet-distribution.ts';
import { ScratchArrays } from './search/scratch.ts';
import { PrefixCache, prefixCachePolicy, type VocabularyChanges } from './search/prefix-cache.ts';
import { PreparedRankings, commonPrefixes, preparePolicy, type PreparedChanges } from './search/prepared-rankings.ts';
import { typoLengths } from './search/query-terms.ts';
import type { WriteChanges } from './search/write-journal.ts';
import { Tokenizer, normalizeWord } from './tokenizer.ts';
import type { DocumentSource, FacetSearchParams, FacetSearchResult, FacetsResult, FilterInput, IndexCore, MatchedDocuments, SearchOptions, SearchParams, SearchResult } from './types.ts';
import { Vocabulary } from './vocabulary.ts';

/**
 * The in-memory search core of one index. Documents get a dense internal id on every upsert
 * (a replaced document gets a new one; the old id simply dies), so the postings and facet lists
 * only ever append, and are cleaned of dead ids in one pass by the next search ("seal").
 * Internal ids order placeholder results, like Meilisearch's document ids.
 */

/** Ids are renumbered when the id space exceeds COMPACT_FACTOR x live documents + COMPACT_SLACK. */
const COMPACT_FACTOR = 2;
const COMPACT_SLACK = 4096;
/** Terms are renumbered when terms found in no live document outnumber live ones by this. */
const TERM_COMPACT_SLACK = 65_536;
/**
 * Writes seal on their own once the pending log outgrows the sealed postings (and this floor,
 * ~70 MB of log), so an index written to without a pause (the engine seals whenever its task
 * queue is idle) keeps a bounded log: replaced documents' pairs go at the next seal. Amortized,
 * each pair is copied a constant number of times; the floor keeps a first load of a few million
 * pairs to one seal (prefix rows are built in bulk only by a first seal).
 */
const PENDING_SEAL_FLOOR = 1 << 22;

export function filterableAttributePatterns(settings: Settings): string[] {
  const out: string[] = [];
  for (const rule of settings.filterableAttributes) {
    if (typeof rule === 'string') out.push(rule);
    else out.push(...rule.attributePatterns);
  }
  return out;
}

/** The document source of searches that return no hits (refreshing kept rankings). */
const NO_DOCUMENTS: DocumentSource = { get: () => undefined, entries: () => new Map<DocumentId, Document>().entries() };

export class SearchCore implements IndexCore, IndexState {
  settings: Settings;
  primaryKey: string | null;
  tokenizer!: Tokenizer;
  stopWords!: Set<string>;
  synonyms!: Map<string, string[][]>;
  filterablePatterns!: string[];

  readonly fields = new FieldRegistry();
  readonly vocabulary = new Vocabulary();
  readonly postings = new Postings();
  /** Where each document's pairs are, for removals (doc-terms.ts). */
  readonly #docTerms = new DocTerms();
  /** Postings of common prefixes, under reserved term ids of the vocabulary (prefix-rows.ts). */
  readonly prefixRows = new PrefixRows();
  readonly fieldLengths = new FieldLengths();
  facets: FacetIndex;

  /** Attribute rank of each field id for searching (-1 = not searchable); grows with fields. */
  rankOfField = new Int32Array(0);
  readonly #externalToInternal = new Map<DocumentId, number>();
  #internalToExternal: Array<DocumentId | undefined> = [];
  alive: DocSet = emptySet(1024);
  #nextId = 0;
  #dirty = false;
  readonly #indexer = new DocumentIndexer(this);
  readonly scratch = new ScratchArrays();
  readonly prefixCache = new PrefixCache();
  readonly prepared = new PreparedRankings();
  /** Vocabulary size when the prepared rankings' candidates were listed. */
  #listedVocabulary = 0;
  /** Bumped by every seal and settings change; read-side caches compare it. */
  epoch = 0;

  /** Vocabulary size at the last seal (read caches learn whether words were added). */
  #sealedVocabulary = 0;
  /** Capacity at the last seal: documents from there on are the ones the next seal adds. */
  #sealedCapacity = 0;

  readonly #compactSlack: number;
  readonly #termCompactSlack: number;

  /** `options.compactSlack` / `termCompactSlack` lower the renumbering thresholds (tests). */
  constructor(settings: Settings, primaryKey: string | null, options: { compactSlack?: number; termCompactSlack?: number } = {}) {
    this.#compactSlack = options.compactSlack ?? COMPACT_SLACK;
    this.#termCompactSlack = options.termCompactSlack ?? TERM_COMPACT_SLACK;
    this.settings = settings;
    this.primaryKey = primaryKey;
    this.facets = new FacetIndex((path) => this.#isFaceted(path));
    this.#configure(settings);
  }

  get documentCount(): number {
    return this.#externalToInternal.size;
  }

  /** One past the largest internal id ever given; the size of per-document arrays. */
  get capacity(): number {
    return this.#nextId;
  }

  externalId(internal: number): DocumentId | undefined {
    return this.#internalToExternal[internal];
  }

  #configure(settings: Settings): void {
    this.settings = settings;
    this.tokenizer = new Tokenizer(settings);
    this.stopWords = new Set(settings.stopWords.map(normalizeWord));
    this.synonyms = new Map();
    for (const [key, values] of Object.entries(settings.synonyms)) {
      const k = this.tokenizer.words(key).join(' ');
      if (k === '') continue;
      const list = this.synonyms.get(k) ?? [];
      for (const v of values) {
        const words = this.tokenizer.words(v);
        if (words.length > 0) list.push(words);
      }
      this.synonyms.set(k, list);
    }
    this.filterablePatterns = filterableAttributePatterns(settings);
    this.rankOfField = new Int32Array(0);
  }

  #isFaceted(path: string): boolean {
    const s = this.settings;
    if (this.filterablePatterns.some((p) => matchesAttributePattern(p, path))) return true;
    if (s.sortableAttributes.some((p) => matchesAttributePattern(p, path))) return true;
    return s.distinctAttribute !== null && matchesAttributePattern(s.distinctAttribute, path);
  }

  /** Rank of `fieldId` among searchable attributes, or -1. */
  searchRank(fieldId: number): number {
    if (fieldId >= this.rankOfField.length) this.#extendRanks();
    return this.rankOfField[fieldId]!;
  }

  /** Computes ranks for the fields registered since the last call. */
  #extendRanks(): void {
    const old = this.rankOfField;
    const next = new Int32Array(this.fields.size);
    next.set(old);
    const patterns = this.settings.searchableAttributes;
    const all = patterns.includes('*');
    for (let f = old.length; f < next.length; f++) next[f] = all ? f : firstMatchingPattern(patterns, this.fields.name(f));
    this.rankOfField = next;
  }

  // ---- writes --------------------------------------------------------------------------

  upsert(id: DocumentId, document: Document): void {
    const old = this.#externalToInternal.get(id);
    if (old !== undefined) this.#kill(old);
    const doc = this.#nextId++;
    this.#externalToInternal.set(id, doc);
    this.#internalToExternal[doc] = id;
    if (this.alive.length * 32 <= doc) {
      const grown = emptySet(Math.max(doc + 1, this.alive.length * 64));
      grown.set(this.alive);
      this.alive = grown;
    }
    addDoc(this.alive, doc);
    this.#indexer.index(doc, document);
    this.facets.addDocument(doc, document);
    this.#dirty = true;
    if (this.postings.pendingPairCount > Math.max(PENDING_SEAL_FLOOR, this.postings.docs.length)) this.seal();
  }

  remove(id: DocumentId): void {
    const old = this.#externalToInternal.get(id);
    if (old === undefined) return;
    this.#kill(old);
    this.#externalToInternal.delete(id);
  }

  #kill(doc: number): void {
    removeDoc(this.alive, doc);
    this.#internalToExternal[doc] = undefined;
    this.fieldLengths.clearDoc(doc);
    this.facets.removeDocument(doc);
    this.postings.markRemoved(doc);
    this.#dirty = true;
  }

  clear(): void {
    this.#externalToInternal.clear();
    this.#internalToExternal = [];
    this.alive = emptySet(1024);
    this.#nextId = 0;
    this.#sealedCapacity = 0;
    this.vocabulary.clear();
    this.#indexer.reset();
    this.postings.clear();
    this.#docTerms.clear();
    this.prefixRows.reset();
    this.fieldLengths.clear();
    this.facets.clear();
    this.#dirty = false;
    this.#sealedVocabulary = 0;
    this.#advance(null);
  }

  /**
   * Moves to a new epoch: read caches built before it no longer apply, except what the write
   * journal lets them carry over (`written`: what a seal merged; null: anything else, which
   * drops the prepared rankings too unless only the read caches are dropped).
   */
  #advance(written: { changes: WriteChanges | null; vocabulary: VocabularyChanges; prepared: PreparedChanges } | null, readCachesOnly = false): void {
    this.epoch++;
    if (written === null) {
      this.prefixCache.noteBreak(this.epoch);
      if (!readCachesOnly) this.prepared.noteBreak();
    } else {
      this.prefixCache.noteWrite(this.epoch, written.changes, written.vocabulary);
      this.prepared.noteWrite(written.prepared);
    }
  }

  /** Merges pending writes into the read structures; called before every read. */
  seal(): void {
    if (!this.#dirty) return;
    const alive = this.alive;
    const isAlive = (d: number): boolean => hasDoc(alive, d);
    const prefixPairs = this.prefixRows.beforeSeal(this.vocabulary, this.postings);
    this.#docTerms.record(this.postings, alive, this.#nextId);
    this.postings.seal(this.vocabulary.size, alive, prefixPairs, (d) => this.#docTerms.rowsOf(d, (t) => this.prefixRows.rowsOfWord(t)));
    this.prefixRows.afterSeal(this.vocabulary, this.postings, this.#nextId);
    this.facets.seal(isAlive);
    this.#dirty = false;
    const { removed, gained, flipped, counted } = this.postings.lastSeal;
    const vocabulary: VocabularyChanges = {
      grew: this.vocabulary.size !== this.#sealedVocabulary,
      flipped: flipped === null ? null : flipped.filter((t) => !this.vocabulary.isReserved(t)).map((t) => this.vocabulary.term(t)),
      counted,
    };
    const prepared: PreparedChanges = {
      terms: () => (gained === null || counted === null ? null : { gained, counted }),
      added: [this.#sealedVocabulary, this.vocabulary.size],
      vocabularyChanged: vocabulary.grew || vocabulary.flipped === null || vocabulary.flipped.length > 0,
      before: { epoch: this.epoch, capacity: this.#sealedCapacity },
      wordOf: (t) => (this.vocabulary.isReserved(t) ? this.prefixRows.prefixOf(t) : this.vocabulary.term(t)),
      termOf: (word) => this.vocabulary.lookup(word),
      documents: (term) => this.postings.docCount(term),
    };
    this.#sealedVocabulary = this.vocabulary.size;
    const written = { changes: removed === null || gained === null ? null : { removed, gained }, vocabulary, prepared };
    let renumbered = false;
    if (this.#nextId > COMPACT_FACTOR * this.documentCount + this.#compactSlack) {
      this.#compactIds();
      renumbered = true;
    }
    const deadTerms = this.postings.emptyTermCount();
    if (deadTerms > this.vocabulary.size - deadTerms + this.#termCompactSlack) {
      this.#compactTerms();
      this.#sealedVocabulary = this.vocabulary.size;
      renumbered = true;
    }
    this.#sealedCapacity = this.#nextId;
    this.#advance(renumbered ? null : written);
  }

  /**
   * Forgets the terms no live document has any more: without this, an index whose documents
   * are replaced with ever new words (logs, ids, random text) would grow without bound.
   */
  #compactTerms(): void {
    // Prefix rows hold term ids of their words: they go too, and are built again in bulk from
    // the words that remain, as after a first load.
    const mapping = this.postings.retainTerms((term) => !this.vocabulary.isReserved(term));
    this.vocabulary.retain(mapping);
    this.#docTerms.remapTerms(mapping);
    this.#indexer.reset();
    this.prefixRows.reset();
    const extra = this.prefixRows.beforeSeal(this.vocabulary, this.postings);
    this.postings.seal(this.vocabulary.size, this.alive, extra);
    this.prefixRows.afterSeal(this.vocabulary, this.postings, this.#nextId);
  }

  /**
   * Renumbers live documents 0..n-1 (keeping their order) once replaced and deleted documents
   * have left too many unused ids: every per-document array is sized by the id space. The
   * mapping is monotonic, so sorted id lists stay sorted.
   */
  #compactIds(): void {
    const mapping = new Int32Array(this.#nextId).fill(-1);
    const externals: Array<DocumentId | undefined> = [];
    let next = 0;
    for (let d = 0; d < this.#nextId; d++) {
      if (!hasDoc(this.alive, d)) continue;
      mapping[d] = next;
      const ext = this.#internalToExternal[d]!;
      externals[next] = ext;
      this.#externalToInternal.set(ext, next);
      next++;
    }
    this.postings.remapDocs(mapping);
    this.#docTerms.remapDocs(mapping, next);
    this.facets.remapDocs(mapping, next);
    this.fieldLengths.remapDocs(mapping, next);
    this.#internalToExternal = externals;
    this.#nextId = next;
    this.alive = emptySet(Math.max(1024, next));
    for (let d = 0; d < next; d++) addDoc(this.alive, d);
    this.#indexer.reset();
  }

  applySettings(settings: Settings, source: DocumentSource): void {
    const before = this.settings;
    const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
    const textChanged =
      !same(before.searchableAttributes, settings.searchableAttributes) ||
      !same(before.stopWords, settings.stopWords) ||
      !same(before.separatorTokens, settings.separatorTokens) ||
      !same(before.nonSeparatorTokens, settings.nonSeparatorTokens) ||
      !same(before.dictionary, settings.dictionary);
    const facetsChanged =
      !same(before.filterableAttributes, settings.filterableAttributes) ||
      !same(before.sortableAttributes, settings.sortableAttributes) ||
      before.distinctAttribute !== settings.distinctAttribute;
    this.#configure(settings);
    this.#advance(null);
    if (!textChanged && !facetsChanged) return;
    this.seal();
    if (textChanged) {
      this.vocabulary.clear();
      this.#indexer.reset();
      this.postings.clear();
      this.#docTerms.clear();
      this.prefixRows.reset();
      this.fieldLengths.clear();
    }
    if (facetsChanged) this.facets = new FacetIndex((path) => this.#isFaceted(path));
    for (const [id, document] of source.entries()) {
      const doc = this.#externalToInternal.get(id);
      if (doc === undefined) {
        this.upsert(id, document);
        continue;
      }
      if (textChanged) this.#indexer.index(doc, document);
      if (facetsChanged) this.facets.addDocument(doc, document);
    }
    this.#dirty = true;
    this.seal();
    this.#advance(null);
  }

  get preparedRankings(): number {
    return this.prepared.size;
  }

  /** Drops the read caches (as if no query had been searched); prepared rankings stay. */
  dropReadCaches(): void {
    this.#advance(null, true);
  }

  refreshKept(deadline: number): boolean {
    this.seal();
    // Words added by the writes join the packed word tree that typo and prefix lookups walk.
    this.vocabulary.compactTree();
    const stale = this.prefixCache.staleRankings(this.epoch);
    this.prefixCache.refreshing = true;
    try {
      for (const { key, search } of stale) {
        if (performance.now() >= deadline) return true;
        // A search without a page reads the ranking, carrying it over the writes, or ranks it again.
        executeSearch(this, { ...search, limit: 0 }, NO_DOCUMENTS);
        this.prefixCache.dropStale(key, this.epoch);
      }
      return this.#prepareRankings(deadline);
    } finally {
      this.prefixCache.refreshing = false;
    }
  }

  /** Prepares the rankings of common one-word queries (prepared-rankings.ts) until `deadline`. */
  #prepareRankings(deadline: number): boolean {
    if (!prefixCachePolicy.rankedWords || this.settings.distinctAttribute !== null) return false;
    // Words that became common since the candidates were listed get their turn.
    if (this.vocabulary.size > this.#listedVocabulary + (this.#listedVocabulary >> 3)) this.prepared.relist();
    const list = (): string[] => {
      this.#listedVocabulary = this.vocabulary.size;
      const postings = this.postings;
      return commonPrefixes(
        (visit) => this.vocabulary.tree().forEach((word, term) => visit(word, postings.docCount(term))),
        preparePolicy.minDocuments,
        preparePolicy.maxQueries,
      );
    };
    const lengths = typoLengths(this.settings);
    for (;;) {
      if (performance.now() >= deadline) return true;
      const next = this.prepared.next(list, lengths);
      if (next === undefined) return false;
      const held = next.entry;
      const carried = held === null ? null : carryPrepared(this, { ...next, entry: held });
      const entry = carried ?? prepareRanking(this, next.q, NO_DOCUMENTS);
      if (entry === null) continue;
      this.prepared.store(next.q, entry);
      this.prepared.stats[carried === null ? 'made' : 'carried']++;
    }
  }

  // ---- reads ---------------------------------------------------------------------------

  search(params: SearchParams, source: DocumentSource, options?: SearchOptions): SearchResult {
    this.seal();
    return executeSearch(this, params, source, options);
  }

  countMatched(matched: readonly MatchedDocuments[]): number {
    return countSet(unionMatched(this, matched));
  }

  facetsOf(facets: string[], matched: readonly MatchedDocuments[]): FacetsResult {
    this.seal();
    const names = resolveFacetNames(facets, this.settings, this.facets);
    const set = unionMatched(this, matched);
    return computeFacets(names, this.settings, this.facets, set, setToArray(set), this.capacity);
  }

  facetSearch(params: FacetSearchParams, source: DocumentSource): FacetSearchResult {
    this.seal();
    return executeFacetSearch(this, params, source);
  }

  filterDocuments(filter: FilterInput, errorCode: 'invalid_document_filter' | 'invalid_search_filter'): DocumentId[] {
    this.seal();
    const set = evaluateFilterInput(this, filter, errorCode);
    const ids = set === null ? setToArray(this.alive) : setToArray(set);
    const out: DocumentId[] = [];
    for (const d of ids) {
      const ext = this.#internalToExternal[d];
      if (ext !== undefined) out.push(ext);
    }
    return out;
  }
}
