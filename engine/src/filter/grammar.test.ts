import { describe, expect, it } from 'vitest';
import {
  KEYWORDS, errorWordEnd, floatEnd, isBlank, isUnicodeWhitespace, isValueComponent, parseFiniteFloat, scanQuoted,
  skipMultispace, tokenize, wordAt,
} from './grammar.ts';

describe('character classes', () => {
  it('reads words of alphanumerics, _ - . (Unicode letters and digits included)', () => {
    expect(wordAt('release_date-2.1 >', 0)).toBe('release_date-2.1');
    expect(wordAt('2021-01-01T10:00', 0)).toBe('2021-01-01T10');
    expect(wordAt('café=1', 0)).toBe('café');
    expect(wordAt('🐻 x', 0)).toBe('');
    expect(isValueComponent('٣')).toBe(true);
    expect(isValueComponent(':')).toBe(false);
  });

  it('separates tokens by ASCII whitespace only, but trims Unicode whitespace', () => {
    expect(skipMultispace(' \t\r\nx', 0)).toBe(4);
    expect(skipMultispace('\u00a0x', 0)).toBe(0);
    expect(isUnicodeWhitespace('\u00a0')).toBe(true);
    expect(isUnicodeWhitespace('\u0085')).toBe(true);
    expect(isUnicodeWhitespace('\ufeff')).toBe(false);
    expect(isBlank(' \u3000\n')).toBe(true);
    expect(isBlank(' a ')).toBe(false);
  });

  it('cuts the excerpt of a bad value at whitespace and ()=<>!', () => {
    expect(errorWordEnd('🐻,x AND y', 0)).toBe(4);
    expect(errorWordEnd('ab!=c', 0)).toBe(2);
  });

  it('knows the case-sensitive keywords', () => {
    expect(KEYWORDS.has('AND')).toBe(true);
    expect(KEYWORDS.has('and')).toBe(false);
    expect(KEYWORDS.has('_geoRadius')).toBe(true);
  });
});

describe('numbers', () => {
  it('recognizes float literals like nom', () => {
    expect(floatEnd('12.5e-3,', 0)).toBe(7);
    expect(floatEnd('-.5)', 0)).toBe(3);
    expect(floatEnd('5.)', 0)).toBe(2);
    expect(floatEnd('x', 0)).toBe(-1);
    expect(floatEnd('.', 0)).toBe(-1);
  });

  it('parses finite floats like Rust', () => {
    expect(parseFiniteFloat('10')).toBe(10);
    expect(parseFiniteFloat('+1.5')).toBe(1.5);
    expect(parseFiniteFloat('.5')).toBe(0.5);
    expect(parseFiniteFloat('5.')).toBe(5);
    expect(parseFiniteFloat('1e3')).toBe(1000);
    expect(parseFiniteFloat('-0')).toBe(-0);
    for (const text of ['', ' 1', '0x10', '1_000', 'inf', 'NaN', 'infinity', '1e999', '2021-01-01', '1.2.3']) {
      expect(parseFiniteFloat(text), text).toBeNull();
    }
  });
});

describe('quoted values', () => {
  it('finds the closing quote, skipping escaped characters', () => {
    expect(scanQuoted(`ab\\'c' rest`, 0, "'")).toEqual({ close: 5, danglingBackslash: false, escapedQuote: true });
    expect(scanQuoted(`ab"c'`, 0, '"')).toEqual({ close: 2, danglingBackslash: false, escapedQuote: false });
    expect(scanQuoted('abc', 0, "'")).toEqual({ close: null, danglingBackslash: false, escapedQuote: false });
    expect(scanQuoted('abc\\', 0, "'")).toEqual({ close: null, danglingBackslash: true, escapedQuote: false });
  });
});

describe('tokenize', () => {
  it('splits a filter into typed tokens with their positions', () => {
    const tokens = tokenize(`genre IN ['sci fi', drama] AND year>=2000`);
    expect(tokens.map((t) => [t.kind, t.text])).toEqual([
      ['word', 'genre'], ['keyword', 'IN'], ['punct', '['], ['quoted', "'sci fi'"], ['punct', ','], ['word', 'drama'],
      ['punct', ']'], ['keyword', 'AND'], ['word', 'year'], ['operator', '>='], ['word', '2000'],
    ]);
    expect(tokens[3]).toMatchObject({ start: 10, end: 18 });
  });

  it('keeps unknown characters and unterminated quotes as tokens', () => {
    expect(tokenize(`a = 🐻 "open`).map((t) => t.kind)).toEqual(['word', 'operator', 'other', 'quoted']);
    expect(tokenize('   ')).toEqual([]);
  });
});
