/** Public surface of the auth module: pure logic, no HTTP framework and no storage. */
export { ACTIONS, actionAllows, isAction, isGlobalAction, type Action } from './actions.ts';
export {
  authorize,
  isExpired,
  isIndexAuthorized,
  tenantFilterFor,
  type AuthContext,
  type AuthRequest,
  type AuthResult,
} from './authorize.ts';
export { formatTimestamp, parseExpiresAt, rfc3339ToEpochMs } from './dates.ts';
export { indexAllowed, isValidIndexPattern, isValidIndexUid, mostSpecificPattern, patternMatches } from './index-patterns.ts';
export { deriveKey, KeyStringIndex, masterKeyMatches } from './key-derivation.ts';
export {
  apiKeyAlreadyExists,
  defaultKeys,
  findKeyByUidOrKey,
  keyView,
  parseKeyCreate,
  parseKeyUpdate,
} from './key-validation.ts';
export { fuseFilters, ruleForIndex, type SearchRule, type SearchRules } from './tenant-token.ts';
export { parseUuid, type UuidParse } from './uuid.ts';
