import { describe, expect, it } from 'vitest';
import { adding } from './adding.js';
import { copy } from './copy.js';
import { firstLast, normalQuantiles } from './first-last.js';
import { parseCsv, series } from './series.js';
import { encode, text } from './text.js';

const counts = (labels: ArrayLike<number>, classes: number) => {
  const out = new Array<number>(classes).fill(0);
  for (let i = 0; i < labels.length; i++) out[labels[i]!]!++;
  return out;
};

describe('first-last (E1)', () => {
  it('has the documented shapes and split sizes', () => {
    const task = firstLast({ steps: 12, trainSize: 50, validationSize: 20, testSize: 30 });
    expect([task.train.size, task.validation.size, task.test.size]).toEqual([50, 20, 30]);
    expect(task.train.inputs.length).toBe(50 * 12);
    expect(task.test.targets).toBeInstanceOf(Int32Array);
    expect(task).toMatchObject({ objective: 'classification', steps: 12, inputSize: 1, outputSize: 4 });
  });

  it('labels each sequence from the bins of its first and last steps only', () => {
    const task = firstLast({ steps: 10, classes: 9, trainSize: 400, seed: 3 });
    const [low, high] = normalQuantiles(3);
    const bin = (v: number) => (v > high! ? 2 : v > low! ? 1 : 0);
    for (let n = 0; n < 400; n++) {
      const row = task.train.inputs.subarray(n * 10, n * 10 + 10);
      expect(task.train.targets[n]).toBe(3 * bin(row[0]!) + bin(row[9]!));
    }
  });

  it('balances the classes (equiprobable bins)', () => {
    const labels = firstLast({ trainSize: 8000, classes: 4, seed: 5 }).train.targets;
    for (const c of counts(labels, 4)) expect(Math.abs(c / 8000 - 0.25)).toBeLessThan(0.02);
    expect(normalQuantiles(2)[0]).toBeCloseTo(0, 12);
    expect(normalQuantiles(4)[2]).toBeCloseTo(0.6744897501960817, 9);
  });

  it('is a function of its seed, and the splits differ', () => {
    const a = firstLast({ seed: 9, trainSize: 20 });
    const b = firstLast({ seed: 9, trainSize: 20 });
    const c = firstLast({ seed: 10, trainSize: 20 });
    expect(Array.from(a.train.inputs)).toEqual(Array.from(b.train.inputs));
    expect(Array.from(a.train.inputs)).not.toEqual(Array.from(c.train.inputs));
    expect(Array.from(a.test.inputs.subarray(0, 30))).not.toEqual(Array.from(a.train.inputs.subarray(0, 30)));
  });

  it('scales the noise between the markers', () => {
    const task = firstLast({ noise: 0.1, trainSize: 2000, steps: 30 });
    let middle = 0;
    for (let n = 0; n < 2000; n++) for (let t = 1; t < 29; t++) middle += task.train.inputs[n * 30 + t]! ** 2;
    expect(Math.sqrt(middle / (2000 * 28))).toBeCloseTo(0.1, 2);
  });

  it('refuses bad parameters with the fix', () => {
    expect(() => firstLast({ classes: 6 })).toThrow(/classes must be a square ≥ 4/);
    expect(() => firstLast({ steps: 1 })).toThrow(/steps must be an integer ≥ 2/);
    expect(() => firstLast({ trainSize: 0 })).toThrow(/trainSize must be a positive integer/);
    expect(() => firstLast({ lenght: 3 } as never)).toThrow(/unknown option 'lenght'/);
  });
});

describe('adding (E4)', () => {
  const task = adding({ steps: 60, trainSize: 3000, testSize: 2000, seed: 2 });

  it('marks exactly two steps, one in each half, and sums their values', () => {
    for (let n = 0; n < 3000; n++) {
      const row = task.train.inputs.subarray(n * 120, (n + 1) * 120);
      const marked = Array.from({ length: 60 }, (_, t) => t).filter((t) => row[2 * t + 1] === 1);
      expect(marked).toHaveLength(2);
      expect(marked[0]!).toBeLessThan(30);
      expect(marked[1]!).toBeGreaterThanOrEqual(30);
      expect(task.train.targets[n]).toBeCloseTo(row[2 * marked[0]!]! + row[2 * marked[1]!]!, 6);
    }
  });

  it('reports the predict-the-mean baseline near 1/6', () => {
    expect(task.baselines!['predict-the-mean mse']).toBeGreaterThan(0.15);
    expect(task.baselines!['predict-the-mean mse']).toBeLessThan(0.185);
  });
});

describe('copy', () => {
  it('asks for the symbols back, in order, after the go signal', () => {
    const task = copy({ length: 3, alphabet: 4, delay: 5, trainSize: 100, seed: 1 });
    expect(task).toMatchObject({ steps: 11, inputSize: 5, outputSize: 4, objective: 'tagging' });
    for (let n = 0; n < 100; n++) {
      const symbols = [0, 1, 2].map((k) => task.train.inputs.subarray((n * 11 + k) * 5, (n * 11 + k) * 5 + 4).indexOf(1));
      expect(Array.from(task.train.targets.subarray(n * 11 + 8, n * 11 + 11))).toEqual(symbols);
      expect(Array.from(task.train.targets.subarray(n * 11, n * 11 + 8)).every((t) => t === -1)).toBe(true);
      expect(task.train.inputs[(n * 11 + 7) * 5 + 4]).toBe(1);
    }
    const recalled = Array.from(task.train.targets).filter((t) => t >= 0);
    for (const c of counts(recalled, 4)) expect(c / recalled.length).toBeGreaterThan(0.18);
  });
});

describe('text', () => {
  const source = `${'the cat sat on the mat. '.repeat(20)}ünïcödé 🙂`;

  it('builds a sorted code-point vocabulary and contiguous splits', () => {
    const task = text(source);
    expect(task.vocabulary).toEqual([...new Set(Array.from(source))].sort());
    expect(task.vocabulary).toContain('🙂');
    expect(task.train.length + task.validation.length + task.test.length).toBe(Array.from(source).length);
    const decoded = Array.from(task.train.subarray(0, 8))
      .map((i) => task.vocabulary[i])
      .join('');
    expect(decoded).toBe('the cat ');
  });

  it('refuses characters outside the vocabulary and texts too short', () => {
    expect(() => encode('cab', ['a', 'b'])).toThrow(/"c" is not in the model's vocabulary/);
    expect(() => text('short')).toThrow(/needs at least 100/);
  });
});

describe('series', () => {
  const rows = Array.from(
    { length: 120 },
    (_, i) => `2000-${i},${(10 + i * 0.5 + 3 * Math.sin((2 * Math.PI * i) / 12)).toFixed(4)},${i % 7}`,
  );
  const csv = ['date,level,other', ...rows].join('\n');

  it('windows, standardises with training statistics, and splits in time order', () => {
    const levels = series(csv, { columns: ['level'], window: 12, difference: false });
    expect(levels.train.size + levels.validation.size + levels.test.size).toBe(108);
    expect(levels.inputSize).toBe(1);
    const firstTest = levels.train.size + levels.validation.size;
    // The first test target is the value right after its window, standardised.
    expect(levels.test.targets[0]! * levels.scaling.std[0]! + levels.scaling.mean[0]!).toBeCloseTo(levels.values[firstTest + 12]!, 3);
    // Differenced (the default): the target is the change into that value.
    const changes = series(csv, { columns: ['level'], window: 12 });
    expect(changes.train.size + changes.validation.size + changes.test.size).toBe(107);
    const first = changes.train.size + changes.validation.size;
    const { mean, std } = changes.scaling;
    expect(changes.test.targets[0]! * std[0]! + mean[0]!).toBeCloseTo(changes.values[first + 13]! - changes.values[first + 12]!, 3);
  });

  it('computes the naive and seasonal-naive baselines in data units', () => {
    const task = series(csv, { columns: ['level'], window: 12, season: 12 });
    // The trend adds 0.5 per step: naive errs by ~0.5 ± the seasonal swing; seasonal naive by exactly 6.
    expect(task.baselines!['seasonal-naive mae']).toBeCloseTo(6, 3);
    expect(task.baselines!['naive mae']).toBeLessThan(2.5);
  });

  it('names the row and column of text in a numeric column', () => {
    const bad = csv.replace('2000-17,', '2000-17,x').replace(/(2000-17,x)[^,]*/, '$1abc');
    expect(() => parseCsv(bad, ['level'])).toThrow(/row 19, column 'level' is "xabc", not a number/);
    expect(() => series(csv, { columns: ['nope'] })).toThrow(/no column 'nope'.*date, level, other/);
  });
});
