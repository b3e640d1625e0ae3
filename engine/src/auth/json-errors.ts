/**
 * Meilisearch builds its request-body errors with the `deserr` crate. Clients and their test
 * suites compare these messages verbatim, so this module reproduces deserr's wording:
 * "Invalid value type at `.x`: expected a string, but found an array: `[1]`" and friends.
 */

type Kind = 'null' | 'boolean' | 'integer' | 'negative' | 'float' | 'string' | 'array' | 'object';

const KIND_TEXT: Record<Kind, string> = {
  null: 'null',
  boolean: 'a boolean',
  integer: 'a positive integer',
  negative: 'a negative integer',
  float: 'a number',
  string: 'a string',
  array: 'an array',
  object: 'an object',
};

function kindOf(value: unknown): Kind {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return 'float';
    return value < 0 ? 'negative' : 'integer';
  }
  if (typeof value === 'string') return 'string';
  return Array.isArray(value) ? 'array' : 'object';
}

/** "a string: `\"x\"`", or "null": how deserr names the value it received. */
export function describeValue(value: unknown): string {
  const kind = kindOf(value);
  return kind === 'null' ? 'null' : `${KIND_TEXT[kind]}: \`${JSON.stringify(value)}\``;
}

/** Location suffix; deserr omits it for the document root. */
function at(path: string): string {
  return path === '' ? '' : ` at \`${path}\``;
}

function quotedList(items: readonly string[]): string {
  return items.map((item) => `\`${item}\``).join(', ');
}

export function invalidTypeMessage(path: string, expected: string, value: unknown): string {
  return `Invalid value type${at(path)}: expected ${expected}, but found ${describeValue(value)}`;
}

export function invalidValueMessage(path: string, detail: string): string {
  return `Invalid value${at(path)}: ${detail}`;
}

export function missingFieldMessage(field: string): string {
  return `Missing field \`${field}\``;
}

export function unknownFieldMessage(field: string, accepted: readonly string[]): string {
  return `Unknown field \`${field}\`: ${didYouMean(field, accepted)}expected one of ${quotedList(accepted)}`;
}

export function unknownValueMessage(value: string, path: string, accepted: readonly string[]): string {
  return `Unknown value \`${value}\`${at(path)}: ${didYouMean(value, accepted)}expected one of ${quotedList(accepted)}`;
}

export function immutableFieldMessage(field: string, accepted: readonly string[]): string {
  return `Immutable field \`${field}\`: expected one of ${quotedList(accepted)}`;
}

/**
 * deserr's suggestion: the closest accepted word within a typo budget that grows with the
 * received word's byte length; the first of equally close candidates wins.
 */
export function didYouMean(received: string, accepted: readonly string[]): string {
  const length = Buffer.byteLength(received);
  if (length <= 3) return '';
  const budget = length <= 7 ? 1 : length <= 12 ? 2 : length <= 17 ? 3 : length <= 24 ? 4 : 5;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of accepted) {
    const distance = damerauLevenshtein(received, candidate);
    if (distance <= budget && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best === undefined ? '' : `did you mean \`${best}\`? `;
}

/** Unrestricted Damerau-Levenshtein distance over code points (what the `strsim` crate computes). */
export function damerauLevenshtein(a: string, b: string): number {
  const s = [...a];
  const t = [...b];
  const n = s.length;
  const m = t.length;
  if (n === 0) return m;
  if (m === 0) return n;
  const width = m + 2;
  const d = new Int32Array((n + 2) * width);
  const get = (i: number, j: number): number => d[i * width + j]!;
  const set = (i: number, j: number, v: number): void => {
    d[i * width + j] = v;
  };
  const max = n + m;
  set(0, 0, max);
  for (let i = 0; i <= n; i++) {
    set(i + 1, 0, max);
    set(i + 1, 1, i);
  }
  for (let j = 0; j <= m; j++) {
    set(0, j + 1, max);
    set(1, j + 1, j);
  }
  const lastRowOf = new Map<string, number>();
  for (let i = 1; i <= n; i++) {
    let lastMatchColumn = 0;
    for (let j = 1; j <= m; j++) {
      const i1 = lastRowOf.get(t[j - 1]!) ?? 0;
      const j1 = lastMatchColumn;
      let cost = 1;
      if (s[i - 1] === t[j - 1]) {
        cost = 0;
        lastMatchColumn = j;
      }
      set(
        i + 1,
        j + 1,
        Math.min(
          get(i, j) + cost,
          get(i + 1, j) + 1,
          get(i, j + 1) + 1,
          get(i1, j1) + (i - i1 - 1) + 1 + (j - j1 - 1),
        ),
      );
    }
    lastRowOf.set(s[i - 1]!, i);
  }
  return get(n + 1, m + 1);
}
