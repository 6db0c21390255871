import { ValueError, assertKnownOptions } from '@lstm/core';

/** A character-level language-modelling task: one token stream per split, and its vocabulary. */
export interface TextTask {
  name: string;
  objective: 'language-model';
  /** Characters by index (a character is a Unicode code point, so emoji and accents stay whole). */
  vocabulary: string[];
  inputSize: number;
  outputSize: number;
  train: Int32Array;
  validation: Int32Array;
  test: Int32Array;
  config: Record<string, unknown>;
}

export interface TextOptions {
  /** Use at most this many characters of the text (default: all). */
  maxChars?: number;
  /** Fractions of the text for validation and test, taken from its end (default 0.05 each). */
  validationFraction?: number;
  testFraction?: number;
  /** Label stored with the model (e.g. the file name). */
  source?: string;
}

/**
 * Character-level language modelling on any UTF-8 text (E3, article A4). The vocabulary is every
 * distinct code point of the text, sorted; the splits are contiguous (train, then validation,
 * then test) so no sentence leaks across. Inputs are one-hot characters; the model predicts the
 * next one, and bits per character (loss / ln 2) is the headline metric.
 */
export function text(source: string, options: TextOptions = {}): TextTask {
  assertKnownOptions('text', options, ['maxChars', 'validationFraction', 'testFraction', 'source']);
  const { validationFraction = 0.05, testFraction = 0.05 } = options;
  let chars = Array.from(source);
  if (options.maxChars !== undefined) chars = chars.slice(0, options.maxChars);
  if (chars.length < 100)
    throw new ValueError(`text: the text has ${chars.length} characters; a language model needs at least 100 (better: 100,000)`);
  for (const [name, f] of [
    ['validationFraction', validationFraction],
    ['testFraction', testFraction],
  ] as const) {
    if (!(f > 0 && f < 0.5)) throw new ValueError(`text: ${name} must be in (0, 0.5), got ${f}`);
  }
  const vocabulary = [...new Set(chars)].sort();
  const encoded = encode(chars, vocabulary);
  const testStart = Math.floor(chars.length * (1 - testFraction));
  const validationStart = Math.floor(chars.length * (1 - testFraction - validationFraction));
  return {
    name: 'text',
    objective: 'language-model',
    vocabulary,
    inputSize: vocabulary.length,
    outputSize: vocabulary.length,
    train: encoded.slice(0, validationStart),
    validation: encoded.slice(validationStart, testStart),
    test: encoded.slice(testStart),
    config: { task: 'text', source: options.source ?? null, characters: chars.length, validationFraction, testFraction },
  };
}

/** Character indices of a string (or code-point array); unknown characters are an error. */
export function encode(chars: string | readonly string[], vocabulary: readonly string[]): Int32Array {
  const list = typeof chars === 'string' ? Array.from(chars) : chars;
  const index = new Map(vocabulary.map((c, i) => [c, i]));
  const out = new Int32Array(list.length);
  list.forEach((c, i) => {
    const id = index.get(c);
    if (id === undefined)
      throw new ValueError(
        `text: the character ${JSON.stringify(c)} is not in the model's vocabulary of ${vocabulary.length}; use only characters the model was trained on`,
      );
    out[i] = id;
  });
  return out;
}

/** One-hot rows [n, vocabulary] of character indices. */
export function oneHot(indices: Int32Array, vocabulary: number): Float32Array {
  const out = new Float32Array(indices.length * vocabulary);
  indices.forEach((id, i) => {
    out[i * vocabulary + id] = 1;
  });
  return out;
}
