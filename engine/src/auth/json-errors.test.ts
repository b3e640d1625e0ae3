import { describe, expect, it } from 'vitest';
import {
  damerauLevenshtein,
  describeValue,
  didYouMean,
  immutableFieldMessage,
  invalidTypeMessage,
  missingFieldMessage,
  unknownFieldMessage,
  unknownValueMessage,
} from './json-errors.ts';

describe('deserr wording', () => {
  it('describes values like deserr', () => {
    expect(describeValue(null)).toBe('null');
    expect(describeValue(['doggo'])).toBe('an array: `["doggo"]`');
    expect(describeValue({ name: 'products' })).toBe('an object: `{"name":"products"}`');
    expect(describeValue('doggo')).toBe('a string: `"doggo"`');
    expect(describeValue(3)).toBe('a positive integer: `3`');
    expect(describeValue(-3)).toBe('a negative integer: `-3`');
    expect(describeValue(1.5)).toBe('a number: `1.5`');
    expect(describeValue(true)).toBe('a boolean: `true`');
  });

  it('builds the messages Meilisearch snapshots', () => {
    expect(invalidTypeMessage('.name', 'a string', ['doggo'])).toBe(
      'Invalid value type at `.name`: expected a string, but found an array: `["doggo"]`',
    );
    expect(invalidTypeMessage('', 'an object', [])).toBe('Invalid value type: expected an object, but found an array: `[]`');
    expect(missingFieldMessage('actions')).toBe('Missing field `actions`');
    expect(immutableFieldMessage('uid', ['description', 'name'])).toBe(
      'Immutable field `uid`: expected one of `description`, `name`',
    );
    const fields = ['description', 'name', 'uid', 'actions', 'indexes', 'expiresAt'];
    expect(unknownFieldMessage('doggo', fields)).toBe(
      'Unknown field `doggo`: expected one of `description`, `name`, `uid`, `actions`, `indexes`, `expiresAt`',
    );
    expect(unknownFieldMessage('expires_at', fields)).toBe(
      'Unknown field `expires_at`: did you mean `expiresAt`? expected one of `description`, `name`, `uid`, `actions`, `indexes`, `expiresAt`',
    );
    expect(unknownValueMessage('serch', '.actions[0]', ['*', 'search'])).toBe(
      'Unknown value `serch` at `.actions[0]`: did you mean `search`? expected one of `*`, `search`',
    );
  });

  it('suggests only within the typo budget', () => {
    expect(didYouMean('key', ['keys'])).toBe('');
    expect(didYouMean('filler', ['q', 'filter', 'sort'])).toBe('did you mean `filter`? ');
    expect(didYouMean('query', ['q', 'filter', 'sort'])).toBe('');
  });

  it('computes the unrestricted Damerau-Levenshtein distance', () => {
    expect(damerauLevenshtein('', 'abc')).toBe(3);
    expect(damerauLevenshtein('abc', 'abc')).toBe(0);
    expect(damerauLevenshtein('ab', 'ba')).toBe(1);
    expect(damerauLevenshtein('ca', 'abc')).toBe(2);
    expect(damerauLevenshtein('expires_at', 'expiresAt')).toBe(2);
  });
});
