/**
 * DumpError: every problem with a dump file (corrupt, truncated, unknown version, malformed
 * line) and every failure of the writer surfaces as this one class, so the import glue can stop
 * the launch with one clear message and the dump task can fail with a Meilisearch error object.
 */
import type { ErrorCode } from '../errors/codes.ts';
import { EngineError } from '../errors/engine-error.ts';

export interface DumpErrorOptions {
  /** Defaults to `invalid_state`: a dump we cannot read is an invalid state for the launch. */
  code?: ErrorCode;
  /** Path inside the archive (or on disk) the problem was found in. */
  file?: string;
  /** 1-based line number inside `file`, for JSON-lines files. */
  line?: number;
  cause?: unknown;
}

export class DumpError extends EngineError {
  readonly file: string | undefined;
  readonly line: number | undefined;

  constructor(message: string, options: DumpErrorOptions = {}) {
    super(options.code ?? 'invalid_state', message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DumpError';
    this.file = options.file;
    this.line = options.line;
  }
}

/** `tasks/queue.jsonl line 3` style location used in every message. */
export function location(file: string, line?: number): string {
  return line === undefined ? file : `${file} line ${line}`;
}

/** A DumpError about the content of one file of the archive. */
export function invalidContent(file: string, what: string, line?: number, cause?: unknown): DumpError {
  return new DumpError(`${location(file, line)}: ${what}`, { file, line, cause });
}

/** Text of any thrown value, for messages. */
export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
