/**
 * JSON nesting limit, as Meilisearch's parser (serde_json) applies it: more than 128 arrays or
 * objects open at once is "recursion limit exceeded at line L column C". Without it, a body
 * thousands of levels deep parses (V8's JSON.parse is iterative) and then overflows the stack
 * of whatever walks it (JSON.stringify in an error message, settings checks): a 500.
 */
export const JSON_DEPTH_LIMIT = 128;

/** Null when `text` nests at most `limit` levels; else serde's message for the first excess. */
export function jsonDepthError(text: string, limit = JSON_DEPTH_LIMIT): string | null {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i += 1; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth += 1;
      if (depth > limit) return `recursion limit exceeded at ${position(text, i)}`;
    } else if (c === 0x5d || c === 0x7d) depth -= 1;
  }
  return null;
}

function position(text: string, index: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < index; i += 1) {
    if (text.charCodeAt(i) === 0x0a) { line += 1; lineStart = i + 1; }
  }
  return `line ${line} column ${index - lineStart + 1}`;
}
