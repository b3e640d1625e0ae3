import { describe, expect, it } from 'vitest';
import { EngineError } from '../errors/engine-error.ts';
import { FilterSyntaxError, escapeDebug, formatRustFloat, messages, positionSuffix } from './errors.ts';

describe('positionSuffix', () => {
  it('gives 1-based code point columns and the whole input', () => {
    expect(positionSuffix({ source: 'title = x', start: 0, end: 5 })).toBe('\n1:6 title = x');
    expect(positionSuffix({ source: 'a = 🐻 b', start: 4, end: 6 })).toBe('\n5:6 a = 🐻 b');
    expect(positionSuffix({ source: 'x =', start: 3, end: 3 })).toBe('\n4:4 x =');
  });

  it('counts columns from the last newline, like nom_locate', () => {
    expect(positionSuffix({ source: 'a = 1\nAND b', start: 10, end: 11 })).toBe('\n5:6 a = 1\nAND b');
  });
});

describe('escapeDebug', () => {
  it('escapes like Rust str::escape_debug', () => {
    expect(escapeDebug(`it's "x"\\`)).toBe(`it\\'s \\"x\\"\\\\`);
    expect(escapeDebug('a\nb\tc\r\0')).toBe('a\\nb\\tc\\r\\0');
    expect(escapeDebug('\u0001\u00a0 é🐻')).toBe('\\u{1}\\u{a0} é🐻');
    expect(escapeDebug('\u0301e\u0301')).toBe('\\u{301}e\u0301');
  });
});

describe('formatRustFloat', () => {
  it('never uses exponent notation', () => {
    expect(formatRustFloat(250)).toBe('250');
    expect(formatRustFloat(-90.0000001)).toBe('-90.0000001');
    expect(formatRustFloat(1e-7)).toBe('0.0000001');
    expect(formatRustFloat(-1.5e-7)).toBe('-0.00000015');
    expect(formatRustFloat(1e21)).toBe('1000000000000000000000');
    expect(formatRustFloat(1.25e22)).toBe('12500000000000000000000');
    expect(formatRustFloat(-0)).toBe('-0');
  });
});

describe('messages', () => {
  it('suggests the wrapped longitude', () => {
    expect(messages.badLongitude(250)).toContain('Hint: try using `-110` instead.');
    expect(messages.badLongitude(-180.000001)).toContain('Hint: try using `179.999999` instead.');
  });

  it('says "nothing" for blank excerpts', () => {
    expect(messages.expectedValue('  ')).toBe('Was expecting a value but instead got nothing.');
    expect(messages.invalidPrimary('')).toMatch(/but instead got nothing\.$/);
  });

  it('formats JSON values in type errors', () => {
    expect(messages.invalidExpression('String, Array', true)).toBe(
      'Invalid syntax for the filter parameter: `expected String, Array, found: true`.',
    );
  });
});

describe('FilterSyntaxError', () => {
  it('is an EngineError with invalid_search_filter by default', () => {
    const error = new FilterSyntaxError('bad', { source: 'x', start: 0, end: 1 });
    expect(error).toBeInstanceOf(EngineError);
    expect(error.toJSON()).toMatchObject({ code: 'invalid_search_filter', type: 'invalid_request', message: 'bad' });
    expect(error.status).toBe(400);
    const moved = error.withCode('invalid_document_filter');
    expect(moved).toBeInstanceOf(FilterSyntaxError);
    expect(moved.code).toBe('invalid_document_filter');
    expect(moved.span).toEqual(error.span);
  });
});
