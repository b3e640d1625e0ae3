import { describe, expect, it } from 'vitest';
import type { FilterNode } from './ast.ts';
import { parseFilter } from './parse.ts';
import { printFilter, printValue } from './print.ts';

describe('printValue', () => {
  it('leaves plain words bare and quotes the rest', () => {
    expect(printValue('horror')).toBe('horror');
    expect(printValue('2021-01-01')).toBe('2021-01-01');
    expect(printValue('sci fi')).toBe('"sci fi"');
    expect(printValue('AND')).toBe('"AND"');
    expect(printValue('EXISTS_geo')).toBe('"EXISTS_geo"');
    expect(printValue('ISLAND')).toBe('"ISLAND"');
    expect(printValue('island')).toBe('island');
    expect(printValue('_geo')).toBe('"_geo"');
    expect(printValue('')).toBe('""');
    expect(printValue('say "hi" \\o/')).toBe('"say \\"hi\\" \\\\o/"');
  });
});

describe('printFilter', () => {
  const v = (raw: string) => ({ raw, number: null });
  const cases: Array<[FilterNode, string]> = [
    [{ kind: 'true' }, ''],
    [{ kind: 'compare', attribute: 'a b', operator: '>=', value: { raw: '1', number: 1 } }, '"a b" >= 1'],
    [{ kind: 'range', attribute: 'y', from: v('a'), to: v('b') }, 'y a TO b'],
    [{ kind: 'in', attribute: 'g', values: [v('x'), v('y z')] }, 'g IN [x, "y z"]'],
    [{ kind: 'not', child: { kind: 'exists', attribute: 'e' } }, 'NOT e EXISTS'],
    [{ kind: 'isNull', attribute: 'n' }, 'n IS NULL'],
    [{ kind: 'isEmpty', attribute: 'n' }, 'n IS EMPTY'],
    [{ kind: 'contains', attribute: 'c', value: v('ab') }, 'c CONTAINS ab'],
    [{ kind: 'startsWith', attribute: 'c', value: v('ab') }, 'c STARTS WITH ab'],
    [{ kind: 'geoRadius', lat: 1.5, lng: -0, radius: 1e-7 }, '_geoRadius(1.5, -0, 1e-7)'],
    [{ kind: 'geoBoundingBox', topRight: [2, 3], bottomLeft: [0, 1] }, '_geoBoundingBox([2, 3], [0, 1])'],
  ];
  for (const [node, text] of cases) {
    it(text || '(true)', () => {
      expect(printFilter(node)).toBe(text);
      expect(parseFilter(text)).toEqual(node);
    });
  }

  it('parenthesizes only where precedence requires it', () => {
    const text = 'a = 1 AND (b = 2 OR c = 3) OR NOT (d = 4 AND e = 5) OR (f = 6 AND g = 7) AND h = 8';
    expect(printFilter(parseFilter(text))).toBe(text);
    expect(printFilter(parseFilter('(a = 1 OR b = 2) OR c = 3'))).toBe('(a = 1 OR b = 2) OR c = 3');
  });
});
