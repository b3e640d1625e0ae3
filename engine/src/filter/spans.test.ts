import { describe, expect, it } from 'vitest';
import type { FilterNode } from './ast.ts';
import { parseFilter } from './parse.ts';
import { recordSpan, spanOf } from './spans.ts';

describe('spans', () => {
  it('remembers where parsed leaves came from', () => {
    const node = parseFilter(`x = 1 AND 'dog race' NOT IN [a]`);
    if (node.kind !== 'and') throw new Error('expected an AND');
    const [first, second] = node.children;
    expect(first && spanOf(first)).toEqual({ source: `x = 1 AND 'dog race' NOT IN [a]`, start: 0, end: 1 });
    if (second?.kind !== 'not') throw new Error('expected a NOT');
    expect(spanOf(second.child)).toMatchObject({ start: 11, end: 19 });
    expect(spanOf(second)).toBeNull();
  });

  it('knows nothing of nodes built elsewhere', () => {
    const node: FilterNode = { kind: 'exists', attribute: 'a' };
    expect(spanOf(node)).toBeNull();
    recordSpan(node, { source: 'a EXISTS', start: 0, end: 1 });
    expect(spanOf({ ...node })).toBeNull();
    expect(spanOf(node)).toEqual({ source: 'a EXISTS', start: 0, end: 1 });
  });
});
