/**
 * Recursive-descent parser for one filter string (grammar in grammar.ts). It follows Meilisearch's
 * filter-parser closely, including where errors point, its depth accounting and its quirks
 * (e.g. `NOT NOT a` is `a`, `IS NULL`/`EXISTS` are matched as prefixes).
 */
import type { ComparisonOperator, FilterNode, FilterValue } from './ast.ts';
import { messages } from './errors.ts';
import {
  COMPARISON_OPERATORS, isBlank, isMultispace, parseFiniteFloat, skipMultispace, wordAt,
} from './grammar.ts';
import { parseGeoBoundingBox, parseGeoRadius } from './parse-geo.ts';
import {
  hardError, harden, parseValue, restError, softError, span, type ParseContext, type ParsedValue, type SoftError,
} from './parse-value.ts';
import { recordSpan } from './spans.ts';

/**
 * Meilisearch counts one level per or/and/not/primary call and refuses past 200, which allows 49
 * nested parentheses or about 197 chained NOTs. Keeping its accounting keeps the same filters valid.
 */
export const MAX_FILTER_DEPTH = 200;

interface Parsed {
  soft?: undefined;
  node: FilterNode;
  next: number;
}

type Result = Parsed | SoftError;

function toFilterValue(value: ParsedValue): FilterValue {
  return { raw: value.text, number: parseFiniteFloat(value.text) };
}

function negate(node: FilterNode): FilterNode {
  return node.kind === 'not' ? node.child : { kind: 'not', child: node };
}

/** Parses a non-blank filter string; throws FilterSyntaxError. */
export function parseFilterString(ctx: ParseContext): FilterNode {
  const result = parseOr(ctx, 0, 0);
  if (result.soft) throw harden(ctx, result);
  const { input } = ctx;
  // Meilisearch rejects trailing whitespace after some productions (geo, IS NULL, EXISTS);
  // accepting it at the very end only avoids surprising errors on `"a EXISTS "`.
  if (result.next < input.length && !isBlank(input.slice(result.next))) {
    throw restError(ctx, messages.expectedEof, result.next);
  }
  return result.node;
}

function depthError(ctx: ParseContext, pos: number): SoftError {
  return softError(messages.depthLimit(), pos, ctx.input.length);
}

/** `WS* <word> WS*` where the whole word must equal `word`; returns the position after, or -1. */
function keyword(ctx: ParseContext, pos: number, word: string): number {
  const at = skipMultispace(ctx.input, pos);
  return wordAt(ctx.input, at) === word ? skipMultispace(ctx.input, at + word.length) : -1;
}

function parseChain(
  ctx: ParseContext, pos: number, depth: number, word: 'OR' | 'AND', kind: 'or' | 'and',
  operand: (ctx: ParseContext, pos: number, depth: number) => Result,
): Result {
  if (depth > MAX_FILTER_DEPTH) return depthError(ctx, pos);
  const first = operand(ctx, pos, depth + 1);
  if (first.soft) return first;
  const children = [first.node];
  let next = first.next;
  for (;;) {
    const after = keyword(ctx, next, word);
    if (after < 0) break;
    const item = operand(ctx, after, depth + 1);
    if (item.soft) throw harden(ctx, item);
    children.push(item.node);
    next = item.next;
  }
  return { node: children.length === 1 ? first.node : { kind, children }, next };
}

function parseOr(ctx: ParseContext, pos: number, depth: number): Result {
  return parseChain(ctx, pos, depth, 'OR', 'or', parseAnd);
}

function parseAnd(ctx: ParseContext, pos: number, depth: number): Result {
  return parseChain(ctx, pos, depth, 'AND', 'and', parseNot);
}

function parseNot(ctx: ParseContext, pos: number, depth: number): Result {
  if (depth > MAX_FILTER_DEPTH) return depthError(ctx, pos);
  const after = keyword(ctx, pos, 'NOT');
  if (after < 0) return parsePrimary(ctx, pos, depth + 1);
  const inner = parseNot(ctx, after, depth + 1);
  if (inner.soft) throw harden(ctx, inner);
  return { node: negate(inner.node), next: inner.next };
}

function parsePrimary(ctx: ParseContext, pos: number, depth: number): Result {
  if (depth > MAX_FILTER_DEPTH) return depthError(ctx, pos);
  const { input } = ctx;
  const open = skipMultispace(input, pos);
  if (input[open] === '(') {
    const inner = parseOr(ctx, skipMultispace(input, open + 1), depth + 1);
    if (inner.soft) throw harden(ctx, inner);
    const close = skipMultispace(input, inner.next);
    if (input[close] !== ')') {
      throw restError(ctx, (excerpt) => messages.missingClosingDelimiter(excerpt, ')'), pos);
    }
    return { node: inner.node, next: skipMultispace(input, close + 1) };
  }
  const geo = parseGeoRadius(ctx, pos) ?? parseGeoBoundingBox(ctx, pos);
  if (geo !== null) return geo;
  const attribute = parseValue(ctx, pos);
  if (attribute.soft) {
    return attribute.keyword ? attribute : softError(messages.invalidPrimary(input.slice(pos)), pos, input.length);
  }
  const parsed = parseOperation(ctx, attribute);
  if (parsed === null) return softError(messages.invalidPrimary(input.slice(pos)), pos, input.length);
  const [node, next] = parsed;
  const leaf = node.kind === 'not' ? node.child : node;
  recordSpan(leaf, span(ctx, attribute.start, attribute.end));
  return { node, next };
}

/** `tag` semantics: the text must start at `pos`, nothing is said about what follows it. */
function tag(ctx: ParseContext, pos: number, text: string): number {
  return ctx.input.startsWith(text, pos) ? pos + text.length : -1;
}

/** `tag` then at least one ASCII space: `NOT EXISTS`, `IS NULL`… */
function tagSpace(ctx: ParseContext, pos: number, text: string): number {
  const after = tag(ctx, pos, text);
  if (after < 0 || !isMultispace(ctx.input[after])) return -1;
  return skipMultispace(ctx.input, after);
}

/** Tags in sequence, each but the last followed by whitespace; -1 if any is missing. */
function phrase(ctx: ParseContext, pos: number, ...words: string[]): number {
  let p = pos;
  for (const [index, word] of words.entries()) {
    p = index === words.length - 1 ? tag(ctx, p, word) : tagSpace(ctx, p, word);
    if (p < 0) return -1;
  }
  return p;
}

function operand(ctx: ParseContext, pos: number): ParsedValue {
  const value = parseValue(ctx, pos);
  if (value.soft) throw harden(ctx, value);
  return value;
}

/**
 * What may follow an attribute, tried in Meilisearch's order. Returns null when nothing matches
 * (the primary is then reported as a whole).
 */
function parseOperation(ctx: ParseContext, attr: ParsedValue): [FilterNode, number] | null {
  const attribute = attr.text;
  const p = attr.next;
  const afterIn = keyword(ctx, p, 'IN');
  if (afterIn >= 0) return inList(ctx, attribute, afterIn, false);
  if (wordAt(ctx.input, p) === 'NOT') {
    const afterNotIn = keyword(ctx, p + 3, 'IN');
    if (afterNotIn >= 0) return inList(ctx, attribute, afterNotIn, true);
  }
  const operator = COMPARISON_OPERATORS.find((op) => ctx.input.startsWith(op, p));
  if (operator !== undefined) {
    const value = operand(ctx, p + operator.length);
    return [{ kind: 'compare', attribute, operator: operator as ComparisonOperator, value: toFilterValue(value) }, value.next];
  }
  const flags: Array<[string[], FilterNode]> = [
    [['IS', 'NULL'], { kind: 'isNull', attribute }],
    [['IS', 'NOT', 'NULL'], negate({ kind: 'isNull', attribute })],
    [['IS', 'EMPTY'], { kind: 'isEmpty', attribute }],
    [['IS', 'NOT', 'EMPTY'], negate({ kind: 'isEmpty', attribute })],
    [['EXISTS'], { kind: 'exists', attribute }],
    [['NOT', 'EXISTS'], negate({ kind: 'exists', attribute })],
  ];
  for (const [words, node] of flags) {
    const after = phrase(ctx, p, ...words);
    if (after >= 0) return [node, after];
  }
  const range = parseRange(ctx, attribute, p);
  if (range !== null) return range;
  const textOps: Array<[string[], 'contains' | 'startsWith', boolean]> = [
    [['CONTAINS'], 'contains', false],
    [['NOT', 'CONTAINS'], 'contains', true],
    [['STARTS WITH'], 'startsWith', false],
    [['NOT', 'STARTS WITH'], 'startsWith', true],
  ];
  for (const [words, kind, negated] of textOps) {
    const after = phrase(ctx, p, ...words);
    if (after < 0) continue;
    const value = operand(ctx, after);
    const node: FilterNode = { kind, attribute, value: toFilterValue(value) };
    return [negated ? negate(node) : node, value.next];
  }
  return null;
}

/** `attribute from TO to`; the `from` value may still fail softly, everything after TO is final. */
function parseRange(ctx: ParseContext, attribute: string, pos: number): [FilterNode, number] | null {
  const from = parseValue(ctx, pos);
  if (from.soft) return null;
  const afterTo = tagSpace(ctx, from.next, 'TO');
  if (afterTo < 0) return null;
  const to = operand(ctx, afterTo);
  return [{ kind: 'range', attribute, from: toFilterValue(from), to: toFilterValue(to) }, to.next];
}

/** After `IN`: `[ value, value, … ]`, a trailing comma allowed. */
function inList(ctx: ParseContext, attribute: string, pos: number, negated: boolean): [FilterNode, number] {
  const { input } = ctx;
  if (input[pos] !== '[') throw restError(ctx, messages.inOpeningBracket, pos);
  const values: FilterValue[] = [];
  let next = pos + 1;
  const first = parseValue(ctx, next);
  if (!first.soft) {
    values.push(toFilterValue(first));
    next = first.next;
    for (;;) {
      const comma = skipMultispace(input, next);
      if (input[comma] !== ',') break;
      const item = parseValue(ctx, skipMultispace(input, comma + 1));
      if (item.soft) break;
      values.push(toFilterValue(item));
      next = item.next;
    }
    const trailing = skipMultispace(input, next);
    if (input[trailing] === ',') next = skipMultispace(input, trailing + 1);
  }
  const close = skipMultispace(input, next);
  if (input[close] !== ']') {
    if (next >= input.length) throw hardError(ctx, messages.inClosingBracket(), next, next);
    throw restError(ctx, messages.inExpectedValue, next);
  }
  const node: FilterNode = { kind: 'in', attribute, values };
  return [negated ? negate(node) : node, skipMultispace(input, close + 1)];
}
