/**
 * A size-limited tmpfs mounted on a directory: a filesystem that really fills (the kernel answers
 * ENOSPC), where a plain temp directory never does on a test machine. Needs root (CI and the dev
 * machines run as root); without it mounting fails with an error that says so, never a skip.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statfsSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** What Meilisearch answers when a write does not fit on the disk (its error, as on the wire). */
export const NO_SPACE = {
  message: 'There is no more space left on the device. Consider increasing the size of the disk/partition.',
  code: 'no_space_left_on_device',
  type: 'system',
  link: 'https://docs.meilisearch.com/errors#no_space_left_on_device',
};

export interface SmallVolume {
  dir: string;
  sizeBytes: number;
  freeBytes(): number;
  /** Writes `bytes` of zeros to `name` (or until ENOSPC); returns what was written. */
  fill(name: string, bytes: number): number;
  /** Writes zeros to `name` until the filesystem refuses; returns what was written. */
  fillUp(name: string): number;
  remove(name: string): void;
  unmount(): void;
}

/** /proc/self/mounts escapes spaces, tabs, newlines and backslashes in octal. */
function mountPoints(): string[] {
  return readFileSync('/proc/self/mounts', 'utf8').split('\n')
    .map((line) => line.split(' ')[1] ?? '')
    .map((field) => field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8))));
}

export function isMountPoint(dir: string): boolean {
  return mountPoints().includes(resolve(dir));
}

export function mountTmpfs(dir: string, sizeBytes: number): void {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes},mode=0755`, 'tmpfs', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim() ?? String(error);
    throw new Error(`cannot mount a ${sizeBytes}-byte tmpfs on ${dir} (${stderr}): full-volume tests need root `
      + '(CAP_SYS_ADMIN) to mount a size-limited filesystem; run them as root or inside `unshare -Urm`');
  }
  if (!isMountPoint(dir)) throw new Error(`mount reported success but ${dir} is not a mount point`);
}

/** Lazy, so a process still holding files there (an engine being stopped) cannot keep it mounted. */
export function unmountTmpfs(dir: string): void {
  if (!isMountPoint(dir)) return;
  execFileSync('umount', ['-l', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Unmounts every mount point inside `dir` (deepest first); returns them. */
export function unmountAllUnder(dir: string): string[] {
  const prefix = `${resolve(dir)}/`;
  const inside = mountPoints().filter((point) => point.startsWith(prefix)).sort((a, b) => b.length - a.length);
  for (const point of inside) unmountTmpfs(point);
  return inside;
}

export function freeBytes(dir: string): number {
  const stats = statfsSync(dir);
  return stats.bavail * stats.bsize;
}

const CHUNK = Buffer.alloc(1024 * 1024);

export function writeZeros(path: string, bytes: number): number {
  const fd = openSync(path, 'a');
  let written = 0;
  try {
    while (written < bytes) {
      const length = Math.min(CHUNK.length, bytes - written);
      try {
        written += writeSync(fd, CHUNK, 0, length);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOSPC') break;
        throw error;
      }
    }
  } finally {
    closeSync(fd);
  }
  return written;
}

/** A new temp directory with a tmpfs of `sizeBytes` on it; `unmount()` also removes the directory. */
export function mountSmallVolume(prefix: string, sizeBytes: number): SmallVolume {
  const dir = mkdtempSync(join(tmpdir(), `searchkube-${prefix}-`));
  try {
    mountTmpfs(dir, sizeBytes);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    dir,
    sizeBytes,
    freeBytes: () => freeBytes(dir),
    fill: (name, bytes) => writeZeros(join(dir, name), bytes),
    fillUp: (name) => writeZeros(join(dir, name), Number.MAX_SAFE_INTEGER),
    remove: (name) => rmSync(join(dir, name), { force: true }),
    unmount() {
      unmountTmpfs(dir);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
