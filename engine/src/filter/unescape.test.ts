import { describe, expect, it } from 'vitest';
import { unescapeValue } from './unescape.ts';

describe('unescapeValue', () => {
  it('resolves the escapes of the unescaper crate', () => {
    const cases: Array<[string, string]> = [
      ['plain', 'plain'],
      ['a\\\\b', 'a\\b'],
      ['\\n\\t\\r\\b\\f\\v', '\n\t\r\b\f\v'],
      ["\\'\\\"\\/", `'"/`],
      ['\\x20', ' '],
      ['\\xe9', 'é'],
      ['\\u00e9', 'é'],
      ['\\u{1F43B}', '🐻'],
      ['\\u{41', 'A'],
      ['\\101', 'A'],
      ['\\0', '\0'],
      ['\\7x', '\u0007x'],
      ['\\1234', 'S4'],
    ];
    for (const [input, expected] of cases) expect(unescapeValue(input), input).toEqual({ ok: true, value: expected });
  });

  it('reports bad characters as malformed and bad digits as invalid numbers', () => {
    expect(unescapeValue('\\q')).toEqual({ ok: false, error: 'malformed' });
    expect(unescapeValue('\\8')).toEqual({ ok: false, error: 'malformed' });
    expect(unescapeValue('\\u{d800}')).toEqual({ ok: false, error: 'malformed' });
    expect(unescapeValue('\\u{110000}')).toEqual({ ok: false, error: 'malformed' });
    expect(unescapeValue('\\xZZ')).toEqual({ ok: false, error: 'invalidNumber' });
    expect(unescapeValue('\\u{}')).toEqual({ ok: false, error: 'invalidNumber' });
    expect(unescapeValue('\\uZZZZ')).toEqual({ ok: false, error: 'invalidNumber' });
  });

  it('treats an escape cut short by the end as malformed', () => {
    expect(unescapeValue('\\x4')).toEqual({ ok: false, error: 'malformed' });
    expect(unescapeValue('\\u12')).toEqual({ ok: false, error: 'malformed' });
    expect(unescapeValue('abc\\')).toEqual({ ok: false, error: 'malformed' });
  });
});
