/**
 * Text -> normalized words with positions (and their offsets in the original text, for
 * highlighting and cropping).
 *
 * Rules, following Meilisearch's tokenizer (charabia) closely enough for matching to agree:
 * - a word is a run of letters, digits and combining marks; every other character separates;
 * - runs written in scripts without spaces (Han, Hiragana, Katakana, Thai, Lao, Khmer, Myanmar)
 *   are cut into words by `Intl.Segmenter`;
 * - positions grow by 1 across a soft separator (space, comma, dash...) and by
 *   HARD_SEPARATOR_GAP across a hard one (. ! ? ; and line breaks), so that words of different
 *   sentences are never "close" for the proximity rule;
 * - words are lowercased, compatibility-decomposed (NFKD), stripped of diacritics and
 *   recomposed; a few Latin letters that do not decompose (ß, æ, ø...) are folded by hand.
 *
 * Settings hook in through TokenizerOptions: `separatorTokens` add separators,
 * `nonSeparatorTokens` turn default separators into word characters, and `dictionary` entries
 * are always kept as one word.
 */

/** Position gap across a hard separator; the proximity rule treats distances >= 8 as "far". */
export const HARD_SEPARATOR_GAP = 8;
/** Words past this position in one attribute are ignored (Meilisearch: u16::MAX). */
export const MAX_POSITION = 0xffff;
/** Longer words are ignored, as Meilisearch ignores words over 250 bytes (we count UTF-16 units). */
export const MAX_WORD_LENGTH = 250;

export interface TokenizerOptions {
  separatorTokens?: readonly string[];
  nonSeparatorTokens?: readonly string[];
  dictionary?: readonly string[];
}

/**
 * Called for every word: normalized form, position, and [start, end) offsets of the word in the
 * original text (UTF-16 code units).
 */
export type TokenVisitor = (word: string, position: number, start: number, end: number) => void;

const DEFAULT_WORD_RE = /[\p{L}\p{N}\p{M}]+/gu;
/** Hard separators: . ! ? ; line breaks, and their CJK full-width forms and the ellipsis. */
const HARD_SEPARATOR_CODES = new Set(['.', '!', '?', ';', '\n', '\r', '。', '！', '？', '；', '…'].map((c) => c.charCodeAt(0)));
const NEEDS_SEGMENTER_RE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
const ASCII_RE = /^[\x00-\x7f]*$/;
const COMBINING_MARKS_RE = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g;
const UNFOLDED_LETTERS_RE = /[ßæœøđłðþı]/g;
const UNFOLDED_LETTERS: Record<string, string> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', đ: 'd', ł: 'l', ð: 'd', þ: 'th', ı: 'i' };

let segmenter: Intl.Segmenter | undefined;

function hasHardSeparator(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (HARD_SEPARATOR_CODES.has(text.charCodeAt(i))) return true;
  return false;
}

/** Lowercase, fold diacritics and compatibility forms. The same function serves documents and queries. */
export function normalizeWord(raw: string): string {
  if (ASCII_RE.test(raw)) return raw.toLowerCase();
  let s = raw.toLowerCase().normalize('NFKD').replace(COMBINING_MARKS_RE, '');
  s = s.replace(UNFOLDED_LETTERS_RE, (c) => UNFOLDED_LETTERS[c] ?? c);
  return s.normalize('NFC');
}

function escapeRegExp(s: string): string {
  // Not `-`: the escaped text is used outside character classes, where `\-` is an invalid
  // escape under the `u` flag (a dictionary or non-separator token with a `-` failed its
  // settings task with an internal error; found by test/chaos/api-fuzz.test.ts).
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export class Tokenizer {
  readonly #wordRe: RegExp;
  readonly #separators: readonly string[];
  readonly #dictionary: ReadonlySet<string>;
  /** True without separator/non-separator/dictionary settings (the indexer's ASCII fast path). */
  readonly isDefault: boolean;

  constructor(options: TokenizerOptions = {}) {
    const nonSeparators = (options.nonSeparatorTokens ?? []).filter((t) => t.length > 0);
    const dictionary = (options.dictionary ?? []).filter((t) => t.length > 0);
    this.#separators = (options.separatorTokens ?? []).filter((t) => t.length > 0);
    this.#dictionary = new Set(dictionary.map((d) => d.toLowerCase()));
    this.isDefault = nonSeparators.length === 0 && dictionary.length === 0 && this.#separators.length === 0;
    if (nonSeparators.length === 0 && dictionary.length === 0) {
      this.#wordRe = DEFAULT_WORD_RE;
    } else {
      // Dictionary entries first (longest first), so "J.R.R." wins over "J"; then words whose
      // characters may include the non-separator tokens.
      const dict = [...dictionary].sort((a, b) => b.length - a.length).map(escapeRegExp);
      const extra = nonSeparators.map(escapeRegExp);
      const wordPart = `(?:[\\p{L}\\p{N}\\p{M}]${extra.length > 0 ? `|${extra.join('|')}` : ''})+`;
      const source = dict.length > 0 ? `(?:${dict.join('|')})|${wordPart}` : wordPart;
      this.#wordRe = new RegExp(source, 'giu');
    }
  }

  /**
   * Visits every word of `text`, numbering positions from `firstPosition`. Returns the position
   * after the last word (callers add HARD_SEPARATOR_GAP between array items).
   */
  forEach(text: string, visit: TokenVisitor, firstPosition = 0): number {
    const re = this.#wordRe;
    re.lastIndex = 0;
    let position = firstPosition;
    let lastEnd = 0;
    let first = true;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const raw = m[0];
      const start = m.index;
      if (!first) position += hasHardSeparator(text, lastEnd, start) ? HARD_SEPARATOR_GAP : 1;
      first = false;
      lastEnd = start + raw.length;
      if (this.#separators.length > 0 && !this.#dictionary.has(raw.toLowerCase())) {
        position = this.#visitWithCustomSeparators(raw, start, position, visit);
      } else {
        position = this.#visitRun(raw, start, position, visit);
      }
      if (position > MAX_POSITION) break;
    }
    return first ? firstPosition : position;
  }

  /** Splits a run on user separator tokens, then visits each piece. Returns the last position used. */
  #visitWithCustomSeparators(raw: string, start: number, position: number, visit: TokenVisitor): number {
    const lower = raw.toLowerCase();
    let pieceStart = 0;
    let i = 0;
    let emitted = false;
    while (i < raw.length) {
      const sep = this.#separators.find((s) => lower.startsWith(s.toLowerCase(), i));
      if (sep === undefined) {
        i++;
        continue;
      }
      if (i > pieceStart) {
        if (emitted) position++;
        position = this.#visitRun(raw.slice(pieceStart, i), start + pieceStart, position, visit);
        emitted = true;
      }
      i += sep.length;
      pieceStart = i;
    }
    if (raw.length > pieceStart) {
      if (emitted) position++;
      position = this.#visitRun(raw.slice(pieceStart), start + pieceStart, position, visit);
    }
    return position;
  }

  /** Visits one run of word characters; returns the position of its last word. */
  #visitRun(raw: string, start: number, position: number, visit: TokenVisitor): number {
    if (raw.length > 1 && NEEDS_SEGMENTER_RE.test(raw)) {
      segmenter ??= new Intl.Segmenter(undefined, { granularity: 'word' });
      let p = position - 1;
      for (const seg of segmenter.segment(raw)) {
        if (seg.isWordLike !== true) continue;
        p++;
        const word = normalizeWord(seg.segment);
        if (word.length > 0 && word.length <= MAX_WORD_LENGTH) visit(word, p, start + seg.index, start + seg.index + seg.segment.length);
      }
      return Math.max(p, position);
    }
    if (raw.length <= MAX_WORD_LENGTH) {
      const word = normalizeWord(raw);
      if (word.length > 0) visit(word, position, start, start + raw.length);
    }
    return position;
  }

  /** The normalized words of `text`, in order (query parsing, tests). */
  words(text: string): string[] {
    const out: string[] = [];
    this.forEach(text, (w) => out.push(w));
    return out;
  }
}
