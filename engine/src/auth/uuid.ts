/**
 * UUID parsing as Meilisearch does it (Rust `uuid` crate, `Uuid::from_str`): simple, hyphenated,
 * braced and `urn:uuid:` forms, any version (Meilisearch accepts the nil UUID as a key uid), with
 * the crate's error wording because it ends up in `invalid_api_key_uid` messages.
 */

export type UuidParse = { ok: true; uuid: string } | { ok: false; message: string };

const SIMPLE = /^[0-9a-fA-F]{32}$/;
const HYPHENATED = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Returns the canonical lowercase hyphenated form (what Meilisearch stores and signs). */
export function parseUuid(input: string): UuidParse {
  let body: string | undefined;
  if (input.length === 32 && SIMPLE.test(input)) body = input;
  else if (input.length === 36 && HYPHENATED.test(input)) body = input;
  else if (input.length === 38 && input.startsWith('{') && input.endsWith('}') && HYPHENATED.test(input.slice(1, -1))) {
    body = input.slice(1, -1);
  } else if (input.length === 45 && input.startsWith('urn:uuid:') && HYPHENATED.test(input.slice(9))) {
    body = input.slice(9);
  }
  if (body === undefined) return { ok: false, message: uuidErrorMessage(input) };
  const hex = body.replaceAll('-', '').toLowerCase();
  const uuid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return { ok: true, uuid };
}

/** The diagnosis the uuid crate gives for a string that failed to parse. */
function uuidErrorMessage(input: string): string {
  let inner = input;
  let offset = 0;
  let simple = true;
  if (input.length >= 2 && input.startsWith('{') && input.endsWith('}')) {
    inner = input.slice(1, -1);
    offset = 1;
    simple = false;
  } else if (input.startsWith('urn:uuid:')) {
    inner = input.slice(9);
    offset = 9;
    simple = false;
  }
  const hyphens: number[] = [];
  let byteIndex = 0;
  for (const character of inner) {
    if (character === '-') hyphens.push(byteIndex);
    else if (!/^[0-9a-fA-F]$/.test(character)) {
      return `invalid character: found \`${character}\` at ${byteIndex + offset}`;
    }
    byteIndex += Buffer.byteLength(character);
  }
  if (hyphens.length === 0 && simple) {
    return `invalid length: expected length 32 for simple format, found ${Buffer.byteLength(input)}`;
  }
  if (hyphens.length !== 4) return `invalid group count: expected 5, found ${hyphens.length + 1}`;
  const starts = [0, 9, 14, 19, 24];
  const expected = [8, 4, 4, 4, 12];
  for (let group = 0; group < 4; group++) {
    const start = starts[group]!;
    if (hyphens[group] !== starts[group + 1]! - 1) {
      return `invalid group length in group ${group}: expected ${expected[group]}, found ${hyphens[group]! - start}`;
    }
  }
  return `invalid group length in group 4: expected 12, found ${Buffer.byteLength(input) - 24}`;
}
