import { deriveWord, phraseWord, synonymPhrases, typoBudget, type DerivationOptions, type QueryWord } from './query-terms.ts';

/**
 * The query words after the parts of Meilisearch's query graph we reproduce:
 * - multi-word synonym keys: consecutive words forming a key ("new york" with synonyms
 *   ["ny", "big apple"]) become one word matching the phrase itself or any synonym;
 * - concatenation: two consecutive words also match their concatenation ("sun flower" finds
 *   "sunflower"), which then counts as both words, at the same position;
 * - split words: a word may also match two adjacent index words ("sunflower" finds
 *   "sun flower"), at the cost of one typo, when a typo is allowed.
 */

/** Longest synonym key, in words, looked for among consecutive query words. */
export const MAX_SYNONYM_NGRAM = 3;
/** Minimum word length (UTF-16 units) before split words are tried. */
export const MIN_SPLIT_LENGTH = 4;

interface Part {
  words: string[];
  phrase: boolean;
  isPrefix: boolean;
}

export function buildQueryWords(parts: Part[], options: DerivationOptions): QueryWord[] {
  const out: QueryWord[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (part.phrase) {
      out.push(phraseWord(part.words, options.vocabulary));
      continue;
    }
    // A synonym key over the next 3 or 2 plain words?
    let merged = false;
    for (let n = Math.min(MAX_SYNONYM_NGRAM, parts.length - i); n >= 2 && !merged; n--) {
      const run = parts.slice(i, i + n);
      if (run.some((p) => p.phrase)) continue;
      const key = run.map((p) => p.words[0]!).join(' ');
      if (!options.synonyms.has(key)) continue;
      const word = phraseWord(run.map((p) => p.words[0]!), options.vocabulary);
      for (const synonym of options.synonyms.get(key)!) {
        if (synonym.length === 1) {
          const term = options.vocabulary.lookup(synonym[0]!);
          if (term !== undefined) word.alternatives.push({ terms: [term], typos: 0 });
        }
      }
      word.alternatives.push(...synonymPhrases(key, options));
      out.push(word);
      i += n - 1;
      merged = true;
    }
    if (merged) continue;
    const text = part.words[0]!;
    const budget = typoBudget(text, options.settings);
    const word: QueryWord = {
      text,
      phrase: null,
      derivations:
        options.cachedDerivations === undefined
          ? deriveWord(text, part.isPrefix, options)
          : // A copy: concatenations below may add to this word's list.
            options.cachedDerivations(text, part.isPrefix, () => deriveWord(text, part.isPrefix, options)).slice(),
      isPrefix: part.isPrefix,
      typoBudget: budget,
      alternatives: synonymPhrases(text, options),
    };
    if (budget > 0 && text.length >= MIN_SPLIT_LENGTH) {
      const split = bestSplit(text, (w) => options.vocabulary.lookup(w), options.docCount);
      if (split !== null) word.alternatives.push({ terms: split, typos: 1 });
    }
    out.push(word);
  }
  // Concatenations of consecutive plain words count for both words.
  for (let i = 0; i + 1 < out.length; i++) {
    const a = out[i]!;
    const b = out[i + 1]!;
    if (a.phrase !== null || b.phrase !== null) continue;
    const term = options.vocabulary.lookup(a.text + b.text);
    if (term === undefined) continue;
    for (const w of [a, b]) if (!w.derivations.some((d) => d.term === term) && !coveredByPrefixRow(w, a.text + b.text, options)) w.derivations.push({ term, typos: 0, exact: false });
  }
  return out;
}

/** Whether `word` derives a prefix row (prefix-rows.ts) that already holds `text`'s documents. */
function coveredByPrefixRow(word: QueryWord, text: string, options: DerivationOptions): boolean {
  return word.isPrefix && text !== word.text && text.startsWith(word.text) && word.derivations.some((d) => options.vocabulary.isReserved(d.term));
}

/**
 * The split of `word` into two index words where the rarer half is the most frequent
 * (Meilisearch picks the pair most often adjacent; document counts are our proxy); a tie goes to
 * the split that comes first. `lookup` is the vocabulary's, `docCount` a term's documents.
 */
export function bestSplit(word: string, lookup: (word: string) => number | undefined, docCount?: (term: number) => number): number[] | null {
  let best: number[] | null = null;
  let bestScore = 0;
  for (let k = 1; k < word.length; k++) {
    const left = lookup(word.slice(0, k));
    const right = lookup(word.slice(k));
    if (left === undefined || right === undefined) continue;
    const score = docCount === undefined ? 1 : Math.min(docCount(left), docCount(right));
    if (score > bestScore) {
      bestScore = score;
      best = [left, right];
    }
  }
  return best;
}
