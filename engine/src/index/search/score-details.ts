import type { Document } from '../../types/document.ts';
import type { RankingRule } from './bucket-sort.ts';
import type { RankingContext } from './ranking-rules.ts';

/**
 * `_rankingScoreDetails`: one entry per ranking rule, in rule order, shaped like Meilisearch's
 * (`order`, the rule's own counters, and `score` = rank / maxRank for scored rules; `value` for
 * sort rules).
 */
function ruleScore(rule: RankingRule, key: number): number {
  const max = rule.maxKey ?? 0;
  return (max + 1 - Math.min(Math.max(key, 0), max)) / (max + 1);
}

function valueAt(doc: Document, path: string): unknown {
  let v: unknown = doc;
  for (const part of path.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

export function scoreDetails(
  rules: readonly RankingRule[],
  keys: readonly number[],
  ctx: RankingContext,
  doc: number,
  stored: Document,
  skippedFrom = rules.length,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const n = ctx.words.length;
  rules.forEach((rule, order) => {
    // Rules the search had no time for (searchCutoffMs): one `skipped` entry, as Meilisearch.
    if (order > skippedFrom) return;
    if (order === skippedFrom) {
      out['skipped'] = { order };
      return;
    }
    if (Number.isNaN(keys[order]!)) rule.prepare?.([doc]);
    const key = Number.isNaN(keys[order]!) ? rule.key(doc) : keys[order]!;
    switch (rule.name) {
      case 'words':
        out['words'] = { order, matchingWords: n - key, maxMatchingWords: n, score: ruleScore(rule, key) };
        break;
      case 'typo':
        out['typo'] = { order, typoCount: key, maxTypoCount: rule.maxKey, score: ruleScore(rule, key) };
        break;
      case 'proximity':
        out['proximity'] = { order, score: ruleScore(rule, key) };
        break;
      case 'attribute':
        out['attribute'] = { order, score: ruleScore(rule, key) };
        break;
      case 'exactness': {
        const matchType = key === 0 ? 'exactMatch' : key === 1 ? 'matchesStart' : 'noExactMatch';
        const matchingWords = key >= 2 ? n - (key - 2) : n;
        out['exactness'] = { order, matchType, matchingWords, maxMatchingWords: n, score: ruleScore(rule, key) };
        break;
      }
      default: {
        if (rule.name.startsWith('_geoPoint(')) {
          out[rule.name] = { order, value: null, distance: Number.isFinite(key) ? Math.round(Math.abs(key)) : undefined };
        } else {
          const attribute = rule.name.replace(/:(asc|desc)$/, '');
          out[rule.name] = { order, value: valueAt(stored, attribute) ?? null };
        }
      }
    }
  });
  return out;
}
