/**
 * Central finite differences, as in karpathy's lstm.py gradient check: perturb each value by
 * ±eps, difference the scalar loss, compare with the analytic gradient by relative error.
 */
export function numericGradient(loss: (values: Float64Array) => number, values: Float64Array, eps = 1e-6): Float64Array {
  const grad = new Float64Array(values.length);
  const probe = values.slice();
  for (let i = 0; i < values.length; i++) {
    const original = probe[i]!;
    probe[i] = original + eps;
    const plus = loss(probe);
    probe[i] = original - eps;
    const minus = loss(probe);
    probe[i] = original;
    grad[i] = (plus - minus) / (2 * eps);
  }
  return grad;
}

export interface GradientComparison {
  /** Largest relative error over the entries large enough to judge. */
  maxRelativeError: number;
  /** Index of that entry. */
  worst: number;
  /** Entries where both values are below `floor` ("both zero" / "too small to tell"). */
  tooSmall: number;
}

/**
 * Relative error |a − b| / (|a| + |b|) per entry. Where |a| + |b| is below `floor` the entry is
 * too small to tell relatively (finite differences carry ~1e-10 of round-off), so the error is
 * |a − b| / floor instead: still strict, but not fooled by noise on near-zero gradients.
 */
export function compareGradients(analytic: ArrayLike<number>, numeric: ArrayLike<number>, floor = 1e-4): GradientComparison {
  if (analytic.length !== numeric.length) throw new Error(`gradient lengths differ: ${analytic.length} vs ${numeric.length}`);
  let maxRelativeError = 0,
    worst = -1,
    tooSmall = 0;
  for (let i = 0; i < analytic.length; i++) {
    const a = analytic[i]!,
      n = numeric[i]!;
    if (!Number.isFinite(a) || !Number.isFinite(n)) return { maxRelativeError: Infinity, worst: i, tooSmall };
    const scale = Math.abs(a) + Math.abs(n);
    let error: number;
    if (scale < floor) {
      tooSmall++;
      error = Math.abs(a - n) / floor;
    } else {
      error = Math.abs(a - n) / scale;
    }
    if (error > maxRelativeError) {
      maxRelativeError = error;
      worst = i;
    }
  }
  return { maxRelativeError, worst, tooSmall };
}

/** Largest |a − b| / max(|b|, 1) (relative for large values, absolute near zero). */
export function maxRelativeDifference(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!,
      e = expected[i]!;
    if (Number.isNaN(a) && Number.isNaN(e)) continue;
    const difference = Math.abs(a - e) / Math.max(Math.abs(e), 1);
    if (!(difference <= worst)) worst = difference; // NaN-safe: a NaN difference wins
  }
  return worst;
}

/**
 * Normwise relative error ‖actual − expected‖∞ / ‖expected‖∞, the measure golden-fixture bounds
 * are stated in (an absolute error when `expected` is all zeros; Infinity for a length mismatch
 * or a NaN).
 */
export function normwiseError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Infinity;
  let difference = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    difference = Math.max(difference, Math.abs(actual[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  if (Number.isNaN(difference)) return Infinity;
  return scale === 0 ? difference : difference / scale;
}
