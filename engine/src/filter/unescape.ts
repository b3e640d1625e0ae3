/**
 * Escape sequences in filter values, as Meilisearch resolves them with the `unescaper` crate after
 * the quote-escaping pass: \b \f \n \r \t \v \' \" \\ \/, \xHH, \uHHHH, \u{H…} and octal \NNN.
 * Any other escape is an error, which the parser reports as "Malformed value" (bad character) or
 * "Found an invalid escaped sequence number" (digits that do not parse).
 */

export type UnescapeResult =
  | { ok: true; value: string }
  | { ok: false; error: 'malformed' | 'invalidNumber' };

const SIMPLE: Readonly<Record<string, string>> = {
  b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', "'": "'", '"': '"', '\\': '\\', '/': '/',
};

/** Rust's from_str_radix accepts one leading '+'; anything else but digits of the radix fails. */
function parseRadix(digits: string, radix: 8 | 16, max: number): number | null {
  const pattern = radix === 16 ? /^\+?[0-9a-fA-F]+$/ : /^\+?[0-7]+$/;
  if (!pattern.test(digits)) return null;
  const n = parseInt(digits.replace(/^\+/, ''), radix);
  return n <= max ? n : null;
}

class Failure {
  readonly error: 'malformed' | 'invalidNumber';
  constructor(error: 'malformed' | 'invalidNumber') {
    this.error = error;
  }
}

export function unescapeValue(text: string): UnescapeResult {
  if (!text.includes('\\')) return { ok: true, value: text };
  const chars = Array.from(text);
  let i = 0;
  // An escape cut short by the end of the value makes Meilisearch's parser give up (nom
  // "Incomplete"); a malformed value is the closest error it could have meant.
  const next = (): string => {
    const c = chars[i++];
    if (c === undefined) throw new Failure('malformed');
    return c;
  };
  try {
    let out = '';
    while (i < chars.length) {
      const c = next();
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = next();
      const simple = SIMPLE[e];
      if (simple !== undefined) out += simple;
      else if (e === 'u') out += unicodeEscape(chars, next, () => i);
      else if (e === 'x') out += byteEscape(next() + next());
      else if (/^[0-7]$/.test(e)) out += octalEscape(e, chars, () => i, (n) => (i += n));
      else throw new Failure('malformed');
    }
    return { ok: true, value: out };
  } catch (error) {
    if (error instanceof Failure) return { ok: false, error: error.error };
    throw error;
  }
}

function unicodeEscape(chars: string[], next: () => string, index: () => number): string {
  let digits = '';
  const first = next();
  if (first === '{') {
    while (index() < chars.length) {
      const c = next();
      if (c === '}') break;
      digits += c;
    }
  } else {
    digits = first + next() + next() + next();
  }
  const code = parseRadix(digits, 16, 0xffffffff);
  if (code === null) throw new Failure('invalidNumber');
  if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) throw new Failure('malformed');
  return String.fromCodePoint(code);
}

function byteEscape(digits: string): string {
  const byte = parseRadix(digits, 16, 0xff);
  if (byte === null) throw new Failure('invalidNumber');
  return String.fromCharCode(byte);
}

/** \0-\3 take up to two more octal digits, \4-\7 one more, so the value stays below 256. */
function octalEscape(first: string, chars: string[], index: () => number, advance: (n: number) => void): string {
  let digits = first;
  const extra = first <= '3' ? 2 : 1;
  for (let k = 0; k < extra; k++) {
    const c = chars[index()];
    if (c === undefined || !/^[0-7]$/.test(c)) break;
    digits += c;
    advance(1);
  }
  return String.fromCharCode(parseInt(digits, 8));
}
