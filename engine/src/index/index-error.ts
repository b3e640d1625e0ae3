import { EngineError } from '../errors/engine-error.ts';

/**
 * Errors Meilisearch raises from inside an index while searching (milli errors: an attribute
 * that is not filterable, sortable or searchable, `sort` missing from the ranking rules, a
 * distinct attribute that is not filterable) carry the index in their message: "Index `movies`:
 * Attribute `title` is not sortable…". Errors found while reading the request (filter or sort
 * syntax, reserved keywords) do not. The core marks the first kind; the HTTP layer, which knows
 * the index uid, adds the prefix.
 */
const RAISED_IN_INDEX = new WeakSet<EngineError>();

/** Marks an error as raised inside the index; returns it. */
export function inIndex(error: EngineError): EngineError {
  RAISED_IN_INDEX.add(error);
  return error;
}

/** Runs `fn`, marking any EngineError it throws as raised inside the index. */
export function markInIndex<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof EngineError) RAISED_IN_INDEX.add(error);
    throw error;
  }
}

/** Adds Meilisearch's "Index `uid`: " prefix to an error raised inside that index (once). */
export function withIndexPrefix(error: unknown, uid: string): unknown {
  if (error instanceof EngineError && RAISED_IN_INDEX.has(error)) {
    RAISED_IN_INDEX.delete(error);
    error.message = `Index \`${uid}\`: ${error.message}`;
  }
  return error;
}
