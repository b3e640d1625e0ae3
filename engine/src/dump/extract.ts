/**
 * Unpacks a `.dump` (gzip'd tar) into a private directory, refusing anything that could write
 * outside it: absolute paths, `..` components, links and device files are errors; a leading
 * `./` is stripped; macOS `._*` AppleDouble files are skipped; PAX headers (e.g. LIBARCHIVE
 * xattrs) are consumed by the tar parser and never become files.
 *
 * We decompress with Node's zlib ourselves (rather than letting tar sniff) so a non-gzip file is
 * refused up front and gzip damage reports as such; tar runs in strict mode so a truncated or
 * malformed archive is an error, never a silently partial extraction. Every failure rejects
 * with a DumpError; the caller owns (and removes) `dest`.
 */
import { createReadStream, createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, join, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { Parser, type ReadEntry } from 'tar';
import { DumpError, describe } from './errors.ts';

const FILE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile']);

/** Archive path -> path relative to the extraction root, or null for entries we skip. */
export function safeEntryPath(raw: string): string | null {
  if (raw.includes('\0')) throw new DumpError(`tar entry ${JSON.stringify(raw)}: NUL byte in path`, { file: raw });
  if (raw.startsWith('/') || /^[A-Za-z]:/.test(raw)) {
    throw new DumpError(`tar entry ${JSON.stringify(raw)}: absolute paths are not allowed in a dump`, { file: raw });
  }
  const parts = raw.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.includes('..')) {
    throw new DumpError(`tar entry ${JSON.stringify(raw)}: ".." would escape the dump directory`, { file: raw });
  }
  if (parts.length === 0) return null; // the `./` root entry
  if (parts[0] === '__MACOSX' || parts.at(-1)!.startsWith('._')) return null; // macOS metadata junk
  return parts.join('/');
}

async function assertGzip(archive: string, name: string): Promise<void> {
  let handle;
  try {
    handle = await open(archive, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DumpError(code === 'ENOENT' ? `dump file ${archive} does not exist` : `cannot open dump file ${archive}: ${describe(error)}`, { file: archive, cause: error });
  }
  try {
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    if (bytesRead < 2 || buffer[0] !== 0x1f || buffer[1] !== 0x8b) {
      throw new DumpError(`${name} is not a dump: not a gzip-compressed tar archive`, { file: archive });
    }
  } finally {
    await handle.close();
  }
}

export async function extractArchive(archive: string, dest: string): Promise<void> {
  const name = basename(archive);
  await assertGzip(archive, name);
  const root = resolve(dest);

  let failure: Error | null = null;
  let rejectFailed!: (error: Error) => void;
  const failed = new Promise<never>((_, reject) => { rejectFailed = reject; });
  failed.catch(() => {}); // observed through `failure`; never an unhandled rejection
  const fail = (error: unknown): void => {
    if (failure) return;
    failure = error instanceof DumpError ? error
      : new DumpError(`${name}: the tar archive is corrupt or truncated (${describe(error)})`, { file: archive, cause: error });
    rejectFailed(failure);
  };

  const writes: Promise<void>[] = [];
  const outs: WriteStream[] = [];
  /**
   * On a failure, files still being written are closed before the error reaches the caller,
   * who removes the directory: a write landing during that removal made it fail (ENOTEMPTY).
   */
  const closeFiles = async (): Promise<void> => {
    for (const out of outs) if (!out.closed) out.destroy();
    await Promise.allSettled(writes);
  };
  let sawEndMarker = false;
  const parser = new Parser({ strict: true });
  parser.on('error', fail);
  parser.on('eof', () => { sawEndMarker = true; });
  parser.on('entry', (entry: ReadEntry) => {
    try {
      if (failure) return void entry.resume();
      const rel = safeEntryPath(entry.path);
      if (rel === null) return void entry.resume();
      const target = join(root, rel);
      if (!resolve(target).startsWith(root + sep)) throw new DumpError(`tar entry ${JSON.stringify(entry.path)} escapes the dump directory`, { file: entry.path });
      if (entry.type === 'Directory') {
        mkdirSync(target, { recursive: true });
        return void entry.resume();
      }
      if (!FILE_TYPES.has(entry.type)) {
        const what = entry.type === 'SymbolicLink' || entry.type === 'Link' ? 'links are not allowed in a dump' : 'only files and directories are allowed in a dump';
        throw new DumpError(`tar entry ${JSON.stringify(entry.path)} is a ${entry.type}: ${what}`, { file: entry.path });
      }
      mkdirSync(join(target, '..'), { recursive: true });
      const out = createWriteStream(target);
      outs.push(out);
      writes.push(new Promise<void>((done, reject) => {
        out.on('close', done);
        out.on('error', reject);
      }).catch(fail));
      entry.pipe(out);
    } catch (error) {
      fail(error);
      entry.resume();
    }
  });
  const ended = new Promise<void>((done) => parser.on('end', done));

  try {
    await pipeline(createReadStream(archive), createGunzip(), async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) {
        if (failure) throw failure;
        if (!parser.write(chunk)) await Promise.race([new Promise((done) => parser.once('drain', done)), failed]);
      }
    });
  } catch (error) {
    if (!failure) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      fail(code.startsWith('Z_') || /zlib|gzip|header check|end of file/i.test(describe(error))
        ? new DumpError(`${name}: the gzip stream is corrupt or truncated (${describe(error)})`, { file: archive, cause: error })
        : error);
    }
    await closeFiles();
    throw failure!;
  }
  parser.end();
  await Promise.race([ended, failed]).catch(() => {});
  await Promise.race([Promise.all(writes), failed]).catch(() => {});
  if (failure) {
    await closeFiles();
    throw failure;
  }
  if (!sawEndMarker) throw new DumpError(`${name}: the tar archive is truncated (no end-of-archive marker)`, { file: archive });
}
