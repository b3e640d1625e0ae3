import { describe, expect, it } from 'vitest';
import { deriveKey, KeyStringIndex, masterKeyMatches } from './key-derivation.ts';

describe('deriveKey', () => {
  // Vectors from Meilisearch's own test suite (tests/auth/errors.rs and api_keys.rs).
  it('is the hex HMAC-SHA256 of the uid keyed by the master key', () => {
    expect(deriveKey('MASTER_KEY', '00000000-0000-0000-0000-000000000000')).toBe(
      'aeb94973e0b6e912d94165430bbe87dee91a7c4f891ce19050c3910ec96977e9',
    );
    expect(deriveKey('MASTER_KEY', '4bc0887a-0e41-4f3b-935d-0c451dcee9c8')).toBe(
      'd9e776b8412f1db6974c9a5556b961c3559440b6588216f4ea5d9ed49f7c8f3c',
    );
  });

  it('changes with the master key', () => {
    const uid = '4bc0887a-0e41-4f3b-935d-0c451dcee9c8';
    expect(deriveKey('other-master-key', uid)).not.toBe(deriveKey('MASTER_KEY', uid));
  });
});

describe('masterKeyMatches', () => {
  it('compares whole strings of any length', () => {
    expect(masterKeyMatches('MASTER_KEY', 'MASTER_KEY')).toBe(true);
    expect(masterKeyMatches('MASTER_KEY', 'MASTER_KE')).toBe(false);
    expect(masterKeyMatches('MASTER_KEY', 'MASTER_KEY ')).toBe(false);
    expect(masterKeyMatches('MASTER_KEY', '')).toBe(false);
  });
});

describe('KeyStringIndex', () => {
  const a = '11111111-1111-4111-8111-111111111111';
  const b = '22222222-2222-4222-8222-222222222222';

  it('maps key strings to uids and derives only when stale', () => {
    let uids = [a];
    let listings = 0;
    const index = new KeyStringIndex(() => {
      listings++;
      return uids;
    });
    expect(index.uidFor('master', deriveKey('master', a))).toBe(a);
    expect(index.uidFor('master', 'not-a-key')).toBeUndefined();
    expect(listings).toBe(1);

    uids = [a, b];
    expect(index.uidFor('master', deriveKey('master', b))).toBeUndefined();
    index.invalidate();
    expect(index.uidFor('master', deriveKey('master', b))).toBe(b);
    expect(listings).toBe(2);
  });

  it('rebuilds when the master key changes', () => {
    const index = new KeyStringIndex(() => [a]);
    expect(index.uidFor('one', deriveKey('one', a))).toBe(a);
    expect(index.uidFor('two', deriveKey('one', a))).toBeUndefined();
    expect(index.uidFor('two', deriveKey('two', a))).toBe(a);
  });
});
