/**
 * parseFilter: the `filter` search parameter, as a string or as the array form where the outer
 * array is an AND of its items and an inner array an OR of its strings. Blank strings and empty
 * arrays contribute nothing; a filter with nothing left matches every document ({kind:'true'}).
 * Each string is parsed on its own, so error positions refer to that string, as in Meilisearch.
 */
import type { ErrorCode } from '../errors/codes.ts';
import type { FilterInput } from '../index/types.ts';
import type { FilterNode } from './ast.ts';
import { FilterSyntaxError, messages } from './errors.ts';
import { isBlank } from './grammar.ts';
import { parseFilterString } from './parse-string.ts';

const TRUE: FilterNode = { kind: 'true' };

function parseOne(text: string, code: ErrorCode): FilterNode | null {
  return isBlank(text) ? null : parseFilterString({ input: text, code });
}

function typeError(expected: string, found: unknown, code: ErrorCode): FilterSyntaxError {
  return new FilterSyntaxError(messages.invalidExpression(expected, found), null, code);
}

/**
 * Parses a filter; throws FilterSyntaxError (an EngineError with `code`, by default
 * `invalid_search_filter`) on any syntax error. Values arriving from JSON are type-checked too.
 */
export function parseFilter(input: FilterInput, code: ErrorCode = 'invalid_search_filter'): FilterNode {
  const value: unknown = input;
  if (typeof value === 'string') return parseOne(value, code) ?? { ...TRUE };
  if (!Array.isArray(value)) throw typeError('String, Array', value, code);
  const ands: FilterNode[] = [];
  for (const item of value as unknown[]) {
    if (typeof item === 'string') {
      const node = parseOne(item, code);
      if (node !== null) ands.push(node);
    } else if (Array.isArray(item)) {
      const ors: FilterNode[] = [];
      for (const rule of item as unknown[]) {
        if (typeof rule !== 'string') throw typeError('String', rule, code);
        const node = parseOne(rule, code);
        if (node !== null) ors.push(node);
      }
      const [only] = ors;
      if (ors.length === 1 && only !== undefined) ands.push(only);
      else if (ors.length > 1) ands.push({ kind: 'or', children: ors });
    } else {
      throw typeError('String, [String]', item, code);
    }
  }
  const [single] = ands;
  if (ands.length === 0 || single === undefined) return { ...TRUE };
  return ands.length === 1 ? single : { kind: 'and', children: ands };
}
