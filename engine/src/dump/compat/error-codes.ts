/**
 * Error codes of failed tasks changed names across versions. Old failures are carried forward
 * the way Meilisearch's compat chain does: V2 snake_case codes -> V3/V4 `Code` variants -> V4/V5
 * code names -> V6 codes; anything unknown becomes `unretrievable_error_code`. The message is
 * always kept.
 */
import { codeInfo, errorLink, isErrorCode } from '../../errors/codes.ts';

/** V2 error codes -> the V3 `Code` variant (also V4's). */
const V2_TO_V3: Record<string, string> = {
  create_index: 'CreateIndex', index_already_exists: 'IndexAlreadyExists', index_not_found: 'IndexNotFound',
  invalid_index_uid: 'InvalidIndexUid', invalid_state: 'InvalidState', missing_primary_key: 'MissingPrimaryKey',
  primary_key_already_present: 'PrimaryKeyAlreadyPresent', max_fields_limit_exceeded: 'MaxFieldsLimitExceeded',
  missing_document_id: 'MissingDocumentId', invalid_document_id: 'InvalidDocumentId', filter: 'Filter', sort: 'Sort',
  bad_parameter: 'BadParameter', bad_request: 'BadRequest', database_size_limit_reached: 'DatabaseSizeLimitReached',
  document_not_found: 'DocumentNotFound', internal: 'Internal', invalid_geo_field: 'InvalidGeoField',
  invalid_ranking_rule: 'InvalidRankingRule', invalid_store: 'InvalidStore', invalid_token: 'InvalidToken',
  missing_authorization_header: 'MissingAuthorizationHeader', no_space_left_on_device: 'NoSpaceLeftOnDevice',
  dump_not_found: 'DumpNotFound', task_not_found: 'TaskNotFound', payload_too_large: 'PayloadTooLarge',
  retrieve_document: 'RetrieveDocument', search_documents: 'SearchDocuments', unsupported_media_type: 'UnsupportedMediaType',
  dump_already_in_progress: 'DumpAlreadyInProgress', dump_process_failed: 'DumpProcessFailed',
  invalid_content_type: 'InvalidContentType', missing_content_type: 'MissingContentType',
  malformed_payload: 'MalformedPayload', missing_payload: 'MissingPayload',
};

/** V3/V4 `Code` variants -> the code name V4 wrote in task errors. */
const V4_NAMES: Record<string, string> = {
  CreateIndex: 'index_creation_failed', IndexAlreadyExists: 'index_already_exists', IndexNotFound: 'index_not_found',
  InvalidIndexUid: 'invalid_index_uid', InvalidMinWordLengthForTypo: 'invalid_min_word_length_for_typo',
  InvalidState: 'invalid_state', MissingPrimaryKey: 'primary_key_inference_failed',
  PrimaryKeyAlreadyPresent: 'index_primary_key_already_exists', InvalidRankingRule: 'invalid_ranking_rule',
  InvalidStore: 'invalid_store_file', MaxFieldsLimitExceeded: 'max_fields_limit_exceeded',
  MissingDocumentId: 'missing_document_id', InvalidDocumentId: 'invalid_document_id', Filter: 'invalid_filter',
  Sort: 'invalid_sort', BadParameter: 'bad_parameter', BadRequest: 'bad_request',
  DatabaseSizeLimitReached: 'database_size_limit_reached', DocumentNotFound: 'document_not_found', Internal: 'internal',
  InvalidGeoField: 'invalid_geo_field', InvalidToken: 'invalid_api_key', MissingAuthorizationHeader: 'missing_authorization_header',
  TaskNotFound: 'task_not_found', DumpNotFound: 'dump_not_found', NoSpaceLeftOnDevice: 'no_space_left_on_device',
  PayloadTooLarge: 'payload_too_large', RetrieveDocument: 'unretrievable_document', SearchDocuments: 'search_error',
  UnsupportedMediaType: 'unsupported_media_type', DumpAlreadyInProgress: 'dump_already_processing',
  DumpProcessFailed: 'dump_process_failed', MissingContentType: 'missing_content_type', MalformedPayload: 'malformed_payload',
  InvalidContentType: 'invalid_content_type', MissingPayload: 'missing_payload', ApiKeyNotFound: 'api_key_not_found',
  MissingParameter: 'missing_parameter', InvalidApiKeyActions: 'invalid_api_key_actions',
  InvalidApiKeyIndexes: 'invalid_api_key_indexes', InvalidApiKeyExpiresAt: 'invalid_api_key_expires_at',
  InvalidApiKeyDescription: 'invalid_api_key_description', UnretrievableErrorCode: 'unretrievable_error_code',
  MalformedDump: 'malformed_dump',
};

/** V4/V5 code names whose V6 name differs; the others listed in V5_KEPT keep their name. */
const V5_TO_V6: Record<string, string> = {
  invalid_min_word_length_for_typo: 'invalid_settings_typo_tolerance',
  primary_key_inference_failed: 'index_primary_key_no_candidate_found',
  invalid_filter: 'invalid_settings_filterable_attributes',
  invalid_sort: 'invalid_settings_sortable_attributes',
  invalid_geo_field: 'invalid_document_geo_field',
  invalid_ranking_rule: 'invalid_settings_ranking_rules',
  missing_parameter: 'bad_request',
  immutable_field: 'bad_request',
};
const V5_KEPT = new Set([
  'index_creation_failed', 'index_already_exists', 'index_not_found', 'invalid_index_uid', 'invalid_state',
  'index_primary_key_already_exists', 'max_fields_limit_exceeded', 'missing_document_id', 'invalid_document_id',
  'bad_parameter', 'bad_request', 'database_size_limit_reached', 'document_not_found', 'internal', 'invalid_store_file',
  'invalid_api_key', 'missing_authorization_header', 'no_space_left_on_device', 'dump_not_found', 'task_not_found',
  'payload_too_large', 'unretrievable_document', 'unsupported_media_type', 'dump_already_processing', 'dump_process_failed',
  'invalid_content_type', 'missing_content_type', 'malformed_payload', 'missing_payload', 'api_key_not_found',
  'invalid_api_key_actions', 'invalid_api_key_indexes', 'invalid_api_key_expires_at', 'invalid_api_key_description',
  'invalid_api_key_name', 'invalid_api_key_uid', 'api_key_already_exists',
]);

const UNRETRIEVABLE = 'unretrievable_error_code';

export const v2CodeToV3 = (code: unknown): string => (typeof code === 'string' && V2_TO_V3[code]) || 'UnretrievableErrorCode';
export const v3CodeToV4Name = (code: unknown): string => (typeof code === 'string' && V4_NAMES[code]) || UNRETRIEVABLE;

export function v5CodeToV6(code: unknown): string {
  if (typeof code !== 'string') return UNRETRIEVABLE;
  return V5_TO_V6[code] ?? (V5_KEPT.has(code) ? code : UNRETRIEVABLE);
}

/** A task error object (the same `{message, code, type, link}` shape in V4, V5 and V6). */
export interface TaskError {
  message: string;
  code: string;
  type: string;
  link: string;
}

/** Builds an error object for a code, its type taken from our code table when we know it. */
export function errorWithCode(message: string, code: string): TaskError {
  const type = isErrorCode(code) ? codeInfo(code).type : code === 'internal' ? 'internal' : 'invalid_request';
  return { message, code, type, link: isErrorCode(code) ? errorLink(code) : `https://docs.meilisearch.com/errors#${code}` };
}
