import Papa from 'papaparse';
import { ValueError, assertKnownOptions } from '@lstm/core';
import type { SequenceTask, Split } from './data.js';

export interface SeriesOptions {
  /** Columns to read as inputs (default: every numeric column). */
  columns?: string[];
  /** The column to forecast (default: the first input column). */
  target?: string;
  /** Steps of history the model sees (default 24). */
  window?: number;
  /** Season length for the seasonal-naive baseline (default 12: monthly data, yearly season). */
  season?: number;
  /** Fractions of the series, in time order, for validation and test (default 0.15 each). */
  validationFraction?: number;
  testFraction?: number;
  /**
   * Model step-to-step changes instead of levels (default true): inputs are the window's first
   * differences and the model predicts the next change, added to the last value. Trending series
   * (CO₂) leave the training range; their differences do not.
   */
  difference?: boolean;
  source?: string;
}

/** What turns model outputs back into data units, stored with the model. */
export interface SeriesScaling {
  columns: string[];
  target: string;
  /** Mean and standard deviation of each column's (differenced) values over the training rows. */
  mean: number[];
  std: number[];
  window: number;
  difference: boolean;
}

export interface SeriesTask extends SequenceTask {
  scaling: SeriesScaling;
  /** The target column's raw values, in order. */
  values: number[];
}

/** Numeric columns of a CSV text: a clear error for text in a numeric column, naming the row. */
export function parseCsv(csv: string, columns?: string[], what = 'series'): { header: string[]; data: Record<string, number[]> } {
  const parsed = Papa.parse<string[]>(csv.trim(), { skipEmptyLines: true });
  const rows = parsed.data;
  if (rows.length < 2) throw new ValueError(`${what}: the CSV needs a header row and at least one data row`);
  const header = rows[0]!.map((h) => h.trim());
  const body = rows.slice(1);
  const isNumber = (s: string | undefined) => s !== undefined && s.trim() !== '' && Number.isFinite(Number(s));
  const chosen = columns ?? header.filter((_, j) => isNumber(body[0]![j]));
  if (chosen.length === 0) throw new ValueError(`${what}: no numeric column in the CSV (columns: ${header.join(', ')}); pass --columns`);
  const data: Record<string, number[]> = {};
  for (const name of chosen) {
    const j = header.indexOf(name);
    if (j < 0) throw new ValueError(`${what}: no column '${name}' in the CSV; its columns are ${header.join(', ')}`);
    data[name] = body.map((row, i) => {
      if (!isNumber(row[j])) {
        throw new ValueError(
          `${what}: row ${i + 2}, column '${name}' is ${JSON.stringify(row[j] ?? '')}, not a number; fix or remove that row, or choose other columns`,
        );
      }
      return Number(row[j]);
    });
  }
  return { header, data };
}

/**
 * Forecasting from CSV columns: windows of `window` steps predict the target's next value (as a
 * change from the last one, by default). The series is split in time order (train, validation,
 * test); every column is standardised with the training part's mean and standard deviation, and
 * errors are reported in data units (the error of the change is the error of the value). Baselines on the test windows: naive (the
 * last value) and seasonal naive (the value one season before the target), in data units.
 */
export function series(csv: string, options: SeriesOptions = {}): SeriesTask {
  assertKnownOptions('series', options, [
    'columns',
    'target',
    'window',
    'season',
    'validationFraction',
    'testFraction',
    'difference',
    'source',
  ]);
  const { window = 24, season = 12, validationFraction = 0.15, testFraction = 0.15, difference = true } = options;
  if (!Number.isInteger(window) || window < 1) throw new ValueError(`series: window must be a positive integer, got ${window}`);
  if (!Number.isInteger(season) || season < 1) throw new ValueError(`series: season must be a positive integer, got ${season}`);
  const { data } = parseCsv(csv, options.columns);
  const columns = Object.keys(data);
  const target = options.target ?? columns[0]!;
  if (!columns.includes(target))
    throw new ValueError(`series: the target '${target}' must be one of the input columns (${columns.join(', ')})`);
  const levels = data;
  const worked: Record<string, number[]> = difference
    ? Object.fromEntries(columns.map((c) => [c, levels[c]!.slice(1).map((v, i) => v - levels[c]![i]!)]))
    : levels;
  const shift = difference ? 1 : 0;
  const length = worked[target]!.length;
  const windows = length - window;
  const testCount = Math.floor(windows * testFraction);
  const validationCount = Math.floor(windows * validationFraction);
  const trainCount = windows - testCount - validationCount;
  if (trainCount < 1 || testCount < 1 || validationCount < 1) {
    throw new ValueError(
      `series: ${levels[target]!.length} rows are too few for windows of ${window} and three splits; use a shorter window (--seq-len) or a longer series`,
    );
  }
  // Statistics from the rows the training windows can see.
  const seen = trainCount + window;
  const mean = columns.map((c) => worked[c]!.slice(0, seen).reduce((a, b) => a + b, 0) / seen);
  const std = columns.map((c, k) => Math.sqrt(worked[c]!.slice(0, seen).reduce((a, b) => a + (b - mean[k]!) ** 2, 0) / seen) || 1);
  columns.forEach((c, k) => {
    if (!Number.isFinite(mean[k]!) || !Number.isFinite(std[k]!)) {
      throw new ValueError(
        `series: column '${c}' cannot be standardised (mean ${mean[k]}, standard deviation ${std[k]}): its values overflow float64 arithmetic; rescale the column (e.g. divide by 1e6) first`,
      );
    }
  });
  const t = columns.indexOf(target);
  const make = (first: number, count: number): Split => {
    const inputs = new Float32Array(count * window * columns.length);
    const targets = new Float32Array(count);
    for (let n = 0; n < count; n++) {
      const start = first + n;
      for (let s = 0; s < window; s++) {
        columns.forEach((c, k) => {
          inputs[(n * window + s) * columns.length + k] = (worked[c]![start + s]! - mean[k]!) / std[k]!;
        });
      }
      targets[n] = (worked[target]![start + window]! - mean[t]!) / std[t]!;
    }
    return { size: count, inputs, targets };
  };
  const values = levels[target]!;
  const testFirst = trainCount + validationCount;
  const baseline = (predict: (index: number) => number) => {
    let se = 0,
      ae = 0,
      n = 0;
    for (let w = testFirst; w < windows; w++) {
      const index = w + window + shift;
      const error = values[index]! - predict(index);
      se += error * error;
      ae += Math.abs(error);
      n++;
    }
    return { rmse: Math.sqrt(se / n), mae: ae / n };
  };
  const naive = baseline((i) => values[i - 1]!);
  const seasonal = baseline((i) => (i - season >= 0 ? values[i - season]! : values[i - 1]!));
  return {
    name: 'series',
    objective: 'regression',
    steps: window,
    inputSize: columns.length,
    outputSize: 1,
    train: make(0, trainCount),
    validation: make(trainCount, validationCount),
    test: make(testFirst, testCount),
    targetScale: std[t]!,
    baselines: {
      'naive rmse': naive.rmse,
      'naive mae': naive.mae,
      'seasonal-naive rmse': seasonal.rmse,
      'seasonal-naive mae': seasonal.mae,
    },
    scaling: { columns, target, mean, std, window, difference },
    values,
    config: {
      task: 'series',
      source: options.source ?? null,
      columns,
      target,
      window,
      season,
      difference,
      validationFraction,
      testFraction,
    },
  };
}
