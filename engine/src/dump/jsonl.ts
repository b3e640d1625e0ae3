/**
 * Streaming JSON I/O for dump sections. Documents are never held as a whole file: writers buffer
 * at most ~64 KiB of lines and wait for `drain` (backpressure), readers split lines out of
 * 256 KiB chunks and parse one line at a time. Every parse error names the file and line.
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import { DumpError, describe, invalidContent } from './errors.ts';

const FLUSH_AT = 64 * 1024;
const READ_CHUNK = 256 * 1024;
/** V8's longest string (2^29 - 24 characters on 64-bit). */
const MAX_STRING = 2 ** 29 - 24;

/** Appends one JSON value per line to a new file, with backpressure. */
export class JsonlWriter {
  readonly #stream: WriteStream;
  #buffer = '';
  #error: Error | null = null;
  count = 0;

  constructor(path: string) {
    // `wx`: a section file is always new inside the writer's private temp dir.
    this.#stream = createWriteStream(path, { flags: 'wx' });
    this.#stream.on('error', (error) => { this.#error ??= error; });
  }

  async write(value: unknown): Promise<void> {
    const line = JSON.stringify(value);
    if (typeof line !== 'string') throw new TypeError('value is not JSON-serializable');
    this.#buffer += line + '\n';
    this.count += 1;
    if (this.#buffer.length >= FLUSH_AT) await this.#flush();
  }

  async #flush(): Promise<void> {
    if (this.#error) throw this.#error;
    if (this.#buffer.length === 0) return;
    const ok = this.#stream.write(this.#buffer);
    this.#buffer = '';
    if (!ok) await once(this.#stream, 'drain'); // rejects if the stream errors meanwhile
  }

  async close(): Promise<void> {
    await this.#flush();
    this.#stream.end();
    await finished(this.#stream);
  }

  /** On failure: release the file descriptor without waiting. */
  destroy(): void {
    this.#stream.destroy();
  }
}

export interface Line<T = unknown> {
  value: T;
  line: number;
}

function wrapIo(error: unknown, rel: string): DumpError {
  if (error instanceof DumpError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  const what = code === 'ENOENT' ? 'missing from the archive' : `cannot be read (${describe(error)})`;
  return new DumpError(`${rel}: ${what}`, { file: rel, cause: error });
}

/** Yields each non-blank line of a JSON-lines file, parsed. `rel` is the path shown in errors. */
export async function* readJsonLines(path: string, rel: string): AsyncGenerator<Line> {
  const decoder = new StringDecoder('utf8');
  let lineNo = 0;
  const parse = (text: string): Line | null => {
    lineNo += 1;
    if (text.trim() === '') return null;
    try {
      return { value: JSON.parse(text), line: lineNo };
    } catch (error) {
      throw invalidContent(rel, `malformed JSON (${describe(error)})`, lineNo, error);
    }
  };
  // The unfinished line is kept as pieces joined once its newline arrives: `rest + chunk` and a
  // search through it on every chunk copied the whole line again each time, so a long line was
  // quadratic (a 100 MB line took 21 s, a 500 MB one many minutes, from a dump of a few hundred
  // KB). A line over V8's longest string is refused by name.
  let pieces: string[] = [];
  let pending = 0;
  const finishLine = (tail: string): string => {
    if (pieces.length === 0) return tail;
    pieces.push(tail);
    let line: string;
    try {
      line = pieces.join('');
    } catch (error) {
      if (error instanceof RangeError) throw invalidContent(rel, `line too long (${pending + tail.length} characters; the longest this engine can hold is ${MAX_STRING})`, lineNo + 1, error);
      throw error;
    }
    pieces = [];
    pending = 0;
    return line;
  };
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: READ_CHUNK })) {
      const text = decoder.write(chunk as Buffer);
      let start = 0;
      for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
        const parsed = parse(finishLine(text.slice(start, nl)));
        start = nl + 1;
        if (parsed) yield parsed;
      }
      if (start < text.length) {
        pieces.push(text.slice(start));
        pending += text.length - start;
        if (pending > MAX_STRING) finishLine('');
      }
    }
    const last = finishLine(decoder.end());
    if (last.length > 0) {
      const parsed = parse(last);
      if (parsed) yield parsed;
    }
  } catch (error) {
    throw wrapIo(error, rel);
  }
}

/** Like readJsonLines, but every line must be a JSON object (documents, tasks, keys). */
export async function* readObjectLines(path: string, rel: string): AsyncGenerator<Line<Record<string, unknown>>> {
  for await (const { value, line } of readJsonLines(path, rel)) {
    if (!isObject(value)) throw invalidContent(rel, 'expected a JSON object', line);
    yield { value, line };
  }
}

/** Number of non-blank lines, counted on bytes without parsing (for import progress totals). */
export async function countJsonLines(path: string, rel: string): Promise<number> {
  let count = 0;
  let hasContent = false;
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: READ_CHUNK })) {
      const bytes = chunk as Buffer;
      let pos = 0;
      while (pos < bytes.length) {
        const nl = bytes.indexOf(10, pos);
        const end = nl === -1 ? bytes.length : nl;
        for (let i = pos; !hasContent && i < end; i++) {
          const b = bytes[i];
          if (b !== 32 && b !== 9 && b !== 13) hasContent = true;
        }
        if (nl === -1) break;
        if (hasContent) count += 1;
        hasContent = false;
        pos = nl + 1;
      }
    }
  } catch (error) {
    throw wrapIo(error, rel);
  }
  return hasContent ? count + 1 : count;
}

/**
 * Yields the elements of a file holding one JSON array (V2 pending payloads are pretty-printed
 * arrays), splitting elements on top-level commas so only one element is parsed at a time.
 */
export async function* readJsonArray(path: string, rel: string): AsyncGenerator<unknown> {
  const decoder = new StringDecoder('utf8');
  let state: 'start' | 'array' | 'done' = 'start';
  let depth = 0;
  let inString = false;
  let escaped = false;
  let pending = '';
  let index = 0;
  let afterComma = false;
  const parse = (text: string, isLast: boolean): unknown[] => {
    if (text.trim() === '') {
      if (isLast && !afterComma) return [];
      throw invalidContent(rel, `empty element at index ${index} of the JSON array`);
    }
    try {
      return [JSON.parse(text)];
    } catch (error) {
      throw invalidContent(rel, `malformed JSON in element ${index} of the array (${describe(error)})`, undefined, error);
    } finally {
      index += 1;
    }
  };
  const consume = (text: string): unknown[] => {
    const out: unknown[] = [];
    let segStart = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
      if (state === 'start' || state === 'done') {
        if (c === ' ' || c === '\n' || c === '\r' || c === '\t' || c === '\uFEFF') continue;
        if (state === 'done') throw invalidContent(rel, 'unexpected data after the JSON array');
        if (c !== '[') throw invalidContent(rel, 'expected a JSON array');
        state = 'array';
        depth = 1;
        segStart = i + 1;
        continue;
      }
      if (inString) {
        if (escaped) escaped = false;
        else if (c === '\\') escaped = true;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === '{' || c === '[') depth += 1;
      else if (c === '}' || c === ']') {
        depth -= 1;
        if (depth === 0) {
          out.push(...parse(pending + text.slice(segStart, i), true));
          pending = '';
          state = 'done';
        }
      } else if (c === ',' && depth === 1) {
        out.push(...parse(pending + text.slice(segStart, i), false));
        pending = '';
        afterComma = true;
        segStart = i + 1;
      }
    }
    if (state === 'array') pending += text.slice(segStart);
    return out;
  };
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: READ_CHUNK })) {
      yield* consume(decoder.write(chunk as Buffer));
    }
    yield* consume(decoder.end());
  } catch (error) {
    throw wrapIo(error, rel);
  }
  if ((state as string) !== 'done') throw invalidContent(rel, 'truncated JSON array'); // cast: mutated in consume()
}

/** A small JSON file read whole (metadata.json, settings.json, meta.json). */
export async function readJsonFile(path: string, rel: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw wrapIo(error, rel);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw invalidContent(rel, `malformed JSON (${describe(error)})`, undefined, error);
  }
}

/** A file whose absence is allowed: undefined when missing. */
export async function readOptionalText(path: string, rel: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw wrapIo(error, rel);
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
