import { EngineError } from '../../errors/engine-error.ts';
import type { FacetIndex } from '../facets.ts';
import type { FieldLengths } from '../field-lengths.ts';
import { haversineDistance } from '../../filter/index.ts';
import { FIELD_SHIFT, POSITION_MASK } from '../postings.ts';
import type { RankingRule } from './bucket-sort.ts';
import { OccurrenceList } from './occurrence-list.ts';
import { NOT_CHAINED, NO_MATCH, bestPos, bestRank, exactHit, exactStart, minTypo, type OccurrenceChains, type PositionLookup, type WordMatches } from './match-data.ts';
import type { QueryWord } from './query-terms.ts';
import type { RowProximity } from './row-proximity.ts';
import type { SortCriterion } from './sort-params.ts';

/**
 * The ranking rules as document -> key functions (see bucket-sort.ts). Each works on the
 * "active" query words of a document: with matchingStrategy `last`, a document that matches
 * only the first k words is ranked on those k words, as Meilisearch ranks it in the bucket
 * where the other words were removed.
 */

/** Proximity cost of two words farther apart than this (or in different attributes). */
export const MAX_PROXIMITY = 7;

/**
 * `startFlags`: the exactness of a document with one active word is read from what the matching
 * pass recorded (the word, or quoted phrase, exactly at the start of an attribute, or all of it)
 * instead of from the word's occurrences; tests turn it off to compare the two.
 */
export const exactnessPolicy = { startFlags: true };
/** Positions past this all cost the same in the attribute rule's position part. */
export const MAX_POSITION_COST = 1023;

export interface RankingContext {
  words: QueryWord[];
  matches: WordMatches[];
  /** Bitmask of active words per document. */
  activeMask: Uint32Array;
  activeCount: Uint8Array;
  positions: PositionLookup;
  fieldLengths: FieldLengths;
  facets: FacetIndex;
  capacity: number;
  /** Sum over query words of their typo budget (for the typo rule's score). */
  maxTypos: number;
  /** Number of distinct attribute ranks (for the attribute rule's score). */
  attributeRanks: number;
  proximityPrecision: 'byWord' | 'byAttribute';
  /** Set when the proximity rule reads the occurrences in the words' rows (no chains were built). */
  rowProximity: RowProximity | undefined;
  /** With two-phase matching: fills the active words of documents before a rule reads them. */
  prepareActive: ((docs: ArrayLike<number>) => void) | undefined;
  /** With two-phase matching: fills the active words and match details of documents. */
  prepare: ((docs: ArrayLike<number>) => void) | undefined;
  /** With two-phase matching: the words rule's buckets of all candidates (see LazyCandidates). */
  wordBuckets: (() => Iterable<[number, Uint32Array]>) | undefined;
}

function wordsRule(ctx: RankingContext): RankingRule {
  const n = ctx.words.length;
  const count = ctx.activeCount;
  return {
    name: 'words',
    maxKey: n - 1,
    // One word: every candidate matches it.
    constantKey: n === 1 ? 0 : undefined,
    prepare: ctx.prepareActive,
    rootBuckets: ctx.wordBuckets,
    key: (d) => n - count[d]!,
    keys: (docs, out) => {
      for (let i = 0; i < docs.length; i++) out[i] = n - count[docs[i]!]!;
    },
  };
}

function typoRule(ctx: RankingContext): RankingRule {
  const key = (d: number): number => {
    let mask = ctx.activeMask[d]!;
    let sum = 0;
    while (mask !== 0) {
      const i = 31 - Math.clz32(mask & -mask);
      mask &= mask - 1;
      const t = minTypo(ctx.matches[i]!, d);
      if (t !== NO_MATCH) sum += t;
    }
    return sum;
  };
  // No derivation with typos (short words, prefixes, phrases): every candidate has 0.
  const typoFree = ctx.words.every((w) => w.derivations.every((d) => d.typos === 0) && w.alternatives.every((a) => a.typos === 0));
  const single = ctx.words.length === 1 ? ctx.matches[0]! : null;
  return {
    name: 'typo',
    prepare: ctx.prepare,
    maxKey: ctx.maxTypos,
    constantKey: typoFree ? 0 : undefined,
    key,
    keys: (docs, out) => {
      if (single !== null) {
        const detail = single.detail;
        for (let i = 0; i < docs.length; i++) out[i] = detail[2 * docs[i]!]! & 0xff;
      }
      else for (let i = 0; i < docs.length; i++) out[i] = key(docs[i]!);
    },
  };
}

/**
 * Smallest proximity cost between occurrences of word A then word B (sorted packed
 * occurrences; `aSpan` = extra words of A when it is a phrase): B right after A costs 0, each
 * word in between 1 more; B before A costs one more than the same gap in order; different
 * attributes or larger gaps cost MAX_PROXIMITY.
 */
export function pairProximity(a: readonly number[], aSpan: number, b: readonly number[]): number {
  return pairProximityIn(a, 0, a.length, aSpan, b, 0, b.length);
}

/** pairProximity of the occurrences a[aFrom, aTo) and b[bFrom, bTo) (both sorted), read in place. */
export function pairProximityIn(a: ArrayLike<number>, aFrom: number, aTo: number, aSpan: number, b: ArrayLike<number>, bFrom: number, bTo: number): number {
  let best = MAX_PROXIMITY;
  let i = aFrom;
  let j = bFrom;
  let lastAEnd = -1;
  let lastB = -1;
  while ((i < aTo || j < bTo) && best > 0) {
    if (j >= bTo || (i < aTo && a[i]! <= b[j]!)) {
      const va = a[i++]!;
      if (lastB >= 0 && lastB >>> FIELD_SHIFT === va >>> FIELD_SHIFT) {
        const gap = (va & POSITION_MASK) - (lastB & POSITION_MASK);
        best = Math.min(best, gap, MAX_PROXIMITY);
      }
      lastAEnd = va + aSpan;
    } else {
      const vb = b[j++]!;
      if (lastAEnd >= 0 && lastAEnd >>> FIELD_SHIFT === vb >>> FIELD_SHIFT) {
        const gap = (vb & POSITION_MASK) - (lastAEnd & POSITION_MASK);
        best = Math.min(best, Math.max(gap, 1) - 1, MAX_PROXIMITY);
      }
      lastB = vb;
    }
  }
  return best;
}

/**
 * The proximity cost of one occurrence of A (`va`) and one of B (`vb`), packed: pairProximity's
 * costs, B at or after A by its gap past A's end, B before A one more than the same gap in
 * order; at least MAX_PROXIMITY in different attributes (the callers keep the smallest, from
 * MAX_PROXIMITY).
 */
function occurrenceCost(va: number, vb: number, aSpan: number): number {
  if (va >>> FIELD_SHIFT !== vb >>> FIELD_SHIFT) return MAX_PROXIMITY;
  return va <= vb ? Math.max(vb - va - aSpan, 1) - 1 : va - vb;
}

/**
 * pairProximity of the occurrences chained from `a` and `b`, read in place: every pair is
 * compared (chains are short), which finds the nearest pair as the merge does without listing
 * and sorting them, and without its unpredictable branches. Past CHAIN_PAIRS pairs (words
 * repeated in a long text) the merge costs less.
 */
export function chainedPairProximity(chains: OccurrenceChains, a: number, aSpan: number, b: number): number {
  const { occ, next } = chains;
  let best = MAX_PROXIMITY;
  let compared = 0;
  for (let i = a; i !== -1 && best > 0; i = next[i]!) {
    const va = occ[i]!;
    for (let j = b; j !== -1; j = next[j]!) {
      if (++compared > CHAIN_PAIRS) {
        const as = chains.list(a, longChainA);
        const bs = chains.list(b, longChainB);
        return pairProximityIn(as.data, 0, as.length, aSpan, bs.data, 0, bs.length);
      }
      const cost = occurrenceCost(va, occ[j]!, aSpan);
      if (cost < best) best = cost;
    }
  }
  return best;
}

/** pairProximityIn of two slices, comparing every pair while they are few (as chainedPairProximity). */
export function slicePairProximity(a: Uint32Array, aFrom: number, aTo: number, aSpan: number, b: Uint32Array, bFrom: number, bTo: number): number {
  if ((aTo - aFrom) * (bTo - bFrom) > CHAIN_PAIRS) return pairProximityIn(a, aFrom, aTo, aSpan, b, bFrom, bTo);
  let best = MAX_PROXIMITY;
  for (let i = aFrom; i < aTo; i++) {
    const va = a[i]!;
    for (let j = bFrom; j < bTo; j++) {
      const cost = occurrenceCost(va, b[j]!, aSpan);
      if (cost < best) best = cost;
    }
  }
  return best;
}

/** chainedPairProximity compares every pair up to this many. */
const CHAIN_PAIRS = 64;
/** The chains chainedPairProximity merges past CHAIN_PAIRS (searches run one at a time). */
const longChainA = new OccurrenceList();
const longChainB = new OccurrenceList();

/** proximityPrecision "byAttribute": two words are close when in the same attribute at all. */
function attributeProximity(a: OccurrenceList, b: OccurrenceList): number {
  for (let i = 0; i < a.length; i++) {
    const field = a.data[i]! >>> FIELD_SHIFT;
    for (let j = 0; j < b.length; j++) if (b.data[j]! >>> FIELD_SHIFT === field) return 0;
  }
  return MAX_PROXIMITY;
}

function proximityRule(ctx: RankingContext): RankingRule {
  const n = ctx.words.length;
  const byAttribute = ctx.proximityPrecision === 'byAttribute';
  const spans = ctx.words.map((w) => (w.phrase === null ? 0 : w.phrase.length - 1));
  const rows = byAttribute ? undefined : ctx.rowProximity;
  if (rows !== undefined && n >= 2) {
    // Only the active words are read before this rule: the details wait for the next rules.
    return {
      name: 'proximity',
      prepare: ctx.prepareActive,
      maxKey: (n - 1) * MAX_PROXIMITY,
      key: (d) => rows.key(d, ctx.activeMask),
      keys: (docs, out) => rows.keys(docs, ctx.activeMask, out),
    };
  }
  // A pair's two lists, filled again for each document; the later word's list is kept for the next pair.
  const lists = [new OccurrenceList(), new OccurrenceList()] as const;
  return {
    name: 'proximity',
    prepare: ctx.prepare,
    maxKey: Math.max(0, (n - 1) * MAX_PROXIMITY),
    constantKey: n < 2 ? 0 : undefined,
    key: (d) => {
      if (n < 2) return 0;
      const positions = ctx.positions;
      let prev = -1;
      let prevChain = NOT_CHAINED;
      let prevList: OccurrenceList | null = null;
      let sum = 0;
      let mask = ctx.activeMask[d]!;
      while (mask !== 0) {
        const i = 31 - Math.clz32(mask & -mask);
        mask &= mask - 1;
        const chain = byAttribute ? NOT_CHAINED : positions.chainOf(i, d);
        if (prev >= 0 && chain !== NOT_CHAINED && prevChain !== NOT_CHAINED) {
          sum += chainedPairProximity(positions.chains, prevChain, spans[prev]!, chain);
          prevList = null;
        } else if (prev >= 0) {
          const before = prevList ?? positions.positions(prev, d, false, lists[0]);
          const list = positions.positions(i, d, false, before === lists[0] ? lists[1] : lists[0]);
          sum += byAttribute
            ? attributeProximity(before, list)
            : pairProximityIn(before.data, 0, before.length, spans[prev]!, list.data, 0, list.length);
          prevList = list;
        }
        prev = i;
        prevChain = chain;
      }
      return sum;
    },
  };
}

/** Cost of the first position of a word in an attribute: exact up to 8, then logarithmic. */
function positionCost(pos: number): number {
  return pos < 8 ? pos : Math.min(8 + Math.floor(Math.log2(pos - 7)) + 1, 64);
}

/** attributeRank (v1.36+): only which attribute the words are in. */
function attributeRankRule(ctx: RankingContext): RankingRule {
  const n = ctx.words.length;
  const ranks = Math.max(1, ctx.attributeRanks);
  return {
    name: 'attributeRank',
    prepare: ctx.prepare,
    maxKey: n * (ranks - 1),
    key: (d) => {
      let mask = ctx.activeMask[d]!;
      let sum = 0;
      while (mask !== 0) {
        const i = 31 - Math.clz32(mask & -mask);
        mask &= mask - 1;
        sum += bestRank(ctx.matches[i]!, d);
      }
      return sum;
    },
  };
}

/** wordPosition (v1.36+): only how early in their attribute the words are. */
function wordPositionRule(ctx: RankingContext): RankingRule {
  const n = ctx.words.length;
  return {
    name: 'wordPosition',
    prepare: ctx.prepare,
    maxKey: n * 64,
    key: (d) => {
      let mask = ctx.activeMask[d]!;
      let sum = 0;
      while (mask !== 0) {
        const i = 31 - Math.clz32(mask & -mask);
        mask &= mask - 1;
        sum += positionCost(bestPos(ctx.matches[i]!, d));
      }
      return sum;
    },
  };
}

function attributeRule(ctx: RankingContext): RankingRule {
  const n = ctx.words.length;
  const ranks = Math.max(1, ctx.attributeRanks);
  const key = (d: number): number => {
    let mask = ctx.activeMask[d]!;
    let rankSum = 0;
    let posSum = 0;
    while (mask !== 0) {
      const i = 31 - Math.clz32(mask & -mask);
      mask &= mask - 1;
      const m = ctx.matches[i]!;
      const place = m.detail[2 * d + 1]!;
      rankSum += place >>> 16;
      posSum += positionCost(place & 0xffff);
    }
    return rankSum * (n * 64 + 1) + Math.min(posSum, n * 64);
  };
  const single = n === 1 ? ctx.matches[0]! : null;
  return {
    name: 'attribute',
    prepare: ctx.prepare,
    maxKey: n * (ranks - 1) * 65 + n * 64,
    key,
    keys: (docs, out) => {
      if (single !== null) {
        const detail = single.detail;
        for (let i = 0; i < docs.length; i++) {
          const place = detail[2 * docs[i]! + 1]!;
          const pos = place & 0xffff;
          out[i] = (place >>> 16) * 65 + (pos < 8 ? pos : positionCost(pos));
        }
      } else {
        for (let i = 0; i < docs.length; i++) out[i] = key(docs[i]!);
      }
    },
  };
}

function exactnessRule(ctx: RankingContext): RankingRule {
  const n = ctx.words.length;
  // Per word, filled again for each document.
  const lists = ctx.words.map(() => new OccurrenceList());
  const startFlags = exactnessPolicy.startFlags;
  const general = (d: number): number => {
    let exact = 0;
    let activeCount = 0;
    let mask = ctx.activeMask[d]!;
    while (mask !== 0) {
      const i = 31 - Math.clz32(mask & -mask);
      mask &= mask - 1;
      activeCount++;
      if (exactHit(ctx.matches[i]!, d) === 1) exact++;
    }
    // Some attribute equal to (0) / starting with (1) the active words, exactly and in order;
    // only possible when the first active word is exactly at the start of an attribute, and
    // when the active words are the query's first ones: Meilisearch's exact attribute rule
    // gives no document either bucket when the query it ranks has lost its first word or one
    // in the middle (matchingStrategy frequency).
    if ((ctx.activeMask[d]! & (ctx.activeMask[d]! + 1)) !== 0) return 2 + (n - exact);
    const first = ctx.matches[0]!;
    if (activeCount === 1 && first.recordsStart && startFlags) {
      // The matching pass recorded it for the word's exact derivations (a quoted phrase: its
      // matches) in the searched attributes, as its occurrences below would find it: most
      // candidates of a query of several words match its first word only (matchingStrategy last).
      const start = exactStart(first, d);
      return start === 2 ? 0 : start === 1 ? 1 : 2 + (n - exact);
    }
    const mayStart = first.recordsStart ? exactStart(first, d) !== 0 : bestPos(first, d) === 0;
    if (exact === activeCount && activeCount > 0 && mayStart) {
      const activeMask = ctx.activeMask[d]!;
      for (let m = activeMask; m !== 0; m &= m - 1) {
        const i = 31 - Math.clz32(m & -m);
        ctx.positions.positions(i, d, true, lists[i]!);
      }
      const firstList = lists[0]!;
      let best = 2;
      for (let k = 0; k < firstList.length; k++) {
        const o = firstList.data[k]!;
        if ((o & POSITION_MASK) !== 0) continue;
        const field = o >>> FIELD_SHIFT;
        let span = 0;
        let ok = true;
        for (let m = activeMask; m !== 0 && ok; m &= m - 1) {
          const i = 31 - Math.clz32(m & -m);
          ok = lists[i]!.includes(((field << FIELD_SHIFT) | span) >>> 0);
          const phrase = ctx.words[i]!.phrase;
          span += phrase === null ? 1 : phrase.length;
        }
        if (ok) best = Math.min(best, ctx.fieldLengths.get(field, d) === span ? 0 : 1);
        if (best === 0) break;
      }
      if (best < 2) return best;
    }
    return 2 + (n - exact);
  };
  // One plain word: the matching pass already recorded whether it starts or equals an attribute.
  const single = n === 1 && ctx.words[0]!.phrase === null ? ctx.matches[0]! : null;
  const key =
    single !== null && single.recordsStart
      ? (d: number): number => {
          const flags = single.detail[2 * d]!;
          const s = (flags >>> 9) & 3;
          return s === 2 ? 0 : s === 1 ? 1 : 3 - ((flags >>> 8) & 1);
        }
      : general;
  return {
    name: 'exactness',
    prepare: ctx.prepare,
    maxKey: n + 2,
    key,
    keys: (docs, out) => {
      for (let i = 0; i < docs.length; i++) out[i] = key(docs[i]!);
    },
  };
}

function fieldSortRule(name: string, ctx: RankingContext, attribute: string, ascending: boolean): RankingRule {
  const field = ctx.facets.field(attribute);
  const ranks = field?.sortRanks(ascending, ctx.capacity);
  return {
    name,
    maxKey: null,
    key: (d) => (ranks === undefined ? 0xffffffff : (ranks[d] ?? 0xffffffff)),
    keys: (docs, out) => {
      if (ranks === undefined) out.fill(0xffffffff, 0, docs.length);
      else for (let i = 0; i < docs.length; i++) out[i] = ranks[docs[i]!] ?? 0xffffffff;
    },
  };
}

function geoSortRule(ctx: RankingContext, lat: number, lng: number, ascending: boolean): RankingRule {
  const { lat: lats, lng: lngs } = ctx.facets;
  const center = { lat, lng };
  return {
    name: `_geoPoint(${lat},${lng}):${ascending ? 'asc' : 'desc'}`,
    maxKey: null,
    key: (d) => {
      const a = lats[d];
      if (a === undefined || Number.isNaN(a)) return Infinity;
      const dist = haversineDistance(center, { lat: a, lng: lngs[d]! });
      return ascending ? dist : -dist;
    },
  };
}

/**
 * The rules for one search, in settings order. Word-based rules are skipped for placeholder
 * searches; `sort` expands into one rule per sort criterion; `field:asc|desc` custom rules sort
 * on that field.
 */
const WORD_RULES = {
  words: wordsRule,
  typo: typoRule,
  proximity: proximityRule,
  attribute: attributeRule,
  attributeRank: attributeRankRule,
  wordPosition: wordPositionRule,
  exactness: exactnessRule,
} satisfies Record<string, (ctx: RankingContext) => RankingRule>;

export function buildRankingRules(rankingRules: readonly string[], ctx: RankingContext, sort: readonly SortCriterion[]): RankingRule[] {
  const rules: RankingRule[] = [];
  const hasWords = ctx.words.length > 0;
  for (const name of rankingRules) {
    switch (name) {
      case 'words':
      case 'typo':
      case 'proximity':
      case 'attribute':
      case 'attributeRank':
      case 'wordPosition':
      case 'exactness':
        // Rules about query words do nothing for a placeholder search.
        if (hasWords) rules.push(WORD_RULES[name](ctx));
        break;
      case 'sort':
        for (const c of sort) {
          rules.push(c.kind === 'geo' ? geoSortRule(ctx, c.lat, c.lng, c.ascending) : fieldSortRule(`${c.attribute}:${c.ascending ? 'asc' : 'desc'}`, ctx, c.attribute, c.ascending));
        }
        break;
      default: {
        const m = /^(.+):(asc|desc)$/.exec(name);
        if (m === null) throw new EngineError('internal', `Unknown ranking rule \`${name}\`.`);
        rules.push(fieldSortRule(name, ctx, m[1]!, m[2] === 'asc'));
      }
    }
  }
  return rules;
}
