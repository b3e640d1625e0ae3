/**
 * Request bodies of document additions -> documents. Parsed when the task is enqueued, so a
 * malformed payload is refused with a 400 at once and never becomes a task.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { EngineError } from '../errors/engine-error.ts';
import { jsonDepthError } from './json-depth.ts';
import type { Document } from '../types/document.ts';

export type PayloadFormat = 'json' | 'ndjson' | 'csv';

const ACCEPTED = 'Accepted values for the Content-Type header are: `application/json`, `application/x-ndjson`, `text/csv`';

export function payloadFormat(contentType: string | undefined): PayloadFormat {
  if (contentType === undefined || contentType.trim() === '') {
    throw new EngineError('missing_content_type', `A Content-Type header is missing. ${ACCEPTED}`);
  }
  const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
  if (mediaType === 'application/json') return 'json';
  if (mediaType === 'application/x-ndjson') return 'ndjson';
  if (mediaType === 'text/csv') return 'csv';
  throw new EngineError('invalid_content_type', `The Content-Type \`${contentType}\` is invalid. ${ACCEPTED}`);
}

export function parsePayload(body: string, format: PayloadFormat, csvDelimiter = ','): Document[] {
  if (body.trim() === '') throw new EngineError('missing_payload', `A ${format} payload is missing.`);
  switch (format) {
    case 'json': return parseJsonDocuments(body);
    case 'ndjson': return parseNdjsonDocuments(body);
    case 'csv': return parseCsvDocuments(body, csvDelimiter);
  }
}

function malformed(format: string, detail: string): EngineError {
  return new EngineError('malformed_payload', `The \`${format}\` payload provided is malformed. \`${detail}\`.`);
}

function isDocument(value: unknown): value is Document {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function parseJsonDocuments(body: string): Document[] {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    throw malformed('json', `Couldn't serialize document value: ${(error as Error).message}`);
  }
  const tooDeep = jsonDepthError(body);
  if (tooDeep !== null) throw malformed('json', `Couldn't serialize document value: ${tooDeep}`);
  const documents = Array.isArray(value) ? value : [value];
  documents.forEach((document, index) => {
    if (!isDocument(document)) {
      throw malformed('json', `Couldn't serialize document value: invalid type: ${describe(document)}, expected a map at document ${index}`);
    }
  });
  return documents as Document[];
}

function parseNdjsonDocuments(body: string): Document[] {
  const documents: Document[] = [];
  let lineNumber = 0;
  for (const line of body.split('\n')) {
    lineNumber += 1;
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw malformed('ndjson', `Couldn't serialize document value: ${(error as Error).message} at line ${lineNumber}`);
    }
    const tooDeep = jsonDepthError(line);
    if (tooDeep !== null) throw malformed('ndjson', `Couldn't serialize document value: ${tooDeep.replace(/line \d+ /, `line ${lineNumber} `)}`);
    if (!isDocument(value)) throw malformed('ndjson', `Couldn't serialize document value: invalid type: ${describe(value)}, expected a map at line ${lineNumber}`);
    documents.push(value);
  }
  return documents;
}

type CsvType = 'string' | 'number' | 'boolean';

function parseCsvDocuments(body: string, delimiter: string): Document[] {
  let rows: string[][];
  try {
    rows = parseCsv(body, { delimiter, relax_column_count: false, skip_empty_lines: true, bom: true }) as string[][];
  } catch (error) {
    throw malformed('csv', (error as Error).message);
  }
  const [header, ...records] = rows;
  if (!header) throw new EngineError('missing_payload', 'A csv payload is missing.');
  const columns = header.map((cell) => parseCsvHeader(cell));
  return records.map((record, rowIndex) => {
    const document: Document = {};
    columns.forEach(({ name, type }, columnIndex) => {
      document[name] = csvValue(record[columnIndex] ?? '', type, rowIndex + 2, name);
    });
    return document;
  });
}

function parseCsvHeader(cell: string): { name: string; type: CsvType } {
  const separator = cell.lastIndexOf(':');
  const typeName = separator >= 0 ? cell.slice(separator + 1).trim() : '';
  if (typeName === 'string' || typeName === 'number' || typeName === 'boolean') {
    return { name: cell.slice(0, separator), type: typeName };
  }
  return { name: cell, type: 'string' };
}

function csvValue(raw: string, type: CsvType, line: number, column: string): unknown {
  if (type === 'string') return raw;
  if (raw.trim() === '') return null;
  if (type === 'number') {
    const number = Number(raw.trim());
    if (!Number.isFinite(number)) throw malformed('csv', `Error parsing number "${raw}" at line ${line} in column \`${column}\``);
    return number;
  }
  const lowered = raw.trim().toLowerCase();
  if (lowered === 'true') return true;
  if (lowered === 'false') return false;
  throw malformed('csv', `Error parsing boolean "${raw}" at line ${line} in column \`${column}\``);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'sequence';
  if (typeof value === 'string') return `string "${value}"`;
  return `${typeof value} \`${String(value)}\``;
}
