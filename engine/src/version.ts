import { readFileSync } from 'node:fs';

/**
 * The engine's version is the package's, unless SEARCHKUBE_ENGINE_VERSION overrides it: the
 * test harness runs this one checkout as two engine versions to exercise upgrades.
 */
const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

export const ENGINE_VERSION: string = process.env['SEARCHKUBE_ENGINE_VERSION'] ?? packageJson.version;

/**
 * The on-disk format version. A database written under another format is refused: data moves
 * between formats through a dump. Bump it whenever the stored layout changes incompatibly.
 */
export const DB_FORMAT_VERSION = 1;
