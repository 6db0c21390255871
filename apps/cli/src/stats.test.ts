import { describe, expect, it } from 'vitest';
import { holm, summarize, welch } from './stats.js';

// Reference values from SciPy 1.17 (scipy.stats.ttest_ind(a, b, equal_var=False); t.ppf(0.975, n − 1)),
// a library we did not write; Holm's example is the textbook one (Holm 1979's step-down).
const a = [0.91, 0.88, 0.95, 0.9, 0.93];
const b = [0.8, 0.85, 0.83, 0.79, 0.9, 0.81];

describe('sweep statistics', () => {
  it("gives the mean's 95% interval by Student's t", () => {
    const s = summarize(a);
    expect(s.n).toBe(5);
    expect(s.mean).toBeCloseTo(0.914, 12);
    expect(s.low).toBeCloseTo(0.8804520861507334, 10);
    expect(s.high).toBeCloseTo(0.9475479138492666, 10);
    expect(Number.isNaN(summarize([1]).low)).toBe(true);
  });

  it("tests two samples by Welch's t-test as SciPy does", () => {
    const r = welch(a, b);
    expect(r.t).toBeCloseTo(4.102037184375975, 10);
    expect(r.df).toBeCloseTo(8.674387884302321, 8);
    expect(r.p).toBeCloseTo(0.002885439712882265, 10);
    expect(Number.isNaN(welch([1], b).p)).toBe(true);
  });

  it("adjusts for many comparisons by Holm's step-down method", () => {
    expect(holm([0.01, 0.04, 0.03, 0.2])).toEqual([0.04, 0.09, 0.09, 0.2]);
    expect(holm([0.5, Number.NaN, 0.6])).toEqual([1, Number.NaN, 1]); // two tests: 2 × 0.5, then never below it
  });
});
