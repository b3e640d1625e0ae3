/**
 * Where each leaf of a parsed filter came from, kept beside the AST rather than in it so that the
 * AST stays a plain value (comparable, printable, cloneable). Meilisearch points its attribute
 * errors at the attribute token (and geo errors at the first coordinate); checkFilterable reads
 * the span back from here. Nodes built by hand or copied simply have no span.
 */
import type { FilterNode } from './ast.ts';
import type { SourceSpan } from './errors.ts';

const spans = new WeakMap<FilterNode, SourceSpan>();

export function recordSpan<T extends FilterNode>(node: T, span: SourceSpan): T {
  spans.set(node, span);
  return node;
}

export function spanOf(node: FilterNode): SourceSpan | null {
  return spans.get(node) ?? null;
}
