/**
 * Property tests: printed ASTs parse back to themselves, the parser survives arbitrary input
 * (a node or a FilterSyntaxError, nothing else, quickly), and evaluation obeys the algebra of
 * the operators and a direct reading of Meilisearch's rules on single-valued fields.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ComparisonOperator, FilterNode, FilterValue } from './ast.ts';
import { FilterSyntaxError } from './errors.ts';
import { matchesDocument } from './evaluate.ts';
import { parseFiniteFloat } from './grammar.ts';
import { normalizeFacetString } from './normalize.ts';
import { parseFilter } from './parse.ts';
import { printFilter } from './print.ts';

/** FILTER_PROPERTY_SCALE=50 runs fifty times as many cases, for a longer hunt. */
const SCALE = Number(process.env['FILTER_PROPERTY_SCALE'] ?? 1);
const RUNS = { numRuns: 400 * SCALE };

/** Characters that stress quoting, escaping and tokenization. */
const tricky = fc.constantFrom(
  'a', 'b', 'Z', '0', '7', ' ', '_', '.', '-', '"', "'", '\\', '(', ')', '[', ']', ',', '=', '!', '<', '>',
  'é', 'e\u0301', '🐻', '\n', '\t', '\u00a0', 'N', 'O', 'T',
);
const trickyText = fc.string({ unit: tricky, maxLength: 8 });
const word = fc.constantFrom('horror', 'Drama', 'sci-fi', '2021-01-01', 'OR', 'NOT', 'IS', '_geo', '_geoPoint', 'x.y', '');
const numeric = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }).map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).map(String),
  fc.constantFrom('1.0', '.5', '5.', '+3', '1e3', '1e999', '0x10'),
);
const raw = fc.oneof(word, numeric, trickyText);
const value: fc.Arbitrary<FilterValue> = raw.map((text) => ({ raw: text, number: parseFiniteFloat(text) }));
const attribute = fc.oneof(fc.constantFrom('genre', 'year', 'a.b', 'dog race', 'AND', 'tags'), trickyText);
const operator = fc.constantFrom<ComparisonOperator>('=', '!=', '>', '>=', '<', '<=');
const lat = fc.double({ min: -90, max: 90, noNaN: true });
const lng = fc.double({ min: -180, max: 180, noNaN: true });

const leaf: fc.Arbitrary<FilterNode> = fc.oneof(
  fc.record({ kind: fc.constant('compare' as const), attribute, operator, value }),
  fc.record({ kind: fc.constant('range' as const), attribute, from: value, to: value }),
  fc.record({ kind: fc.constant('in' as const), attribute, values: fc.array(value, { maxLength: 3 }) }),
  fc.record({ kind: fc.constantFrom('exists' as const, 'isNull' as const, 'isEmpty' as const), attribute }),
  fc.record({ kind: fc.constantFrom('contains' as const, 'startsWith' as const), attribute, value }),
  fc.record({ kind: fc.constant('geoRadius' as const), lat, lng, radius: fc.double({ min: -1, max: 1e7, noNaN: true }) }),
  fc.tuple(lat, lat, lng, lng).map(([a, b, right, left]): FilterNode => ({
    kind: 'geoBoundingBox', topRight: [Math.max(a, b), right], bottomLeft: [Math.min(a, b), left],
  })),
);

const tree: fc.Arbitrary<FilterNode> = fc.letrec<{ node: FilterNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({ kind: fc.constant('not' as const), child: tie('node') }),
    fc.record({ kind: fc.constantFrom('and' as const, 'or' as const), children: fc.array(tie('node'), { minLength: 2, maxLength: 3 }) }),
  ),
})).node;

/** What the parser cannot distinguish: `NOT NOT x` is `x`. */
function canonical(node: FilterNode): FilterNode {
  switch (node.kind) {
    case 'not': {
      const child = canonical(node.child);
      return child.kind === 'not' ? child.child : { kind: 'not', child };
    }
    case 'and':
    case 'or':
      return { kind: node.kind, children: node.children.map(canonical) };
    default:
      return node;
  }
}

describe('printer and parser', () => {
  it('parse(print(ast)) gives the AST back', () => {
    fc.assert(
      fc.property(tree, (node) => {
        expect(parseFilter(printFilter(node))).toEqual(canonical(node));
      }),
      RUNS,
    );
  });
});

const tokens = fc.constantFrom(
  'a', 'b.c', '"x y"', "'q'", '=', '!=', '>', '>=', '<', '<=', 'AND', 'OR', 'NOT', 'IN', '[', ']', ',', '(', ')', 'TO',
  'EXISTS', 'IS', 'NULL', 'EMPTY', 'CONTAINS', 'STARTS WITH', 'STARTS', 'WITH', '1', '-2.5', '_geoRadius(1,2,3)',
  '_geoBoundingBox([1,2],[0,1])', '_geoRadius(', '_geoPoint(1,2)', '_geo', '\\', '"', "'", '🐻', '\\u{41}', '\n',
);
const soup = fc.array(tokens, { maxLength: 14 }).chain((parts) =>
  fc.array(fc.constantFrom(' ', '', '  '), { minLength: parts.length, maxLength: parts.length })
    .map((gaps) => parts.map((part, i) => part + (gaps[i] ?? ' ')).join('')),
);
const nested = fc.tuple(fc.integer({ min: 0, max: 400 }), fc.constantFrom('(', 'NOT ', 'NOT ('), fc.boolean()).map(
  ([depth, opener, close]) => opener.repeat(depth) + 'x = 1' + (close ? ')'.repeat(depth) : ''),
);

/** Valid filters with one cut or one token pasted in: inputs close to the grammar's edges. */
const mutated = fc.tuple(tree, fc.nat(), fc.nat({ max: 6 }), fc.option(tokens, { nil: '' })).map(([node, at, cut, paste]) => {
  const text = printFilter(node);
  const i = text.length === 0 ? 0 : at % text.length;
  return text.slice(0, i) + paste + text.slice(i + cut);
});

function parseOutcome(input: string): FilterNode | FilterSyntaxError {
  try {
    return parseFilter(input);
  } catch (error) {
    if (error instanceof FilterSyntaxError) return error;
    throw error;
  }
}

describe('parser robustness', () => {
  it('returns a node or throws FilterSyntaxError for any input, quoting a valid position', () => {
    fc.assert(
      fc.property(fc.oneof(soup, mutated, nested, fc.string({ unit: tricky, maxLength: 40 }), fc.string({ maxLength: 40 })), (input) => {
        const started = performance.now();
        const outcome = parseOutcome(input);
        expect(performance.now() - started).toBeLessThan(500);
        if (outcome instanceof FilterSyntaxError) {
          if (outcome.span === null) return;
          expect(outcome.message.endsWith(` ${input}`)).toBe(true);
          const position = /\n(\d+):(\d+) /.exec(outcome.message);
          expect(position).not.toBeNull();
          expect(Number(position?.[1])).toBeLessThanOrEqual(Number(position?.[2]));
        } else {
          // What the parser accepts, the printer writes back in a form the parser reads identically.
          expect(parseFilter(printFilter(outcome))).toEqual(outcome);
        }
      }),
      { numRuns: 1500 * SCALE },
    );
  });
});

const scalar = fc.oneof(
  fc.constantFrom<unknown>(null, true, false, '', 'Horror', 'horror ', 'Caf\u00e9', 'Cafe\u0301', '10', '10.0', 'b', 'B'),
  fc.integer({ min: -20, max: 20 }),
  fc.double({ min: -20, max: 20, noNaN: true }),
  trickyText,
);
const field = fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }), fc.dictionary(fc.constantFrom('b', 'c'), scalar, { maxKeys: 2 }));
const documentArb = fc.dictionary(fc.constantFrom('genre', 'year', 'a', 'tags', '_geo'), field, { maxKeys: 4 });

describe('evaluation', () => {
  it('is total and obeys NOT, !=, IN and NOT IN', () => {
    fc.assert(
      fc.property(tree, documentArb, attribute, fc.array(value, { maxLength: 3 }), (node, doc, attr, values) => {
        const matches = matchesDocument(node, doc);
        expect(matchesDocument({ kind: 'not', child: node }, doc)).toBe(!matches);
        const eq = values.map((v): FilterNode => ({ kind: 'compare', attribute: attr, operator: '=', value: v }));
        const inList = matchesDocument({ kind: 'in', attribute: attr, values }, doc);
        expect(inList).toBe(eq.some((n) => matchesDocument(n, doc)));
        for (const v of values) {
          const equal = matchesDocument({ kind: 'compare', attribute: attr, operator: '=', value: v }, doc);
          expect(matchesDocument({ kind: 'compare', attribute: attr, operator: '!=', value: v }, doc)).toBe(!equal);
        }
        expect(matchesDocument({ kind: 'true' }, doc)).toBe(true);
      }),
      RUNS,
    );
  });

  it('on a single-valued field, TO is >= AND <=, and = follows the facet rules', () => {
    fc.assert(
      fc.property(scalar, value, value, (fieldValue, from, to) => {
        const doc = { f: fieldValue };
        const range = matchesDocument({ kind: 'range', attribute: 'f', from, to }, doc);
        const both = matchesDocument({
          kind: 'and',
          children: [
            { kind: 'compare', attribute: 'f', operator: '>=', value: from },
            { kind: 'compare', attribute: 'f', operator: '<=', value: to },
          ],
        }, doc);
        expect(range).toBe(both);

        const equal = matchesDocument({ kind: 'compare', attribute: 'f', operator: '=', value: from }, doc);
        let expected = false;
        if (typeof fieldValue === 'number') expected = from.number !== null && from.number === fieldValue;
        else if (typeof fieldValue === 'boolean') expected = normalizeFacetString(from.raw) === String(fieldValue);
        else if (typeof fieldValue === 'string' && fieldValue !== '') expected = normalizeFacetString(from.raw) === normalizeFacetString(fieldValue);
        expect(equal).toBe(expected);
        expect(matchesDocument({ kind: 'exists', attribute: 'f' }, doc)).toBe(true);
        expect(matchesDocument({ kind: 'isNull', attribute: 'f' }, doc)).toBe(fieldValue === null);
        expect(matchesDocument({ kind: 'isEmpty', attribute: 'f' }, doc)).toBe(fieldValue === '');
      }),
      RUNS,
    );
  });
});
