// docs/crd-reference.md is generated from the schemas (npm run docs:crds): it must be current.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildCrds } from '../../operator/src/api/crds.ts';
import { referencePath, renderReference } from '../../scripts/crd-reference.ts';

describe('docs/crd-reference.md', () => {
  it('is what `npm run docs:crds` writes from operator/src/api (run it after changing a schema)', () => {
    expect(readFileSync(referencePath, 'utf8'), 'docs/crd-reference.md is stale: run npm run docs:crds').toBe(renderReference());
  });

  it('documents every spec field of the three kinds, with its default', () => {
    const doc = renderReference();
    for (const crd of buildCrds().values() as Iterable<{ spec: { names: { kind: string }; versions: Array<{ schema: { openAPIV3Schema: { properties: { spec: { properties: Record<string, { default?: unknown }> } } } } }> } }>) {
      expect(doc).toContain(`## ${crd.spec.names.kind}`);
      for (const [field, s] of Object.entries(crd.spec.versions[0]!.schema.openAPIV3Schema.properties.spec.properties)) {
        const row = doc.split('\n').find((l) => l.startsWith(`| \`${field}\``));
        expect(row, `${crd.spec.names.kind}.spec.${field}`).toBeDefined();
        if (s.default !== undefined) expect(row).toContain(`\`${JSON.stringify(s.default).replace(/^"(.*)"$/, '$1')}\``);
      }
    }
  });
});
