import { describe, expect, it } from 'vitest';
import { HARD_SEPARATOR_GAP, Tokenizer, normalizeWord } from './tokenizer.ts';

function tokens(text: string, tokenizer = new Tokenizer()): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  tokenizer.forEach(text, (w, p) => out.push([w, p]));
  return out;
}

describe('normalizeWord', () => {
  it('lowercases and folds diacritics', () => {
    expect(normalizeWord('Éléphant')).toBe('elephant');
    expect(normalizeWord('Sant Julià')).toBe('sant julia');
    expect(normalizeWord('Straße')).toBe('strasse');
    expect(normalizeWord('Ærø')).toBe('aero');
  });
  it('folds compatibility forms (ligatures, full-width)', () => {
    expect(normalizeWord('ﬁlm')).toBe('film');
    expect(normalizeWord('ＡＢＣ')).toBe('abc');
  });
  it('keeps CJK and Hangul composed', () => {
    expect(normalizeWord('한국')).toBe('한국');
    expect(normalizeWord('東京')).toBe('東京');
  });
});

describe('Tokenizer', () => {
  it('numbers words by position and reports offsets', () => {
    const out: Array<[string, number, number, number]> = [];
    new Tokenizer().forEach('Hello, World', (w, p, s, e) => out.push([w, p, s, e]));
    expect(out).toEqual([
      ['hello', 0, 0, 5],
      ['world', 1, 7, 12],
    ]);
  });
  it('puts a large gap across hard separators', () => {
    expect(tokens('one two. three')).toEqual([
      ['one', 0],
      ['two', 1],
      ['three', 1 + HARD_SEPARATOR_GAP],
    ]);
  });
  it('splits on dashes, underscores and apostrophes', () => {
    expect(tokens("spider-man l'avion foo_bar").map((t) => t[0])).toEqual(['spider', 'man', 'l', 'avion', 'foo', 'bar']);
  });
  it('segments Chinese and Japanese with Intl.Segmenter', () => {
    const words = new Tokenizer().words('我喜欢北京');
    expect(words.length).toBeGreaterThan(1);
    expect(words.join('')).toBe('我喜欢北京');
  });
  it('starts positions at the given first position', () => {
    expect(tokens('a b').map((t) => t[1])).toEqual([0, 1]);
    const out: number[] = [];
    const last = new Tokenizer().forEach('x y', (_w, p) => out.push(p), 10);
    expect(out).toEqual([10, 11]);
    expect(last).toBe(11);
  });
  it('accepts dictionary and non-separator tokens holding regex syntax, `-` included', () => {
    expect(new Tokenizer({ dictionary: ['e-mail', 'a.b-c?', '(x|y)', '\\d'] }).words('send e-mail now')).toEqual(['send', 'e-mail', 'now']);
    expect(new Tokenizer({ nonSeparatorTokens: ['-', '\\', '[', ']'] }).words('pre-fix a[b]')).toEqual(['pre-fix', 'a[b]']);
  });

  it('honours separatorTokens, nonSeparatorTokens and dictionary', () => {
    expect(new Tokenizer({ nonSeparatorTokens: ['#'] }).words('C# rocks')).toEqual(['c#', 'rocks']);
    expect(new Tokenizer({ separatorTokens: ['x'] }).words('fooxbar')).toEqual(['foo', 'bar']);
    expect(new Tokenizer({ dictionary: ['J.R.R.'] }).words('J.R.R. Tolkien')).toEqual(['j.r.r.', 'tolkien']);
  });
});
