/**
 * Per-rule filter features (Meilisearch v1.14+): a rule may allow equality (`=`, `!=`, `IN`)
 * and/or comparison (`<`, `>`, `<=`, `>=`, `TO`). Using an operator the matching rule does not
 * allow fails with milli's FilterOperatorNotAllowed message, which carries no position.
 */
import type { ErrorCode } from '../errors/codes.ts';
import { EngineError } from '../errors/engine-error.ts';
import type { FilterNode } from './ast.ts';
import { matchingRule, type FilterFeatures, type FilterableSetting } from './rules.ts';

type Gate = 'equality' | 'comparison';

/** The operator as Meilisearch names it (IN is evaluated, and reported, as `=`) and its feature. */
function gatedOperator(node: FilterNode): [string, Gate] | null {
  switch (node.kind) {
    case 'compare':
      return [node.operator, node.operator === '=' || node.operator === '!=' ? 'equality' : 'comparison'];
    case 'range':
      return ['TO', 'comparison'];
    case 'in':
      return ['=', 'equality'];
    default:
      return null;
  }
}

export function allowedOperators(features: FilterFeatures): string[] {
  if (!features.equality && !features.comparison) return [];
  return [
    'OR', 'AND', 'NOT',
    ...(features.equality ? ['=', '!=', 'IN'] : []),
    ...(features.comparison ? ['<', '>', '<=', '>=', 'TO'] : []),
    'IS EMPTY', 'IS NULL', 'EXISTS',
  ];
}

export function operatorNotAllowedMessage(operator: string, attribute: string, rule: number, features: FilterFeatures, gate: Gate): string {
  return (
    `Filter operator \`${operator}\` is not allowed for the attribute \`${attribute}\`.\n` +
    `  - Note: allowed operators: ${allowedOperators(features).join(', ')}.\n` +
    `  - Note: field \`${attribute}\` matched rule #${rule} in \`filterableAttributes\`\n` +
    `  - Hint: enable ${gate} in rule #${rule} by modifying the features.filter object\n` +
    `  - Hint: prepend another rule matching \`${attribute}\` with appropriate filter features before rule #${rule}`
  );
}

function* conditions(node: FilterNode): Generator<FilterNode> {
  if (node.kind === 'and' || node.kind === 'or') for (const child of node.children) yield* conditions(child);
  else if (node.kind === 'not') yield* conditions(node.child);
  else yield node;
}

/** Throws EngineError(code, …) for the first operator that the attribute's rule does not allow. */
export function checkFilterOperators(node: FilterNode, setting: FilterableSetting, code: ErrorCode): void {
  for (const leaf of conditions(node)) {
    const gated = gatedOperator(leaf);
    if (gated === null || !('attribute' in leaf)) continue;
    const [operator, gate] = gated;
    const rule = matchingRule(leaf.attribute, setting);
    if (rule === null || rule.features[gate]) continue;
    throw new EngineError(code, operatorNotAllowedMessage(operator, leaf.attribute, rule.index, rule.features, gate));
  }
}
