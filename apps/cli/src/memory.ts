import { totalmem } from 'node:os';
import { CELLS, type Cell, type CellType, cellConfig } from '@lstm/layers';
import { cellOf } from '@lstm/tasks';
import type { TrainOptions } from './train.js';
import { UsageError } from './errors.js';

/**
 * A memory estimate of a training run from its options alone, checked before anything is
 * allocated, so `--hidden 100000` or `--train-size 1e8` fail in one line instead of running the
 * machine out of memory. Deliberately generous (an estimate, not an accounting):
 *   model        parameters (the cell's own, from the cell registry) × 4 bytes × 8 (weights, gradients, two Adam slots, the best and the
 *                last good epoch's copies, a checkpoint and a model file being written)
 *   data         every split of a generated task, float32 inputs and targets
 *   activations  one minibatch's saved gates, cells and outputs, forward and backward
 */
export interface MemoryEstimate {
  model: number;
  data: number;
  activations: number;
  total: number;
}

/** Steps, input features and split sizes of each generated task, with its defaults. */
function generatedShape(o: Partial<TrainOptions>): { steps: number; features: number; sequences: number } | null {
  const sizes = (train: number, other: number) => (o.trainSize ?? train) + (o.validationSize ?? other) + (o.testSize ?? other);
  if (o.task === 'first-last') return { steps: o.seqLen ?? 30, features: 1, sequences: sizes(5000, 1000) };
  if (o.task === 'adding') return { steps: o.seqLen ?? 50, features: 2, sequences: sizes(10_000, 1000) };
  if (o.task === 'copy') return { steps: (o.seqLen ?? 20) + 10, features: (o.classes ?? 8) + 2, sequences: sizes(5000, 1000) };
  return null; // text and series: the data comes from a file and is bounded by it
}

/**
 * The cell's parameters per layer and direction (its registry entry's specs, for an input of
 * `input` features) and its gate blocks; a cell the options do not name correctly is sized as a
 * standard LSTM here (the mistake is reported in its own words where the model is built).
 */
function cellSize(o: Partial<TrainOptions>): { parameters: (input: number, H: number) => number; gates: number } {
  let cell: CellType = 'lstm';
  let config: Parameters<Cell['parameters']>[0];
  try {
    const found = cellOf(o.cell ?? 'lstm', o.cell === 'lstm' ? o.variant : undefined);
    cell = found.cell;
    config = { cell, ...cellConfig(cell, found.variant ? { variant: found.variant } : {}, 'memory estimate') };
  } catch {
    config = { cell, ...cellConfig('lstm', {}, 'memory estimate') };
  }
  const descriptor = CELLS[cell];
  return {
    parameters: (input, H) => descriptor.parameters(config, input, H).reduce((sum, spec) => sum + spec.shape.reduce((a, b) => a * b, 1), 0),
    gates: descriptor.gateNames(config).length,
  };
}

export function estimateMemory(o: Partial<TrainOptions>): MemoryEstimate {
  const shape = generatedShape(o);
  const H = o.hidden ?? 64;
  const L = o.layers ?? 1;
  const D = o.bidirectional ? 2 : 1;
  const size = cellSize(o);
  const G = Math.max(size.gates, 1);
  const input = shape?.features ?? 256; // text: a vocabulary of up to a few hundred characters
  const steps = shape?.steps ?? o.bptt ?? o.seqLen ?? 64;
  let parameters = 0;
  for (let layer = 0; layer < L; layer++) parameters += D * size.parameters(layer === 0 ? input : D * H, H);
  parameters += 256 * (D * H + 1); // the head, at most a vocabulary wide
  const model = parameters * 4 * 8;
  const data = shape ? shape.sequences * (shape.steps * (shape.features + 1)) * 4 : 0;
  const activations = (o.batchSize ?? 32) * steps * L * D * (G * H + 3 * H) * 4 * 2;
  return { model, data, activations, total: model + data + activations };
}

/** Memory this process may use: the machine's, or the container's limit where one is set. */
export function availableMemory(): number {
  const constrained = (process as { constrainedMemory?: () => number | undefined }).constrainedMemory?.();
  return Math.min(totalmem(), constrained && constrained > 0 ? constrained : Number.POSITIVE_INFINITY);
}

const gigabytes = (bytes: number) => `${(bytes / 1e9).toFixed(bytes < 1e10 ? 1 : 0)} GB`;

/** Refuses, in one line naming the option to reduce, a run whose estimate exceeds 90% of `available`. */
export function assertFitsInMemory(o: Partial<TrainOptions>, available = availableMemory()): void {
  const estimate = estimateMemory(o);
  if (estimate.total <= 0.9 * available) return;
  const parts: [number, string][] = [
    [estimate.model, `--hidden ${o.hidden ?? 64} × --layers ${o.layers ?? 1}`],
    [estimate.data, `--train-size ${o.trainSize ?? 'default'} and the other splits`],
    [estimate.activations, `--batch-size ${o.batchSize ?? 32} × ${o.task === 'text' ? '--bptt' : '--seq-len'}`],
  ];
  const [, culprit] = parts.reduce((a, b) => (b[0] > a[0] ? b : a));
  throw new UsageError(
    `this run needs ≈ ${gigabytes(estimate.total)} (model ${gigabytes(estimate.model)}, data ${gigabytes(estimate.data)}, activations ${gigabytes(estimate.activations)}); this machine has ${gigabytes(available)} — reduce ${culprit}`,
  );
}
