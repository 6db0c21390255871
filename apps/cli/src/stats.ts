import tCdf from '@stdlib/stats-base-dists-t-cdf';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';

/**
 * The statistics a sweep report states (issue 24): per configuration the mean of a metric with its
 * 95% confidence interval (Student's t), and each configuration against a baseline by Welch's
 * t-test (unequal variances), the p-values adjusted for the number of comparisons by Holm's
 * step-down method (which controls the family-wise error rate, as Bonferroni does, with more power).
 */
export interface Summary {
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1); NaN for one value. */
  sd: number;
  /** The 95% interval of the mean; NaN bounds for one value. */
  low: number;
  high: number;
}

export function summarize(values: readonly number[]): Summary {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1)) : Number.NaN;
  const half = n > 1 ? tQuantile(0.975, n - 1) * (sd / Math.sqrt(n)) : Number.NaN;
  return { n, mean, sd, low: mean - half, high: mean + half };
}

/** Welch's two-sided t-test of a against b: the statistic, its degrees of freedom and p. */
export function welch(a: readonly number[], b: readonly number[]): { t: number; df: number; p: number } {
  const [x, y] = [summarize(a), summarize(b)];
  if (x.n < 2 || y.n < 2) return { t: Number.NaN, df: Number.NaN, p: Number.NaN };
  const [va, vb] = [x.sd ** 2 / x.n, y.sd ** 2 / y.n];
  if (va + vb === 0)
    return {
      t: x.mean === y.mean ? 0 : Math.sign(x.mean - y.mean) * Number.POSITIVE_INFINITY,
      df: Number.NaN,
      p: x.mean === y.mean ? 1 : 0,
    };
  const t = (x.mean - y.mean) / Math.sqrt(va + vb);
  const df = (va + vb) ** 2 / (va ** 2 / (x.n - 1) + vb ** 2 / (y.n - 1));
  return { t, df, p: 2 * (1 - tCdf(Math.abs(t), df)) };
}

/** Holm's adjusted p-values (same order as given; NaN stays NaN and is not counted). */
export function holm(p: readonly number[]): number[] {
  const order = p
    .map((value, k) => ({ value, k }))
    .filter(({ value }) => !Number.isNaN(value))
    .sort((a, b) => a.value - b.value);
  const m = order.length;
  const adjusted = p.map(() => Number.NaN);
  let running = 0;
  for (const [rank, { value, k }] of order.entries()) {
    running = Math.max(running, Math.min(1, (m - rank) * value));
    adjusted[k] = running;
  }
  return adjusted;
}
