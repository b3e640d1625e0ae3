import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeRoaring, encodeRoaring } from './roaring.ts';

describe('roaring bitmaps (task ids of cancel/delete tasks)', () => {
  it('encodes {0,1,2} as the portable bytes roaring-rs writes', () => {
    const bytes = [58, 48, 0, 0, 1, 0, 0, 0, 0, 0, 2, 0, 16, 0, 0, 0, 0, 0, 1, 0, 2, 0];
    expect(encodeRoaring([2, 0, 1, 1])).toEqual(bytes);
    expect(decodeRoaring(bytes)).toEqual([0, 1, 2]);
  });

  it('round-trips arrays, bitmap containers (> 4096 values) and several containers', () => {
    const dense = Array.from({ length: 5000 }, (_, i) => i * 2);
    const spread = [0, 65535, 65536, 1 << 20, 0xffffffff];
    expect(decodeRoaring(encodeRoaring(dense))).toEqual(dense);
    expect(decodeRoaring(encodeRoaring(spread))).toEqual(spread);
    expect(decodeRoaring(encodeRoaring([]))).toEqual([]);
  });

  it('round-trips any set of u32 (property)', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 300_000 }), { maxLength: 300 }), (values) => {
      expect(decodeRoaring(encodeRoaring(values))).toEqual([...new Set(values)].sort((a, b) => a - b));
    }));
  });

  it('reads run containers', () => {
    // cookie 12347 with 1 container, run flag set, key 0 card 10, one run [5..14]
    const bytes = [0x3b, 0x30, 0, 0, 0b1, 0, 0, 9, 0, 1, 0, 5, 0, 9, 0];
    expect(decodeRoaring(bytes)).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
  });

  it('rejects malformed input', () => {
    expect(() => decodeRoaring([1, 2, 3, 4])).toThrow(/cookie/);
    expect(() => decodeRoaring([58, 48, 0, 0, 1, 0, 0, 0])).toThrow(/truncated/);
    expect(() => decodeRoaring([300])).toThrow(/byte/);
  });
});
