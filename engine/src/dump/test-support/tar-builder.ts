/**
 * Builds raw ustar archives byte by byte, so tests can craft entries no well-behaved tool would
 * write (`../evil`, absolute paths, links, devices).
 */
import { gzipSync } from 'node:zlib';

export interface RawEntry {
  path: string;
  body?: string;
  /** ustar type flag: '0' file, '1' hard link, '2' symlink, '3' char device, '5' directory, '6' FIFO. */
  type?: string;
  linkpath?: string;
}

function header(entry: RawEntry, size: number): Buffer {
  const block = Buffer.alloc(512);
  const put = (text: string, offset: number, length: number) => block.write(text, offset, Math.min(Buffer.byteLength(text), length), 'utf8');
  const octal = (n: number, length: number): string => n.toString(8).padStart(length - 1, '0') + '\0';
  put(entry.path, 0, 100);
  put(octal(0o644, 8), 100, 8);
  put(octal(0, 8), 108, 8);
  put(octal(0, 8), 116, 8);
  put(octal(size, 12), 124, 12);
  put(octal(1_700_000_000, 12), 136, 12);
  put('        ', 148, 8);
  put(entry.type ?? '0', 156, 1);
  put(entry.linkpath ?? '', 157, 100);
  put('ustar\u000000', 257, 8);
  let sum = 0;
  for (const byte of block) sum += byte;
  put(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8);
  return block;
}

export function tarOf(entries: RawEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const body = Buffer.from(entry.body ?? '');
    parts.push(header(entry, body.length), body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

export const dumpOf = (entries: RawEntry[]): Buffer => gzipSync(tarOf(entries));

/** The minimal valid V6 dump, to which tests add or from which they remove entries. */
export function minimalV6(extra: RawEntry[] = [], without: string[] = []): Buffer {
  const base: RawEntry[] = [
    { path: 'metadata.json', body: '{"dumpVersion":"V6","dbVersion":"1.13.0","dumpDate":"2025-02-04T10:22:31.331764736Z"}' },
    { path: 'keys.jsonl', body: '' },
    { path: 'tasks/queue.jsonl', body: '' },
    { path: 'indexes/', type: '5' },
  ];
  return dumpOf([...base.filter((e) => !without.includes(e.path)), ...extra]);
}
