import { describe, expect, it } from 'vitest';
import { FilterSyntaxError } from './errors.ts';
import { parseValue, type ParseContext } from './parse-value.ts';

const ctx = (input: string): ParseContext => ({ input, code: 'invalid_search_filter' });

function hard(input: string): string {
  try {
    parseValue(ctx(input), 0);
  } catch (e) {
    expect(e).toBeInstanceOf(FilterSyntaxError);
    return (e as Error).message.split('\n')[0] ?? '';
  }
  throw new Error('expected a hard error');
}

describe('parseValue (cases from Meilisearch value.rs tests)', () => {
  const cases: Array<[string, string]> = [
    ['channel', 'channel'],
    ['.private', '.private'],
    ['I-love-kebab', 'I-love-kebab'],
    ['parens(', 'parens'],
    ['not!', 'not'],
    ['    channel     ', 'channel'],
    ["'cha)nnel'", 'cha)nnel'],
    [`'cha"nnel'`, 'cha"nnel'],
    [`" some spaces "`, ' some spaces '],
    ["I'm tamo", 'I'],
    [`"\\\\"`, '\\'],
    [`"\\\\\\\\\\\\"`, '\\\\\\'],
    [`"aa\\\\aa"`, 'aa\\aa'],
    [`"Hello \\"world\\""`, 'Hello "world"'],
    [`"Hello \\\\\\"world\\\\\\""`, 'Hello \\"world\\"'],
    [`"\\"\\""`, '""'],
    [`'Hello \\'world\\''`, "Hello 'world'"],
    [`'Hello \\\\\\'world\\\\\\''`, "Hello \\'world\\'"],
    [`'I\\'m "super" tamo'`, `I'm "super" tamo`],
    [`'\\'\\''`, "''"],
    [`''`, ''],
    [`"27\\" to 30'"`, `27" to 30'`],
  ];
  for (const [input, expected] of cases) {
    it(input, () => expect(parseValue(ctx(input), 0)).toMatchObject({ text: expected }));
  }

  it('reports where the token is and where parsing continues', () => {
    expect(parseValue(ctx(` 'ab' = 1`), 0)).toEqual({ text: 'ab', start: 2, end: 4, next: 6 });
    expect(parseValue(ctx('abc\t= 1'), 0)).toEqual({ text: 'abc', start: 0, end: 3, next: 4 });
  });

  it('fails softly on keywords, missing values and bad escapes', () => {
    expect(parseValue(ctx('AND x'), 0)).toMatchObject({ soft: true, keyword: true, start: 0, end: 3 });
    expect(parseValue(ctx('= 1'), 0)).toMatchObject({ soft: true, keyword: false });
    expect(parseValue(ctx(`'a\\q'`), 0)).toMatchObject({ soft: true, diagnostic: 'Malformed value: `a\\\\q`.', start: 1, end: 4 });
  });

  it('fails hard on reserved geo words and unterminated quotes', () => {
    expect(hard('_geoPoint(1, 2)')).toMatch(/^`_geoPoint` is a reserved keyword/);
    expect(hard('_geoPointer')).toMatch(/^`_geoPoint` is a reserved keyword/);
    expect(hard('_geoDistance')).toMatch(/^`_geoDistance` is a reserved keyword/);
    expect(hard('_geo = 1')).toMatch(/^`_geo` is a reserved keyword/);
    expect(hard('_geoRadius(1, 2, 3)')).toBe('The `_geoRadius` filter is an operation and can\'t be used as a value.');
    expect(hard('_geoBoundingBox')).toBe('The `_geoBoundingBox` filter is an operation and can\'t be used as a value.');
    expect(hard(`"open`)).toBe('Expression `\\"open` is missing the following closing delimiter: `"`.');
    expect(parseValue(ctx('_geo.lat'), 0)).toMatchObject({ text: '_geo.lat' });
    expect(parseValue(ctx(`'_geoPoint'`), 0)).toMatchObject({ text: '_geoPoint' });
  });
});
