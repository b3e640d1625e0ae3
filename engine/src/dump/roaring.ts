/**
 * Meilisearch stores the task ids of `taskCancelation`/`tasksDeletion` tasks as a RoaringBitmap,
 * which serde_json writes as the bitmap's portable serialization, as a JSON array of bytes.
 * This module reads and writes that format (https://github.com/RoaringBitmap/RoaringFormatSpec)
 * so our dumps stay importable by Meilisearch and theirs by us.
 */

const COOKIE_NO_RUN = 12346;
const COOKIE_RUN = 12347;
const NO_OFFSET_THRESHOLD = 4;
const ARRAY_MAX = 4096;
const BITMAP_BYTES = 8192;

/** Serialize u32 values (any order, duplicates allowed) as portable roaring bytes. */
export function encodeRoaring(values: Iterable<number>): number[] {
  const sorted = [...new Set(values)].sort((a, b) => a - b);
  for (const v of sorted) {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new RangeError(`not a u32: ${v}`);
  }
  const containers: Array<{ key: number; lows: number[] }> = [];
  for (const v of sorted) {
    const key = Math.floor(v / 65536);
    const last = containers.at(-1);
    if (last && last.key === key) last.lows.push(v % 65536);
    else containers.push({ key, lows: [v % 65536] });
  }
  const bodies = containers.map(({ lows }) => {
    if (lows.length <= ARRAY_MAX) {
      const body = Buffer.alloc(lows.length * 2);
      lows.forEach((low, i) => body.writeUInt16LE(low, i * 2));
      return body;
    }
    const body = Buffer.alloc(BITMAP_BYTES);
    for (const low of lows) body[low >> 3]! |= 1 << (low & 7);
    return body;
  });
  const header = Buffer.alloc(8 + containers.length * 8);
  header.writeUInt32LE(COOKIE_NO_RUN, 0);
  header.writeUInt32LE(containers.length, 4);
  let offset = header.length;
  containers.forEach(({ key, lows }, i) => {
    header.writeUInt16LE(key, 8 + i * 4);
    header.writeUInt16LE(lows.length - 1, 10 + i * 4);
    header.writeUInt32LE(offset, 8 + containers.length * 4 + i * 4);
    offset += bodies[i]!.length;
  });
  return [...Buffer.concat([header, ...bodies])];
}

/** Parse portable roaring bytes into sorted u32 values. Throws on malformed input. */
export function decodeRoaring(bytes: ArrayLike<number>): number[] {
  if (!Array.from(bytes).every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) throw new Error('roaring bitmap: not a byte array');
  const buf = Buffer.from(Array.from(bytes));
  const need = (end: number): void => {
    if (end > buf.length) throw new Error('roaring bitmap: truncated');
  };
  need(4);
  const first = buf.readUInt32LE(0);
  let pos = 4;
  let size: number;
  let runFlags: Buffer | null = null;
  if (first === COOKIE_NO_RUN) {
    need(8);
    size = buf.readUInt32LE(4);
    pos = 8;
  } else if ((first & 0xffff) === COOKIE_RUN) {
    size = (first >>> 16) + 1;
    const flagBytes = Math.ceil(size / 8);
    need(pos + flagBytes);
    runFlags = buf.subarray(pos, pos + flagBytes);
    pos += flagBytes;
  } else {
    throw new Error('roaring bitmap: unknown cookie');
  }
  need(pos + size * 4);
  const headers = Array.from({ length: size }, (_, i) => ({
    key: buf.readUInt16LE(pos + i * 4),
    cardinality: buf.readUInt16LE(pos + i * 4 + 2) + 1,
    isRun: runFlags !== null && (runFlags[i >> 3]! & (1 << (i & 7))) !== 0,
  }));
  pos += size * 4;
  if (runFlags === null || size >= NO_OFFSET_THRESHOLD) pos += size * 4; // offsets: not needed to read sequentially
  const out: number[] = [];
  for (const { key, cardinality, isRun } of headers) {
    const base = key * 65536;
    if (isRun) {
      need(pos + 2);
      const runs = buf.readUInt16LE(pos);
      pos += 2;
      need(pos + runs * 4);
      for (let r = 0; r < runs; r++) {
        const start = buf.readUInt16LE(pos + r * 4);
        const length = buf.readUInt16LE(pos + r * 4 + 2);
        for (let v = start; v <= start + length; v++) out.push(base + v);
      }
      pos += runs * 4;
    } else if (cardinality <= ARRAY_MAX) {
      need(pos + cardinality * 2);
      for (let j = 0; j < cardinality; j++) out.push(base + buf.readUInt16LE(pos + j * 2));
      pos += cardinality * 2;
    } else {
      need(pos + BITMAP_BYTES);
      for (let low = 0; low < 65536; low++) if (buf[pos + (low >> 3)]! & (1 << (low & 7))) out.push(base + low);
      pos += BITMAP_BYTES;
    }
  }
  return out;
}
