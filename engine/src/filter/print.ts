/**
 * Prints a filter AST back to a string that parseFilter reads as the same tree (modulo what the
 * parser itself folds: `NOT NOT x` is `x`). Used by property tests and for logging filters.
 */
import type { FilterNode, FilterValue } from './ast.ts';
import { KEYWORDS, isValueComponent } from './grammar.ts';

/**
 * Keywords are matched as prefixes in places (`x EXISTSfoo` is `x EXISTS` + `foo`), so a bare
 * word must not even start with one.
 */
const KEYWORD_PREFIX = new RegExp(`^(?:${[...KEYWORDS].join('|')})`);

/** Bare when it is a plain word the parser reads back as itself, double-quoted otherwise. */
export function printValue(text: string): string {
  const bare =
    text !== '' && !KEYWORD_PREFIX.test(text) && !text.startsWith('_geo') && Array.from(text).every(isValueComponent);
  return bare ? text : `"${text.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

function printNumber(n: number): string {
  return Object.is(n, -0) ? '-0' : String(n);
}

function value(v: FilterValue): string {
  return printValue(v.raw);
}

function group(node: FilterNode, parenthesize: boolean): string {
  const text = printFilter(node);
  return parenthesize ? `(${text})` : text;
}

export function printFilter(node: FilterNode): string {
  switch (node.kind) {
    case 'true':
      return '';
    case 'or':
      return node.children.map((child) => group(child, child.kind === 'or')).join(' OR ');
    case 'and':
      return node.children.map((child) => group(child, child.kind === 'or' || child.kind === 'and')).join(' AND ');
    case 'not':
      return `NOT ${group(node.child, node.child.kind === 'or' || node.child.kind === 'and')}`;
    case 'compare':
      return `${printValue(node.attribute)} ${node.operator} ${value(node.value)}`;
    case 'range':
      return `${printValue(node.attribute)} ${value(node.from)} TO ${value(node.to)}`;
    case 'in':
      return `${printValue(node.attribute)} IN [${node.values.map(value).join(', ')}]`;
    case 'exists':
      return `${printValue(node.attribute)} EXISTS`;
    case 'isNull':
      return `${printValue(node.attribute)} IS NULL`;
    case 'isEmpty':
      return `${printValue(node.attribute)} IS EMPTY`;
    case 'contains':
      return `${printValue(node.attribute)} CONTAINS ${value(node.value)}`;
    case 'startsWith':
      return `${printValue(node.attribute)} STARTS WITH ${value(node.value)}`;
    case 'geoRadius':
      return `_geoRadius(${printNumber(node.lat)}, ${printNumber(node.lng)}, ${printNumber(node.radius)})`;
    case 'geoBoundingBox':
      return `_geoBoundingBox([${node.topRight.map(printNumber).join(', ')}], [${node.bottomLeft.map(printNumber).join(', ')}])`;
  }
}
