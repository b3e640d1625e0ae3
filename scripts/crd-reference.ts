// `npm run docs:crds`: writes docs/crd-reference.md, the configuration reference of the three
// custom resources, from the same schemas the CRDs are generated from (operator/src/api).
// test/docs/crd-reference.test.ts fails when the committed file differs from what this writes.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCrds } from '../operator/src/api/crds.ts';
import type { CelRule, Schema } from '../operator/src/api/schema.ts';

export const referencePath = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'crd-reference.md');

interface Column {
  name: string;
  jsonPath: string;
  priority?: number;
}
interface Crd {
  spec: {
    group: string;
    names: { kind: string; plural: string; shortNames: string[] };
    versions: Array<{ name: string; additionalPrinterColumns: Column[]; schema: { openAPIV3Schema: Schema } }>;
  };
}

/** Text safe in a markdown table cell. */
function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n+/g, ' ');
}

function code(s: unknown): string {
  const text = typeof s === 'string' ? s : JSON.stringify(s);
  return text === '' ? '`""`' : `\`${text}\``;
}

/** Prose with <placeholders> that markdown would take for HTML tags. */
function prose(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function typeOf(s: Schema): string {
  if (s['x-kubernetes-int-or-string']) return 'quantity';
  if (s['x-kubernetes-preserve-unknown-fields']) return 'object';
  if (s.type === 'array') return `[]${s.items ? typeOf(s.items) : 'any'}`;
  if (s.type === 'object' && s.additionalProperties && typeof s.additionalProperties === 'object' && !s.properties) return `map[string]${typeOf(s.additionalProperties)}`;
  if (s.type === 'string' && s.format === 'date-time') return 'timestamp';
  if (s.type === 'string' && (s['x-kubernetes-validations'] ?? []).some((r) => r.rule.includes('isQuantity'))) return 'quantity';
  return s.type ?? 'any';
}

/** Constraints and rules, in words, after the description. */
function details(s: Schema): string[] {
  const out: string[] = [];
  if (s.enum) out.push(`One of ${s.enum.map(code).join(', ')}.`);
  if (s.minimum !== undefined) out.push(`Minimum ${s.minimum}.`);
  if (s.maximum !== undefined) out.push(`Maximum ${s.maximum}.`);
  if (s.minLength !== undefined && s.minLength > 1) out.push(`At least ${s.minLength} characters.`);
  if (s.maxLength !== undefined) out.push(`At most ${s.maxLength} characters.`);
  if (s.pattern && !s['x-kubernetes-int-or-string']) out.push(`Pattern ${code(s.pattern)}.`);
  if (s['x-kubernetes-preserve-unknown-fields']) out.push('Kept as given (Kubernetes pod field).');
  if (s['x-kubernetes-list-type'] === 'map') out.push(`A list keyed by ${(s['x-kubernetes-list-map-keys'] ?? []).map(code).join(', ')}.`);
  for (const r of s['x-kubernetes-validations'] ?? []) out.push(rule(r));
  return out;
}

function rule(r: CelRule): string {
  if (r.rule === 'self == oldSelf') return `Immutable${r.message ? ` (${prose(r.message)})` : ''}.`;
  if (r.rule.includes('isQuantity')) return 'A positive quantity.';
  return `Rule: ${r.message ? prose(r.message) : code(r.rule)}.`;
}

interface Row {
  path: string;
  required: boolean;
  schema: Schema;
}

/** Every field under `s`, depth first, with dotted paths (`[]` for list items). */
function rows(s: Schema, prefix: string): Row[] {
  const out: Row[] = [];
  for (const [name, child] of Object.entries(s.properties ?? {})) {
    const p = `${prefix}${name}`;
    out.push({ path: p, required: s.required?.includes(name) ?? false, schema: child });
    out.push(...nested(child, p));
  }
  return out;
}

function nested(s: Schema, p: string): Row[] {
  if (s.properties) return rows(s, `${p}.`);
  if (s.type === 'array' && s.items?.properties) return rows(s.items, `${p}[].`);
  return [];
}

function table(s: Schema, prefix: string): string {
  const lines = ['| field | type | default | description |', '| --- | --- | --- | --- |'];
  for (const r of rows(s, prefix)) {
    const dflt = r.schema.default === undefined ? '' : code(r.schema.default);
    const text = [prose(r.schema.description ?? ''), ...details(r.schema)].filter(Boolean).join(' ');
    lines.push(`| ${code(r.path)}${r.required ? ' (required)' : ''} | ${typeOf(r.schema)} | ${cell(dflt)} | ${cell(text)} |`);
  }
  return lines.join('\n');
}

function objectRules(s: Schema, where: string): string {
  const rules = s['x-kubernetes-validations'] ?? [];
  return rules.length ? `\nChecked by the apiserver on \`${where}\`: ${rules.map((r) => cell(rule(r))).join(' ')}\n` : '';
}

function kindSection(crd: Crd): string {
  const v = crd.spec.versions[0]!;
  const { kind, plural, shortNames } = crd.spec.names;
  const root = v.schema.openAPIV3Schema;
  const spec = root.properties!.spec!;
  const status = root.properties!.status;
  const cols = v.additionalPrinterColumns;
  const out = [
    `## ${kind}`,
    '',
    `\`apiVersion: ${crd.spec.group}/${v.name}\`, \`kind: ${kind}\`; \`kubectl get ${plural}\` or \`kubectl get ${shortNames.join(', ')}\` shows ${cols.filter((c) => !c.priority).map((c) => c.name).join(', ')}${cols.some((c) => c.priority) ? ` (with \`-o wide\`: ${cols.filter((c) => c.priority).map((c) => c.name).join(', ')})` : ''}.`,
    '',
  ];
  if (spec.description) out.push(prose(spec.description), '');
  out.push('### spec', '', table(spec, ''), objectRules(spec, 'spec'));
  if (status) out.push('### status', '', 'Written by the operator.', '', table(status, ''), '');
  return out.join('\n');
}

export function renderReference(): string {
  const crds = [...buildCrds().values()] as unknown as Crd[];
  const group = crds[0]!.spec.group;
  const version = crds[0]!.spec.versions[0]!.name;
  return [
    '# Custom resource reference',
    '',
    '<!-- Generated by `npm run docs:crds` from operator/src/api, the schemas crds/ is generated from. Do not edit: a unit test fails when this file is stale. -->',
    '',
    `API group \`${group}\`, version \`${version}\`. All kinds are namespaced and have a status subresource. Defaults are filled in by the apiserver; every constraint below is checked by the apiserver when an object is created or changed, so a bad object is refused with a message naming the field. Samples: [crds/samples/](../crds/samples/).`,
    '',
    ...crds.map((c) => `- [${c.spec.names.kind}](#${c.spec.names.kind.toLowerCase()}) (\`${c.spec.names.shortNames[0]}\`)`),
    '',
    ...crds.map(kindSection),
  ].join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(referencePath, renderReference());
  process.stdout.write(`wrote ${path.relative(process.cwd(), referencePath)}\n`);
}
