// The operator's version: the package's. The dumps-agent sidecar it adds next to upstream
// Meilisearch containers is the engine image of the same version (one release, one version).
import { readFileSync } from 'node:fs';

const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

export const OPERATOR_VERSION: string = packageJson.version;
