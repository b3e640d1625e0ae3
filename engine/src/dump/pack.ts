/**
 * The one persist step of the writer: tar + gzip a finished section directory into a new file,
 * streamed (the `tar` package reads each file as it packs it) and fsynced before the file is
 * closed (`flush: true`), so that the rename that follows publishes only bytes on disk.
 */
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { create } from 'tar';

/** gzip level 6, as Meilisearch's writer (flate2 default) uses. */
const GZIP_LEVEL = 6;

export async function packDirectory(cwd: string, entries: string[], outFile: string, signal?: AbortSignal): Promise<void> {
  // portable: no uid/gid/uname/dev/ino in headers, so archives do not leak host details.
  // maxReadSize: tar reads each file in chunks of up to 16 MiB by default; 1 MiB keeps memory flat.
  const pack = create({ cwd, gzip: { level: GZIP_LEVEL }, portable: true, maxReadSize: 1024 * 1024 }, entries);
  const out = createWriteStream(outFile, { flags: 'wx', flush: true });
  await pipeline(pack, out, ...(signal ? [{ signal }] : []));
}
