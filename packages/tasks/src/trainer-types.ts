import type { OptimizerState } from '@lstm/optim';

// The Trainer's data types: progress, per-epoch records, the best epoch and resumable state.

/** Seconds elapsed and estimated left, given the fraction of the run done. */
export type Timing = (done: number) => { elapsed: number; eta: number };

/** Per-batch progress, for progress bars (terminal) and progress indicators (web page). */
export interface Progress {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  /** Running means over this epoch so far. */
  loss: number;
  accuracy?: number;
  /** Seconds since fit() started, and the estimate of what is left of the whole run. */
  elapsed: number;
  eta: number;
}

/** One line of metrics.jsonl: `train_*`, `validation_*`, `test_*` metrics and the bookkeeping. */
export interface EpochRecord {
  epoch: number;
  lr: number;
  /** Mean global gradient norm before clipping, over the epoch's batches. */
  grad_norm: number;
  seconds: number;
  [metric: string]: number;
}

export interface BestEpoch {
  epoch: number;
  score: number;
  weights: Record<string, Float32Array | Float64Array>;
}

/** Everything to resume a run where it stopped, bit for bit. */
export interface TrainerState {
  epoch: number;
  shuffleRng: number[];
  modelRng: number[];
  optimizer: OptimizerState;
  schedule: Record<string, number> | null;
  history: EpochRecord[];
  best: BestEpoch | null;
  badEpochs: number;
  /** The first batch's loss, the scale of the divergence rule (absent in checkpoints before 0.2). */
  referenceLoss?: number | null;
}

export interface FitResult {
  history: EpochRecord[];
  best: { epoch: number; metrics: Record<string, number> } | null;
  stoppedEarly: boolean;
}

/** Every option the Trainer takes (its constructor refuses others). */
export const TRAINER_OPTION_NAMES = [
  'epochs',
  'optimizer',
  'schedule',
  'batchSize',
  'clip',
  'clipValue',
  'seed',
  'patience',
  'restoreBest',
  'monitor',
  'bptt',
  'scheduledSampling',
  'divergenceFactor',
  'record',
  'evaluateTest',
  'onProgress',
  'onEpoch',
] as const;
