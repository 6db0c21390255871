import { Rng, ValueError, assertKnownOptions } from '@lstm/core';
import { splitSizes, type SequenceTask, type Split, type SplitSizes } from './data.js';

export interface CopyOptions extends SplitSizes {
  /** How many symbols to remember (default 5). */
  length?: number;
  /** Alphabet size (default 8). */
  alphabet?: number;
  /** Blank steps between the symbols and the recall (default 20). */
  delay?: number;
  seed?: number;
}

/**
 * The copy (recall) memory task. Inputs are one-hot over the alphabet plus a "go" channel: first
 * `length` random symbols, then `delay` blank steps (all zeros) whose last one carries "go", then
 * `length` blank steps during which the model must emit the symbols in order. Targets are the
 * symbols on those recall steps and −1 (ignored) everywhere else; accuracy counts recall steps
 * only, so chance is 1 / alphabet.
 */
export function copy(options: CopyOptions = {}): SequenceTask {
  assertKnownOptions('copy', options, ['length', 'alphabet', 'delay', 'seed', 'trainSize', 'validationSize', 'testSize']);
  const { length = 5, alphabet = 8, delay = 20, seed = 0 } = options;
  for (const [name, value, min] of [
    ['length', length, 1],
    ['alphabet', alphabet, 2],
    ['delay', delay, 1],
  ] as const) {
    if (!Number.isInteger(value) || value < min) throw new ValueError(`copy: ${name} must be an integer ≥ ${min}, got ${value}`);
  }
  const sizes = splitSizes('copy', options, { trainSize: 5000, validationSize: 500, testSize: 500 });
  const steps = length + delay + length;
  const features = alphabet + 1;
  const rng = Rng.derive(seed, 'data');
  const make = (size: number): Split => {
    const inputs = new Float32Array(size * steps * features);
    const targets = new Int32Array(size * steps).fill(-1);
    for (let n = 0; n < size; n++) {
      for (let k = 0; k < length; k++) {
        const symbol = rng.int(alphabet);
        inputs[(n * steps + k) * features + symbol] = 1;
        targets[n * steps + length + delay + k] = symbol;
      }
      inputs[(n * steps + length + delay - 1) * features + alphabet] = 1;
    }
    return { size, inputs, targets };
  };
  return {
    name: 'copy',
    objective: 'tagging',
    steps,
    inputSize: features,
    outputSize: alphabet,
    train: make(sizes.trainSize),
    validation: make(sizes.validationSize),
    test: make(sizes.testSize),
    config: { task: 'copy', length, alphabet, delay, seed, ...sizes },
  };
}
