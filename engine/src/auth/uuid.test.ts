import { describe, expect, it } from 'vitest';
import { parseUuid } from './uuid.ts';

describe('parseUuid', () => {
  it('accepts the four textual forms and returns the canonical one', () => {
    const canonical = '4bc0887a-0e41-4f3b-935d-0c451dcee9c8';
    for (const input of [canonical, canonical.toUpperCase(), canonical.replaceAll('-', ''), `{${canonical}}`, `urn:uuid:${canonical}`]) {
      expect(parseUuid(input)).toEqual({ ok: true, uuid: canonical });
    }
  });

  it('accepts any version, the nil uuid included (Meilisearch does)', () => {
    expect(parseUuid('00000000-0000-0000-0000-000000000000')).toEqual({ ok: true, uuid: '00000000-0000-0000-0000-000000000000' });
  });

  it('explains failures with the uuid crate wording', () => {
    expect(parseUuid('doggo')).toEqual({ ok: false, message: 'invalid character: found `o` at 1' });
    expect(parseUuid('aaaaabbbbbccc')).toEqual({ ok: false, message: 'invalid length: expected length 32 for simple format, found 13' });
    expect(parseUuid('')).toEqual({ ok: false, message: 'invalid length: expected length 32 for simple format, found 0' });
    expect(parseUuid('4bc0887a-0e41-4f3b-935d')).toEqual({ ok: false, message: 'invalid group count: expected 5, found 4' });
    expect(parseUuid('4bc0887a0-e41-4f3b-935d-0c451dcee9c8')).toEqual({ ok: false, message: 'invalid group length in group 0: expected 8, found 9' });
    expect(parseUuid('4bc0887a-0e41-4f3b-935d-0c451dcee9c8a')).toEqual({ ok: false, message: 'invalid group length in group 4: expected 12, found 13' });
  });
});
