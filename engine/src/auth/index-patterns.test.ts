import { describe, expect, it } from 'vitest';
import { indexAllowed, isValidIndexPattern, isValidIndexUid, mostSpecificPattern } from './index-patterns.ts';

describe('index uids and patterns', () => {
  it('accepts ASCII alphanumerics, - and _, 1 to 400 bytes', () => {
    expect(isValidIndexUid('movies_2024-v1')).toBe(true);
    expect(isValidIndexUid('a'.repeat(400))).toBe(true);
    expect(isValidIndexUid('a'.repeat(401))).toBe(false);
    expect(isValidIndexUid('')).toBe(false);
    expect(isValidIndexUid('good doggo')).toBe(false);
    expect(isValidIndexUid('café')).toBe(false);
  });

  it('accepts *, exact uids and one trailing star after a valid uid', () => {
    expect(isValidIndexPattern('*')).toBe(true);
    expect(isValidIndexPattern('products_*')).toBe(true);
    expect(isValidIndexPattern('products')).toBe(true);
    expect(isValidIndexPattern('**')).toBe(false);
    expect(isValidIndexPattern('*products')).toBe(false);
    expect(isValidIndexPattern('pro*ducts')).toBe(false);
    expect(isValidIndexPattern('')).toBe(false);
  });
});

describe('indexAllowed', () => {
  it('matches *, exact uids and prefixes', () => {
    expect(indexAllowed(['*'], 'anything')).toBe(true);
    expect(indexAllowed(['movies'], 'movies')).toBe(true);
    expect(indexAllowed(['movies'], 'movies2')).toBe(false);
    expect(indexAllowed(['prod_*'], 'prod_eu')).toBe(true);
    expect(indexAllowed(['prod_*'], 'prod_')).toBe(true);
    expect(indexAllowed(['prod_*'], 'staging_eu')).toBe(false);
    expect(indexAllowed(['sales', 'prod*'], 'products')).toBe(true);
    expect(indexAllowed([], 'movies')).toBe(false);
  });
});

describe('mostSpecificPattern', () => {
  it('prefers an exact uid, then the longest wildcard', () => {
    expect(mostSpecificPattern(['*', 'sales', 'sal*'], 'sales')).toBe('sales');
    expect(mostSpecificPattern(['*', 'sa*', 'sal*'], 'sales')).toBe('sal*');
    expect(mostSpecificPattern(['*'], 'sales')).toBe('*');
    expect(mostSpecificPattern(['movies'], 'sales')).toBeUndefined();
  });
});
