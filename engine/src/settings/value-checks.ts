/** Type checks that phrase their failures the way Meilisearch's deserializer does. */
import { EngineError } from '../errors/engine-error.ts';
import type { ErrorCode } from '../errors/codes.ts';

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array: \`${JSON.stringify(value)}\``;
  if (typeof value === 'string') return `a string: \`${JSON.stringify(value)}\``;
  if (typeof value === 'number') return `a ${Number.isInteger(value) ? (value >= 0 ? 'positive integer' : 'negative integer') : 'number'}: \`${value}\``;
  if (typeof value === 'boolean') return `a boolean: \`${value}\``;
  return `an object: \`${JSON.stringify(value)}\``;
}

export function typeError(code: ErrorCode, path: string, expected: string, value: unknown): EngineError {
  const at = path === '' ? '' : ` at \`${path}\``;
  return new EngineError(code, `Invalid value type${at}: expected ${expected}, but found ${describeValue(value)}`);
}

export function valueError(code: ErrorCode, path: string, detail: string): EngineError {
  const at = path === '' ? '' : ` at \`${path}\``;
  return new EngineError(code, `Invalid value${at}: ${detail}`);
}

export function unknownField(code: ErrorCode, path: string, field: string, expected: readonly string[]): EngineError {
  const at = path === '' ? '' : ` inside \`${path}\``;
  return new EngineError(code, `Unknown field \`${field}\`${at}: expected one of ${expected.map((name) => `\`${name}\``).join(', ')}`);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function stringArray(value: unknown, code: ErrorCode, path: string): string[] {
  if (!Array.isArray(value)) throw typeError(code, path, 'an array', value);
  value.forEach((item, index) => {
    if (typeof item !== 'string') throw typeError(code, `${path}[${index}]`, 'a string', item);
  });
  return value as string[];
}

export function nonNegativeInteger(value: unknown, code: ErrorCode, path: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw typeError(code, path, 'a positive integer', value);
  return value;
}

export function booleanValue(value: unknown, code: ErrorCode, path: string): boolean {
  if (typeof value !== 'boolean') throw typeError(code, path, 'a boolean', value);
  return value;
}
