import { describe, expect, it } from 'vitest';
import { Rng } from './random.js';

const draws = (rng: Rng, n: number) => Array.from({ length: n }, () => rng.next());

/** Pearson correlation of two equally long samples. */
function correlation(a: number[], b: number[]): number {
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const ma = mean(a),
    mb = mean(b);
  let ab = 0,
    aa = 0,
    bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += (a[i]! - ma) * (b[i]! - mb);
    aa += (a[i]! - ma) ** 2;
    bb += (b[i]! - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

describe('Rng.derive: one stream per purpose (issue 8)', () => {
  it('is reproducible: the same seed and purpose give the same stream', () => {
    expect(draws(Rng.derive(7, 'init'), 50)).toEqual(draws(Rng.derive(7, 'init'), 50));
  });

  it('gives different purposes, seeds and the plain generator different streams', () => {
    const streams = [
      Rng.derive(1, 'data'),
      Rng.derive(1, 'init'),
      Rng.derive(1, 'dropout'),
      Rng.derive(1, 'shuffle'),
      Rng.derive(2, 'data'),
      new Rng(1),
    ];
    const firsts = streams.map((rng) => rng.nextUint32());
    expect(new Set(firsts).size).toBe(firsts.length);
  });

  it('tells apart seeds that differ only above 32 bits, and negative seeds', () => {
    const first = (seed: number) => Rng.derive(seed, 'data').nextUint32();
    expect(first(5)).not.toBe(first(5 + 2 ** 32));
    expect(first(5)).not.toBe(first(-5));
  });

  it('draws streams with no linear relation between purposes or neighbouring seeds', () => {
    const n = 20_000;
    const bound = 4 / Math.sqrt(n); // four standard errors of a correlation under independence
    const data = draws(Rng.derive(1, 'data'), n);
    expect(Math.abs(correlation(data, draws(Rng.derive(1, 'init'), n)))).toBeLessThan(bound);
    expect(Math.abs(correlation(data, draws(Rng.derive(2, 'data'), n)))).toBeLessThan(bound);
    const mean = data.reduce((s, x) => s + x, 0) / n;
    expect(Math.abs(mean - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / n));
  });

  it('refuses a seed that is not an integer', () => {
    expect(() => Rng.derive(1.5, 'data')).toThrow(/seed must be an integer/);
  });
});
