import { Rng, ValueError, assertKnownOptions } from '@lstm/core';
import { splitSizes, type SequenceTask, type Split, type SplitSizes } from './data.js';

export interface AddingOptions extends SplitSizes {
  /** Sequence length T (default 50; E4 asks for ≥ 50). */
  steps?: number;
  seed?: number;
}

/**
 * E4 — the adding problem (Hochreiter & Schmidhuber 1997, as in Le et al. 2015; article A1).
 * Two features per step: a value v_t ~ U(0, 1) and a marker m_t ∈ {0, 1}. Exactly two steps are
 * marked, one drawn uniformly from the first half, one from the second half; the target is the sum
 * of their values. Predicting the mean (1.0) scores MSE = Var(v₁ + v₂) = 1/6 ≈ 0.167: a model has
 * learnt the task when it is far below that (E4: below 10 %, i.e. < 0.0167).
 */
export function adding(options: AddingOptions = {}): SequenceTask {
  assertKnownOptions('adding', options, ['steps', 'seed', 'trainSize', 'validationSize', 'testSize']);
  const { steps = 50, seed = 0 } = options;
  if (!Number.isInteger(steps) || steps < 2) throw new ValueError(`adding: steps must be an integer ≥ 2, got ${steps}`);
  const sizes = splitSizes('adding', options, { trainSize: 10000, validationSize: 1000, testSize: 1000 });
  const rng = Rng.derive(seed, 'data');
  const half = Math.floor(steps / 2);
  const make = (size: number): Split => {
    const inputs = new Float32Array(size * steps * 2);
    const targets = new Float32Array(size);
    for (let n = 0; n < size; n++) {
      const base = n * steps * 2;
      for (let t = 0; t < steps; t++) inputs[base + 2 * t] = rng.next();
      const first = rng.int(half);
      const second = half + rng.int(steps - half);
      inputs[base + 2 * first + 1] = 1;
      inputs[base + 2 * second + 1] = 1;
      targets[n] = inputs[base + 2 * first]! + inputs[base + 2 * second]!;
    }
    return { size, inputs, targets };
  };
  const test = make(sizes.testSize);
  const train = make(sizes.trainSize);
  return {
    name: 'adding',
    objective: 'regression',
    steps,
    inputSize: 2,
    outputSize: 1,
    train,
    validation: make(sizes.validationSize),
    test,
    baselines: { 'predict-the-mean mse': meanBaseline(test.targets) },
    config: { task: 'adding', steps, seed, ...sizes },
  };
}

/** MSE of predicting 1.0 (the expected sum) on these targets. */
function meanBaseline(targets: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < targets.length; i++) sum += (targets[i]! - 1) ** 2;
  return sum / targets.length;
}
