import type { Document } from '../types/document.ts';

/**
 * Field names and paths. Documents are flattened the way Meilisearch does it: nested objects
 * become dot paths (`author.name`), arrays of objects contribute each object's leaves under the
 * same path, so every leaf value has one path. Field ids are dense and given in order of first
 * appearance, which is also the attribute order when `searchableAttributes` is `["*"]`.
 */
export class FieldRegistry {
  readonly #ids = new Map<string, number>();
  readonly #names: string[] = [];

  get size(): number {
    return this.#names.length;
  }

  id(name: string): number {
    let id = this.#ids.get(name);
    if (id === undefined) {
      id = this.#names.length;
      this.#ids.set(name, id);
      this.#names.push(name);
    }
    return id;
  }

  lookup(name: string): number | undefined {
    return this.#ids.get(name);
  }

  name(id: number): string {
    return this.#names[id]!;
  }

  names(): readonly string[] {
    return this.#names;
  }
}

/** Marker passed for an empty array or object (relevant to `IS EMPTY`). */
export const EMPTY_CONTAINER: unique symbol = Symbol('empty');

export type LeafValue = string | number | boolean | null | typeof EMPTY_CONTAINER;

/**
 * Receives each leaf: its path, its value, and whether it sits inside an array (Meilisearch's
 * IS NULL / IS EMPTY only consider values set directly on the key, not array items).
 */
export type LeafVisitor = (path: string, value: LeafValue, inArray: boolean) => void;

/**
 * Calls `visit` for every leaf of `doc`, in document order. Array items are visited one by one
 * with the same path. Empty arrays and objects are visited once as EMPTY_CONTAINER.
 */
export function forEachLeaf(doc: Document, visit: LeafVisitor): void {
  for (const key of Object.keys(doc)) walk(key, doc[key], visit, false);
}

function walk(path: string, value: unknown, visit: LeafVisitor, inArray: boolean): void {
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    visit(path, value, inArray);
  } else if (Array.isArray(value)) {
    if (value.length === 0) visit(path, EMPTY_CONTAINER, inArray);
    for (const item of value) walk(path, item, visit, true);
  } else if (typeof value === 'object' && value !== undefined) {
    const keys = Object.keys(value);
    if (keys.length === 0) visit(path, EMPTY_CONTAINER, inArray);
    for (const k of keys) walk(`${path}.${k}`, (value as Record<string, unknown>)[k], visit, inArray);
  }
}

/**
 * Whether a field path is selected by an attribute pattern, Meilisearch style: the pattern
 * names the field or one of its parents (`author` selects `author.name`), and `*` matches any
 * run of characters (`*` alone, `attr*`, `*attr`, `a*b`).
 */
export function matchesAttributePattern(pattern: string, path: string): boolean {
  if (pattern === '*') return true;
  if (!pattern.includes('*')) return path === pattern || (path.startsWith(pattern) && path.charCodeAt(pattern.length) === 46 /* . */);
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}(\\..*)?$`);
  return re.test(path);
}

/** Index of the first pattern selecting `path`, or -1. */
export function firstMatchingPattern(patterns: readonly string[], path: string): number {
  for (let i = 0; i < patterns.length; i++) if (matchesAttributePattern(patterns[i]!, path)) return i;
  return -1;
}

/**
 * Keeps the parts of `doc` selected by the patterns (dot paths, `*` for everything). A pattern
 * naming a parent keeps the whole subtree; a pattern naming a nested field keeps only that
 * field inside its parents (arrays of objects keep the matching key of each object).
 */
export function pickAttributes(doc: Document, patterns: readonly string[]): Document {
  if (patterns.includes('*')) return { ...doc };
  return pickObject(doc, '', patterns) ?? {};
}

function pickObject(obj: Record<string, unknown>, prefix: string, patterns: readonly string[]): Document | undefined {
  let out: Document | undefined;
  for (const key of Object.keys(obj)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    const value = obj[key];
    if (firstMatchingPattern(patterns, path) >= 0) {
      (out ??= {})[key] = value;
      continue;
    }
    if (!patterns.some((p) => p.startsWith(`${path}.`) || (p.includes('*') && p.split('*')[0]!.startsWith(path)))) continue;
    const picked = pickNested(value, path, patterns);
    if (picked !== undefined) (out ??= {})[key] = picked;
  }
  return out;
}

function pickNested(value: unknown, path: string, patterns: readonly string[]): unknown {
  if (Array.isArray(value)) {
    const items = value.map((v) => pickNested(v, path, patterns)).filter((v) => v !== undefined);
    return items.length > 0 ? items : undefined;
  }
  if (value !== null && typeof value === 'object') return pickObject(value as Record<string, unknown>, path, patterns);
  return undefined;
}

/** The values found at a dot path (through nested objects and arrays), as leaves. */
export function valuesAtPath(doc: Document, path: string): unknown[] {
  const out: unknown[] = [];
  collect(doc, path, out);
  return out;
}

function collect(value: unknown, path: string, out: unknown[]): void {
  if (Array.isArray(value)) {
    for (const v of value) collect(v, path, out);
    return;
  }
  if (path === '') {
    out.push(value);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const obj = value as Record<string, unknown>;
  // Keys may themselves contain dots ("a.b": 1), so try every split point.
  for (let i = path.indexOf('.'); ; i = path.indexOf('.', i + 1)) {
    const head = i === -1 ? path : path.slice(0, i);
    if (Object.hasOwn(obj, head)) collect(obj[head], i === -1 ? '' : path.slice(i + 1), out);
    if (i === -1) break;
  }
}
