import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Engine } from '../../engine.ts';
import { EngineError } from '../../errors/engine-error.ts';
import { jsonBody, pagination, queryOf, rawBody, rejectUnknownQuery, singleQuery, type Query } from '../body.ts';
import { validateIndexUid } from '../index-uid.ts';
import { parsePayload, payloadFormat } from '../../documents/parse-payload.ts';
import { validateDocumentId } from '../../documents/primary-key.ts';
import { isPlainObject, typeError, unknownField } from '../../settings/value-checks.ts';
import { parseFilter } from '../../filter/index.ts';
import { selectFields } from '../../documents/select-fields.ts';
import type { FilterInput } from '../../index/types.ts';
import type { Document } from '../../types/document.ts';

type Deps = { engine: () => Engine };
type IndexParams = { Params: { uid: string } };

function checkFilterSyntax(filter: unknown, code: 'invalid_document_filter'): FilterInput {
  if (typeof filter !== 'string' && !Array.isArray(filter)) throw typeError(code, '.filter', 'a string or an array', filter);
  try {
    parseFilter(filter as FilterInput, code);
  } catch (error) {
    throw new EngineError(code, (error as Error).message);
  }
  return filter as FilterInput;
}

function customMetadata(query: Query): { customMetadata?: string } {
  const value = singleQuery(query, 'customMetadata');
  return value === undefined ? {} : { customMetadata: value };
}

export async function documentRoutes(app: FastifyInstance, { engine }: Deps): Promise<void> {
  const addDocuments = (method: 'replace' | 'update') => async (request: FastifyRequest<IndexParams>, reply: { status(code: number): { send(body: unknown): unknown } }) => {
    const uid = validateIndexUid(request.params.uid);
    const query = queryOf(request);
    rejectUnknownQuery(query, ['primaryKey', 'csvDelimiter', 'customMetadata', 'skipCreation']);
    const format = payloadFormat(request.headers['content-type']);
    const delimiter = singleQuery(query, 'csvDelimiter');
    if (delimiter !== undefined) {
      if (format !== 'csv') throw new EngineError('invalid_document_csv_delimiter', 'The Content-Type `' + request.headers['content-type'] + '` does not support the use of a csv delimiter. The csv delimiter can only be used with the Content-Type `text/csv`.');
      if (delimiter.length !== 1 || !/^[\x00-\x7F]$/.test(delimiter)) throw new EngineError('invalid_document_csv_delimiter', `Invalid value in parameter \`csvDelimiter\`: expected a string of one character, but found the following string of ${delimiter.length} characters: \`${delimiter}\``);
    }
    const documents = parsePayload(rawBody(request), format, delimiter ?? ',');
    const primaryKey = singleQuery(query, 'primaryKey') ?? null;
    const skipCreation = singleQuery(query, 'skipCreation') === 'true';
    engine().assertWritable();
    const summary = await engine().enqueue({
      indexUid: uid,
      kind: { type: 'documentAdditionOrUpdate', method, primaryKey, documentsCount: documents.length, allowIndexCreation: !skipCreation && request.auth.allows('indexes.create') },
      payload: documents,
      ...customMetadata(query),
    });
    return reply.status(202).send(summary);
  };
  app.post<IndexParams>('/indexes/:uid/documents', { config: { action: 'documents.add', index: 'param' } }, addDocuments('replace'));
  app.put<IndexParams>('/indexes/:uid/documents', { config: { action: 'documents.add', index: 'param' } }, addDocuments('update'));

  const browse = (request: FastifyRequest<IndexParams>, params: { offset: number; limit: number; fields: string[] | null; filter: FilterInput | null; ids: string[] | null }) => {
    const handle = engine().registry.require(validateIndexUid(request.params.uid));
    let ids: string[] | null = params.ids;
    if (params.filter !== null) {
      const matching = handle.core.filterDocuments(params.filter, 'invalid_document_filter');
      ids = ids === null ? matching : matching.filter((id) => ids!.includes(id));
    }
    const displayed = handle.record.settings.displayedAttributes;
    const results: Document[] = [];
    let total = 0;
    const visit = (document: Document | undefined): void => {
      if (!document) return;
      if (total >= params.offset && results.length < params.limit) results.push(selectFields(document, params.fields, displayed));
      total += 1;
    };
    if (ids !== null) for (const id of ids) visit(handle.source.get(id));
    else for (const [, document] of handle.source.entries()) visit(document);
    return { results, offset: params.offset, limit: params.limit, total };
  };

  app.get<IndexParams>('/indexes/:uid/documents', { config: { action: 'documents.get', index: 'param' } }, async (request) => {
    const query = queryOf(request);
    rejectUnknownQuery(query, ['offset', 'limit', 'fields', 'filter', 'ids', 'retrieveVectors', 'sort']);
    const { offset, limit } = pagination(query, { offset: 'invalid_document_offset', limit: 'invalid_document_limit' });
    const fields = singleQuery(query, 'fields');
    const filter = singleQuery(query, 'filter');
    const ids = singleQuery(query, 'ids');
    return browse(request, {
      offset, limit,
      fields: fields === undefined ? null : fields.split(',').map((field) => field.trim()).filter(Boolean),
      filter: filter === undefined ? null : checkFilterSyntax(filter, 'invalid_document_filter'),
      ids: ids === undefined ? null : ids.split(',').map((id) => id.trim()).filter(Boolean),
    });
  });

  app.post<IndexParams>('/indexes/:uid/documents/fetch', { config: { action: 'documents.get', index: 'param' } }, async (request) => {
    const body = jsonBody(request, { optional: true, fallback: {} });
    if (!isPlainObject(body)) throw typeError('bad_request', '', 'an object', body);
    const allowed = ['offset', 'limit', 'fields', 'filter', 'ids', 'retrieveVectors', 'sort'];
    for (const field of Object.keys(body)) if (!allowed.includes(field)) throw unknownField('bad_request', '', field, allowed);
    const integer = (name: 'offset' | 'limit', fallback: number): number => {
      const value = body[name];
      if (value === undefined || value === null) return fallback;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw typeError(name === 'offset' ? 'invalid_document_offset' : 'invalid_document_limit', `.${name}`, 'a positive integer', value);
      return value;
    };
    const fields = body['fields'];
    if (fields !== undefined && fields !== null && (!Array.isArray(fields) || fields.some((field) => typeof field !== 'string'))) throw typeError('invalid_document_fields', '.fields', 'an array of strings', fields);
    const ids = body['ids'];
    if (ids !== undefined && ids !== null && !Array.isArray(ids)) throw typeError('invalid_document_ids', '.ids', 'an array', ids);
    return browse(request, {
      offset: integer('offset', 0),
      limit: integer('limit', 20),
      fields: (fields as string[] | null | undefined) ?? null,
      filter: body['filter'] === undefined || body['filter'] === null ? null : checkFilterSyntax(body['filter'], 'invalid_document_filter'),
      ids: Array.isArray(ids) ? ids.map((id) => validateDocumentId(id)) : null,
    });
  });

  app.get<{ Params: { uid: string; id: string } }>('/indexes/:uid/documents/:id', { config: { action: 'documents.get', index: 'param' } }, async (request) => {
    const handle = engine().registry.require(validateIndexUid(request.params.uid));
    const query = queryOf(request);
    rejectUnknownQuery(query, ['fields', 'retrieveVectors']);
    const document = handle.source.get(request.params.id);
    if (!document) throw new EngineError('document_not_found', `Document \`${request.params.id}\` not found.`);
    const fields = singleQuery(query, 'fields');
    return selectFields(document, fields === undefined ? null : fields.split(',').map((field) => field.trim()).filter(Boolean), handle.record.settings.displayedAttributes);
  });

  app.delete<{ Params: { uid: string; id: string } }>('/indexes/:uid/documents/:id', { config: { action: 'documents.delete', index: 'param' } }, async (request, reply) => {
    const uid = validateIndexUid(request.params.uid);
    engine().assertWritable();
    return reply.status(202).send(await engine().enqueue({ indexUid: uid, kind: { type: 'documentDeletion', ids: [request.params.id] }, ...customMetadata(queryOf(request)) }));
  });

  app.post<IndexParams>('/indexes/:uid/documents/delete-batch', { config: { action: 'documents.delete', index: 'param' } }, async (request, reply) => {
    const uid = validateIndexUid(request.params.uid);
    const body = jsonBody(request);
    if (!Array.isArray(body)) throw typeError('bad_request', '', 'an array', body);
    const ids = body.map((id) => {
      if (typeof id === 'number' && Number.isInteger(id)) return String(id);
      if (typeof id === 'string') return id;
      throw typeError('invalid_document_ids', '', 'a string or an integer', id);
    });
    engine().assertWritable();
    return reply.status(202).send(await engine().enqueue({ indexUid: uid, kind: { type: 'documentDeletion', ids }, ...customMetadata(queryOf(request)) }));
  });

  app.post<IndexParams>('/indexes/:uid/documents/delete', { config: { action: 'documents.delete', index: 'param' } }, async (request, reply) => {
    const uid = validateIndexUid(request.params.uid);
    const body = jsonBody(request);
    if (!isPlainObject(body)) throw typeError('bad_request', '', 'an object', body);
    for (const field of Object.keys(body)) if (field !== 'filter') throw unknownField('bad_request', '', field, ['filter']);
    if (body['filter'] === undefined || body['filter'] === null) throw new EngineError('missing_document_filter', 'Missing field `filter`');
    const filter = checkFilterSyntax(body['filter'], 'invalid_document_filter');
    engine().assertWritable();
    return reply.status(202).send(await engine().enqueue({ indexUid: uid, kind: { type: 'documentDeletionByFilter', filter }, ...customMetadata(queryOf(request)) }));
  });

  app.delete<IndexParams>('/indexes/:uid/documents', { config: { action: 'documents.delete', index: 'param' } }, async (request, reply) => {
    const uid = validateIndexUid(request.params.uid);
    engine().assertWritable();
    return reply.status(202).send(await engine().enqueue({ indexUid: uid, kind: { type: 'documentClear' }, ...customMetadata(queryOf(request)) }));
  });
}
