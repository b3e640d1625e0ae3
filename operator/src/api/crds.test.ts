import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { crdsDir, renderAll } from './generate-crds.ts';
import { buildCrds } from './crds.ts';
import { VERSION_PATTERN } from './search-instance-schema.ts';
import { CRON_PATTERN } from './search-dump-schedule.ts';

describe('crds/', () => {
  it('matches what `npm run crds` generates (run it after changing operator/src/api)', () => {
    const expected = renderAll();
    const onDisk = readdirSync(crdsDir).filter((f) => f.endsWith('.yaml')).sort();
    expect(onDisk).toEqual([...expected.keys()].sort());
    for (const [file, text] of expected) expect(readFileSync(path.join(crdsDir, file), 'utf8'), `crds/${file} is stale`).toBe(text);
  });
});

describe('CRD definitions', () => {
  const crds = [...buildCrds().values()] as Array<{ spec: { names: { shortNames: string[] }; versions: Array<{ subresources: unknown; additionalPrinterColumns: Array<{ name: string }> }> } }>;

  it('gives every kind a short name, a status subresource and an Age column', () => {
    expect(crds.map((c) => c.spec.names.shortNames[0])).toEqual(['si', 'sd', 'sds']);
    for (const c of crds) {
      expect(c.spec.versions[0]!.subresources).toEqual({ status: {} });
      expect(c.spec.versions[0]!.additionalPrinterColumns.at(-1)!.name).toBe('Age');
    }
  });

  it('shows version, phase and ready for `kubectl get si`', () => {
    const cols = crds[0]!.spec.versions[0]!.additionalPrinterColumns.map((c) => c.name);
    expect(cols.slice(0, 3)).toEqual(['Version', 'Phase', 'Ready']);
  });

  it('accepts engine and Meilisearch style versions and rejects tags without a version', () => {
    const re = new RegExp(VERSION_PATTERN);
    for (const v of ['0.3.0', 'v1.14.0', '1.2.3-rc.1']) expect(re.test(v), v).toBe(true);
    for (const v of ['latest', '1.2', 'v1.2.3/../x', '']) expect(re.test(v), v).toBe(false);
  });

  it('accepts five-field cron expressions and macros only', () => {
    const re = new RegExp(CRON_PATTERN);
    for (const s of ['0 3 * * *', '*/15 * * * 1-5', '@daily']) expect(re.test(s), s).toBe(true);
    for (const s of ['0 3 * *', '0 0 3 * * *', '@sometimes']) expect(re.test(s), s).toBe(false);
  });
});
