import { describe, expect, it } from 'vitest';
import type { FilterNode } from './ast.ts';
import { FilterSyntaxError } from './errors.ts';
import { parseFilterString } from './parse-string.ts';
import { printFilter } from './print.ts';

const parse = (input: string): FilterNode => parseFilterString({ input, code: 'invalid_search_filter' });
const shape = (input: string): string => printFilter(parse(input));

function error(input: string): string {
  try {
    parse(input);
  } catch (e) {
    expect(e).toBeInstanceOf(FilterSyntaxError);
    return (e as Error).message;
  }
  throw new Error(`expected ${input} to fail`);
}

const OPS =
  'Was expecting an operation `=`, `!=`, `>=`, `>`, `<=`, `<`, `IN`, `NOT IN`, `TO`, `EXISTS`, `NOT EXISTS`, `IS NULL`, ' +
  '`IS NOT NULL`, `IS EMPTY`, `IS NOT EMPTY`, `CONTAINS`, `NOT CONTAINS`, `STARTS WITH`, `NOT STARTS WITH`, `_geoRadius`, or `_geoBoundingBox`';

describe('parseFilterString: accepted forms (cases from Meilisearch filter-parser tests)', () => {
  it('parses conditions with bare and quoted operands', () => {
    expect(parse('channel = Ponce')).toEqual({ kind: 'compare', attribute: 'channel', operator: '=', value: { raw: 'Ponce', number: null } });
    expect(parse('subscribers = 12')).toMatchObject({ value: { raw: '12', number: 12 } });
    expect(parse(`"dog race" = 'Bernese Mountain'`)).toMatchObject({ attribute: 'dog race', value: { raw: 'Bernese Mountain' } });
    for (const op of ['!=', '<', '>', '<=', '>=']) expect(parse(`a ${op} 1`)).toMatchObject({ kind: 'compare', operator: op });
    expect(parse('a>=1')).toMatchObject({ operator: '>=', value: { raw: '1' } });
    expect(parse('date > 2021-01-01')).toMatchObject({ value: { raw: '2021-01-01', number: null } });
  });

  it('parses IN lists, with NOT and trailing commas', () => {
    expect(parse('colour IN[]')).toEqual({ kind: 'in', attribute: 'colour', values: [] });
    expect(shape('colour IN[green,]')).toBe('colour IN [green]');
    expect(shape(' colour IN [  green , blue , ]')).toBe('colour IN [green, blue]');
    expect(parse('colour NOT  IN [green, blue]')).toMatchObject({ kind: 'not', child: { kind: 'in', attribute: 'colour' } });
  });

  it('parses the unary operators and their negations', () => {
    expect(parse('s IS NULL')).toEqual({ kind: 'isNull', attribute: 's' });
    expect(parse('s  IS   NOT   NULL')).toEqual({ kind: 'not', child: { kind: 'isNull', attribute: 's' } });
    expect(parse('NOT s IS NOT NULL')).toEqual({ kind: 'isNull', attribute: 's' });
    expect(parse('s IS EMPTY')).toEqual({ kind: 'isEmpty', attribute: 's' });
    expect(parse('s IS NOT EMPTY')).toEqual({ kind: 'not', child: { kind: 'isEmpty', attribute: 's' } });
    expect(parse('s EXISTS')).toEqual({ kind: 'exists', attribute: 's' });
    expect(parse('s NOT   EXISTS')).toEqual({ kind: 'not', child: { kind: 'exists', attribute: 's' } });
    expect(parse('NOT s NOT EXISTS')).toEqual({ kind: 'exists', attribute: 's' });
  });

  it('parses ranges, CONTAINS and STARTS WITH', () => {
    expect(parse('subscribers 100 TO 1000')).toEqual({
      kind: 'range', attribute: 'subscribers', from: { raw: '100', number: 100 }, to: { raw: '1000', number: 1000 },
    });
    expect(parse(`s CONTAINS 'hello'`)).toEqual({ kind: 'contains', attribute: 's', value: { raw: 'hello', number: null } });
    expect(parse('s NOT CONTAINS hello')).toMatchObject({ kind: 'not', child: { kind: 'contains' } });
    expect(parse(`s STARTS WITH 'hel'`)).toEqual({ kind: 'startsWith', attribute: 's', value: { raw: 'hel', number: null } });
    expect(parse('s NOT STARTS WITH hel')).toMatchObject({ kind: 'not', child: { kind: 'startsWith' } });
  });

  it('folds double negations and respects NOT > AND > OR', () => {
    expect(shape('NOT NOT NOT NOT x = 5')).toBe('x = 5');
    expect(shape('NOT NOT (NOT NOT x = 5)')).toBe('x = 5');
    expect(shape('a = 1 AND b = 2 OR c = 3 OR d = 4 AND e = 5')).toBe('a = 1 AND b = 2 OR c = 3 OR d = 4 AND e = 5');
    expect(parse('a = 1 AND b = 2 OR c = 3')).toMatchObject({ kind: 'or', children: [{ kind: 'and' }, { kind: 'compare' }] });
    expect(parse('a = 1 AND (b = 2 OR c = 3)')).toMatchObject({ kind: 'and', children: [{ kind: 'compare' }, { kind: 'or' }] });
    expect(parse('NOT a = 1 AND b = 2')).toMatchObject({ kind: 'and', children: [{ kind: 'not' }, { kind: 'compare' }] });
    expect(parse('(a = 1 AND b = 2) AND c = 3')).toMatchObject({ kind: 'and', children: [{ kind: 'and' }, { kind: 'compare' }] });
  });

  it('lets quoted keywords be attributes and values', () => {
    expect(shape(`NOT "OR" EXISTS AND "EXISTS" NOT EXISTS`)).toBe('NOT "OR" EXISTS AND NOT "EXISTS" EXISTS');
    expect(parse(`x = "AND"`)).toMatchObject({ value: { raw: 'AND' } });
  });

  it('allows 49 nested parentheses and about 197 NOTs, like Meilisearch', () => {
    expect(parse(`${'('.repeat(49)}x = 1${')'.repeat(49)}`)).toMatchObject({ kind: 'compare' });
    expect(parse(`${'NOT '.repeat(197)}x = 1`)).toMatchObject({ kind: 'not' });
  });

  it('accepts trailing whitespace after any production', () => {
    expect(parse('x EXISTS  ')).toEqual({ kind: 'exists', attribute: 'x' });
    expect(parse('_geoRadius(1, 2, 3)\n')).toMatchObject({ kind: 'geoRadius' });
  });
});

describe('parseFilterString: errors worded and positioned like Meilisearch', () => {
  const cases: Array<[string, string]> = [
    ['channel = Ponce = 12', 'Found unexpected characters at the end of the filter: `= 12`. You probably forgot an `OR` or an `AND` rule.\n17:21 channel = Ponce = 12'],
    ['channel =    ', 'Was expecting a value but instead got nothing.\n14:14 channel =    '],
    ['channel = 🐻', 'Was expecting a value but instead got `🐻`.\n11:12 channel = 🐻'],
    ['channel = 🐻 AND followers < 100', 'Was expecting a value but instead got `🐻`.\n11:12 channel = 🐻 AND followers < 100'],
    [`'OR'`, `${OPS} at \`\\'OR\\'\`.\n1:5 'OR'`],
    ['OR', 'Was expecting a value but instead got `OR`, which is a reserved keyword. To use `OR` as a field name or a value, surround it by quotes.\n1:3 OR'],
    ['channel Ponce', `${OPS} at \`channel Ponce\`.\n1:14 channel Ponce`],
    ['channel = Ponce OR', `${OPS} but instead got nothing.\n19:19 channel = Ponce OR`],
    ['_geoRadius', 'The `_geoRadius` filter expects three arguments: `_geoRadius(latitude, longitude, radius)`.\n1:11 _geoRadius'],
    ['_geoRadius = 12', 'The `_geoRadius` filter expects three arguments: `_geoRadius(latitude, longitude, radius)`.\n1:16 _geoRadius = 12'],
    ['_geoBoundingBox', 'The `_geoBoundingBox` filter expects two pairs of arguments: `_geoBoundingBox([latitude, longitude], [latitude, longitude])`.\n1:16 _geoBoundingBox'],
    ['_geoBoundingBox(1.0, 1.0)', 'The `_geoBoundingBox` filter expects two pairs of arguments: `_geoBoundingBox([latitude, longitude], [latitude, longitude])`.\n1:26 _geoBoundingBox(1.0, 1.0)'],
    ["channel = 'ponce", "Expression `\\'ponce` is missing the following closing delimiter: `'`.\n11:17 channel = 'ponce"],
    ['channel = "ponce', 'Expression `\\"ponce` is missing the following closing delimiter: `"`.\n11:17 channel = "ponce'],
    ['channel = mv OR (followers >= 1000', 'Expression `(followers >= 1000` is missing the following closing delimiter: `)`.\n17:35 channel = mv OR (followers >= 1000'],
    ['channel = mv OR followers >= 1000)', 'Found unexpected characters at the end of the filter: `)`. You probably forgot an `OR` or an `AND` rule.\n34:35 channel = mv OR followers >= 1000)'],
    ['colour NOT EXIST', `${OPS} at \`colour NOT EXIST\`.\n1:17 colour NOT EXIST`],
    ['subscribers 100 TO1000', `${OPS} at \`subscribers 100 TO1000\`.\n1:23 subscribers 100 TO1000`],
    ["channel = ponce ORdog != 'bernese mountain'", "Found unexpected characters at the end of the filter: `ORdog != \\'bernese mountain\\'`. You probably forgot an `OR` or an `AND` rule.\n17:44 channel = ponce ORdog != 'bernese mountain'"],
    ['colour IN blue, green]', 'Expected `[` after `IN` keyword.\n11:23 colour IN blue, green]'],
    ["colour IN [blue, green, 'blue' > 2]", "Expected only comma-separated field names inside `IN[..]` but instead found `> 2]`.\n32:36 colour IN [blue, green, 'blue' > 2]"],
    ['colour IN [blue, green, AND]', 'Expected only comma-separated field names inside `IN[..]` but instead found `AND]`.\n25:29 colour IN [blue, green, AND]'],
    ['colour IN [blue, green', 'Expected matching `]` after the list of field names given to `IN[`\n23:23 colour IN [blue, green'],
    ["colour IN ['blue, green", "Expression `\\'blue, green` is missing the following closing delimiter: `'`.\n12:24 colour IN ['blue, green"],
    ['x = EXISTS', 'Was expecting a value but instead got `EXISTS`, which is a reserved keyword. To use `EXISTS` as a field name or a value, surround it by quotes.\n5:11 x = EXISTS'],
    ['AND = 8', 'Was expecting a value but instead got `AND`, which is a reserved keyword. To use `AND` as a field name or a value, surround it by quotes.\n1:4 AND = 8'],
    ['NOT OR EXISTS AND EXISTS NOT EXISTS', 'Was expecting a value but instead got `OR`, which is a reserved keyword. To use `OR` as a field name or a value, surround it by quotes.\n5:7 NOT OR EXISTS AND EXISTS NOT EXISTS'],
    ['value NULL', `${OPS} at \`value NULL\`.\n1:11 value NULL`],
    ['value NOT EMPTY', `${OPS} at \`value NOT EMPTY\`.\n1:16 value NOT EMPTY`],
    ['value IS', `${OPS} at \`value IS\`.\n1:9 value IS`],
    ['value IS NOT EXISTS', `${OPS} at \`value IS NOT EXISTS\`.\n1:20 value IS NOT EXISTS`],
    ['title = 12 AND genre', `${OPS} at \`genre\`.\n16:21 title = 12 AND genre`],
    ['title', `${OPS} at \`title\`.\n1:6 title`],
  ];
  for (const [input, expected] of cases) {
    it(JSON.stringify(input), () => expect(error(input)).toBe(expected));
  }

  it('reports the nesting limit where it is reached', () => {
    const parens = `${'('.repeat(50)}x = 1${')'.repeat(50)}`;
    expect(error(parens)).toBe(
      `The filter exceeded the maximum depth limit. Try rewriting the filter so that it contains fewer nested conditions.\n51:106 ${parens}`,
    );
    const nots = `${'NOT '.repeat(199)}x = 1`;
    expect(error(nots)).toBe(`The filter exceeded the maximum depth limit. Try rewriting the filter so that it contains fewer nested conditions.\n797:802 ${nots}`);
  });

  it('reports bad escapes in operands', () => {
    expect(error(`x = 'a\\qb'`)).toBe("Malformed value: `a\\\\qb`.\n6:10 x = 'a\\qb'");
    expect(error(`x = "\\xZZ"`)).toBe('Found an invalid escaped sequence number: `\\\\xZZ`.\n6:10 x = "\\xZZ"');
    expect(error(`x = 'ab\\`)).toBe("Malformed value: `ab\\\\`.\n6:9 x = 'ab\\");
  });

  it('treats keyword prefixes as Meilisearch does', () => {
    expect(error('x EXISTSfoo')).toMatch(/^Found unexpected characters at the end of the filter: `foo`/);
    expect(error('year EXISTS_geo TO horror')).toMatch(/^Found unexpected characters at the end of the filter: `_geo TO horror`/);
    expect(parse('year "EXISTS_geo" TO horror')).toMatchObject({ kind: 'range', from: { raw: 'EXISTS_geo' } });
    expect(parse('x CONTAINSfoo')).toMatchObject({ kind: 'contains', value: { raw: 'foo' } });
  });
});
