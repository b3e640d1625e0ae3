/** Primary-key inference and document-id rules, as Meilisearch applies them. */
import { EngineError } from '../errors/engine-error.ts';
import type { Document } from '../types/document.ts';

/** The longest document id, in UTF-8 bytes (as Meilisearch). */
export const MAX_ID_BYTES = 511;
const VALID_ID = /^[A-Za-z0-9_-]+$/;

/** The unique field whose lowercased name ends with `id`. */
export function inferPrimaryKey(document: Document): string {
  const candidates = Object.keys(document).filter((field) => field.toLowerCase().endsWith('id'));
  if (candidates.length === 1) return candidates[0]!;
  if (candidates.length === 0) {
    throw new EngineError(
      'index_primary_key_no_candidate_found',
      'The primary key inference failed as the engine did not find any field ending with `id` in its name. Please specify the primary key manually using the `primaryKey` query parameter.',
    );
  }
  throw new EngineError(
    'index_primary_key_multiple_candidates_found',
    `The primary key inference failed as the engine found ${candidates.length} fields ending with \`id\` in their names: '${candidates.join("' and '")}'. Please specify the primary key manually using the \`primaryKey\` query parameter.`,
  );
}

/** Reads a value at a dot path: a primary key may name a nested field (`product.id`). */
function valueAtPath(document: Document, path: string): unknown {
  if (Object.hasOwn(document, path)) return document[path];
  let current: unknown = document;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** The document's id as a string; integers are stringified, as Meilisearch does. */
export function documentIdOf(document: Document, primaryKey: string): string {
  const value = valueAtPath(document, primaryKey);
  if (value === undefined) {
    throw new EngineError('missing_document_id', `Document doesn't have a \`${primaryKey}\` attribute: \`${truncatedJson(document)}\`.`);
  }
  return validateDocumentId(value);
}

export function validateDocumentId(value: unknown): string {
  if (typeof value === 'number' && Number.isInteger(value)) return String(value);
  if (typeof value === 'string' && VALID_ID.test(value) && Buffer.byteLength(value) <= MAX_ID_BYTES) return value;
  throw new EngineError(
    'invalid_document_id',
    `Document identifier \`${JSON.stringify(value)}\` is invalid. A document identifier can be of type integer or string, only composed of alphanumeric characters (a-z A-Z 0-9), hyphens (-) and underscores (_), and can not be more than 511 bytes.`,
  );
}

function truncatedJson(document: Document): string {
  const text = JSON.stringify(document);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
