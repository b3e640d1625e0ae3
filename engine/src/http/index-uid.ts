import { EngineError } from '../errors/engine-error.ts';
import type { ErrorCode } from '../errors/codes.ts';

const VALID = /^[A-Za-z0-9_-]{1,400}$/;

export function validateIndexUid(value: unknown, code: ErrorCode = 'invalid_index_uid'): string {
  if (typeof value === 'string' && VALID.test(value)) return value;
  throw new EngineError(code, `\`${typeof value === 'string' ? value : JSON.stringify(value)}\` is not a valid index uid. Index uid can be an integer or a string containing only alphanumeric characters, hyphens (-) and underscores (_), and can not be more than 400 bytes.`);
}
