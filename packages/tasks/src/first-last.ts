import { Rng, ValueError, assertKnownOptions } from '@lstm/core';
import { splitSizes, type SequenceTask, type Split, type SplitSizes } from './data.js';

export interface FirstLastOptions extends SplitSizes {
  /** Sequence length T (default 30). */
  steps?: number;
  /** Classes: a square m² (default 4 = 2 × 2). */
  classes?: number;
  /** Standard deviation of the T − 2 noise steps (default 1). */
  noise?: number;
  /**
   * How x₁ and x_T encode their bin: 'gaussian' (default) — a draw from N(0, 1), binned by
   * quantile, so the markers look exactly like the noise; 'levels' — the bin's level among m
   * evenly spaced values in [−1, 1] (±1 for m = 2), an easier variant that a vanilla RNN also
   * solves at T = 30 by latching the marker in a saturated unit.
   */
  markers?: 'levels' | 'gaussian';
  seed?: number;
}

/**
 * E1 — the long-range classification task (spec §5, article A0). The article does not publish its
 * encoding; ours is:
 *
 * - one feature per step; x₁ and x_T are drawn from N(0, 1), the T − 2 steps between from
 *   N(0, noise²) — with the default noise = 1 the two informative steps look exactly like the noise,
 *   so only their *position* marks them;
 * - each of x₁, x_T is cut into m equiprobable bins of N(0, 1) (m = √classes; for m = 2 the bin is
 *   the sign), and the class is m · bin(x₁) + bin(x_T). Classes are balanced by construction.
 *
 * Reading the last step alone gets 1/m of the way (50 % with 4 classes); the rest needs x₁,
 * carried across T − 1 steps. Because x₁ looks like the noise, an RNN cannot latch it: any later
 * input strong enough to matter can overwrite it. A vanilla RNN stays at that 1/m; an LSTM learns
 * to close its input gate after step 1 and gets there.
 */
export function firstLast(options: FirstLastOptions = {}): SequenceTask {
  assertKnownOptions('first-last', options, ['steps', 'classes', 'noise', 'markers', 'seed', 'trainSize', 'validationSize', 'testSize']);
  const { steps = 30, classes = 4, noise = 1, markers = 'gaussian', seed = 0 } = options;
  if (markers !== 'levels' && markers !== 'gaussian')
    throw new ValueError(`first-last: markers must be 'levels' or 'gaussian', got ${String(markers)}`);
  const m = Math.round(Math.sqrt(classes));
  if (!Number.isInteger(steps) || steps < 2) throw new ValueError(`first-last: steps must be an integer ≥ 2, got ${steps}`);
  if (!Number.isInteger(classes) || m < 2 || m * m !== classes) {
    throw new ValueError(
      `first-last: classes must be a square ≥ 4 (4, 9, 16, …) — one bin of the first and one of the last step — got ${classes}`,
    );
  }
  if (!(noise >= 0) || !Number.isFinite(noise)) throw new ValueError(`first-last: noise must be a finite number ≥ 0, got ${noise}`);
  const sizes = splitSizes('first-last', options, { trainSize: 5000, validationSize: 1000, testSize: 1000 });
  const edges = normalQuantiles(m);
  const bin = (v: number) => edges.filter((e) => v > e).length;
  const level = (k: number) => -1 + (2 * k) / (m - 1);
  const rng = Rng.derive(seed, 'data');
  const make = (size: number): Split => {
    const inputs = new Float32Array(size * steps);
    const targets = new Int32Array(size);
    for (let n = 0; n < size; n++) {
      const row = inputs.subarray(n * steps, (n + 1) * steps);
      for (let t = 1; t < steps - 1; t++) row[t] = rng.normal(0, noise);
      if (markers === 'gaussian') {
        row[0] = rng.normal();
        row[steps - 1] = rng.normal();
        targets[n] = m * bin(row[0]!) + bin(row[steps - 1]!);
      } else {
        const first = rng.int(m),
          last = rng.int(m);
        row[0] = level(first);
        row[steps - 1] = level(last);
        targets[n] = m * first + last;
      }
    }
    return { size, inputs, targets };
  };
  return {
    name: 'first-last',
    objective: 'classification',
    steps,
    inputSize: 1,
    outputSize: classes,
    train: make(sizes.trainSize),
    validation: make(sizes.validationSize),
    test: make(sizes.testSize),
    // What a model gets by guessing, and by reading the last step alone (classes are balanced).
    baselines: { 'chance accuracy': 1 / classes, 'last-step accuracy': 1 / m },
    config: { task: 'first-last', steps, classes, noise, markers, seed, ...sizes },
  };
}

/** The m − 1 inner quantiles of N(0, 1) (bin edges of m equiprobable bins). */
export function normalQuantiles(m: number): number[] {
  return Array.from({ length: m - 1 }, (_, k) => inverseNormal((k + 1) / m));
}

/** Φ⁻¹(p) by bisection on erf (exact to 1e-12; only used for a handful of edges). */
function inverseNormal(p: number): number {
  let lo = -10,
    hi = 10;
  for (let i = 0; i < 80; i++) {
    const mid = (lo + hi) / 2;
    if (normalCdf(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

function normalCdf(x: number): number {
  return 0.5 * (1 + erf(x / Math.SQRT2));
}

/** erf by its Taylor series / continued fraction (|error| < 1e-14 for |x| < 10). */
function erf(x: number): number {
  const sign = Math.sign(x);
  const a = Math.abs(x);
  if (a < 3) {
    let term = a,
      sum = a;
    for (let n = 1; n < 100; n++) {
      term *= (-a * a) / n;
      sum += term / (2 * n + 1);
    }
    return ((sign * 2) / Math.sqrt(Math.PI)) * sum;
  }
  // erfc continued fraction for large |x|.
  let f = 0;
  for (let n = 60; n >= 1; n--) f = n / 2 / (a + f);
  return sign * (1 - Math.exp(-a * a) / Math.sqrt(Math.PI) / (a + f));
}
