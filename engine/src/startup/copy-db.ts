/**
 * `copy-db --from <dir> --to <dir>`: the operator's init step before an in-place upgrade of an
 * upstream Meilisearch image. The new binary migrates a copy (`--to`), never the previous
 * version's directory, which stays for a rollback. Copied to `<to>.copying`, then renamed: a
 * visible `--to` is whole. Nothing to do when `--to` already exists (a restarted pod).
 */
import { existsSync } from 'node:fs';
import { cp, rename, rm } from 'node:fs/promises';
import { parseArgs } from 'node:util';

export async function copyDatabase(from: string, to: string): Promise<'copied' | 'exists'> {
  if (existsSync(to)) return 'exists';
  if (!existsSync(from)) throw new Error(`${from} does not exist`);
  const tmp = `${to}.copying`;
  await rm(tmp, { recursive: true, force: true });
  await cp(from, tmp, { recursive: true, preserveTimestamps: true });
  await rename(tmp, to);
  return 'copied';
}

export async function copyDatabaseCommand(argv: string[]): Promise<number> {
  try {
    const { values } = parseArgs({ args: argv, options: { from: { type: 'string' }, to: { type: 'string' } }, strict: true, allowPositionals: false });
    if (!values.from || !values.to) throw new Error('copy-db needs --from <dir> and --to <dir>');
    const done = await copyDatabase(values.from, values.to);
    process.stderr.write(`copy-db: ${done === 'copied' ? `copied ${values.from} to ${values.to}` : `${values.to} exists; nothing to do`}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`copy-db: ${(error as Error).message}\n`);
    return 1;
  }
}
