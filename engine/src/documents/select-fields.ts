import type { Document } from '../types/document.ts';

/**
 * Keeps the fields asked for (`null` or `*` = all) that are also displayed. Patterns may end in
 * `*` or name a parent of nested fields (`author` keeps `author.name`), as in Meilisearch.
 */
export function selectFields(document: Document, fields: string[] | null, displayed: string[]): Document {
  const wanted = fields === null || fields.includes('*') ? null : fields;
  const shown = displayed.includes('*') ? null : displayed;
  if (wanted === null && shown === null) return document;
  const out: Document = {};
  for (const [key, value] of Object.entries(document)) {
    if ((wanted === null || matchesAny(key, wanted)) && (shown === null || matchesAny(key, shown))) out[key] = value;
  }
  return out;
}

function matchesAny(field: string, patterns: string[]): boolean {
  return patterns.some((pattern) => pattern === field
    || (pattern.endsWith('*') && field.startsWith(pattern.slice(0, -1)))
    || pattern.startsWith(`${field}.`));
}
