import type { Optimizer, OptimizerState, Schedule } from '@lstm/optim';
import type { RecordOptions, Recording } from './recording.js';
import type { Trainer } from './trainer.js';

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
  /**
   * Also `best_epoch`: the epoch the trainer holds best so far (by `monitor` on the validation
   * split). The last record's is the epoch whose weights `fit()` restores and the CLI saves.
   */
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
  'logEvery',
  'evaluateTest',
  'onProgress',
  'onEpoch',
  'signal',
] as const;

export interface TrainerOptions {
  epochs: number;
  optimizer: Optimizer;
  schedule?: Schedule;
  batchSize?: number;
  /** Global-norm clipping threshold (the norm before clipping is logged as grad_norm). */
  clip?: number;
  /** Clamp every gradient element to ±clipValue. */
  clipValue?: number;
  /** Seed of the minibatch shuffling (default 0). */
  seed?: number;
  /**
   * Stop after this many epochs without a better validation score (default: never). Either way,
   * the best epoch's weights are restored at the end (`restoreBest`, default true).
   */
  patience?: number;
  restoreBest?: boolean;
  /** What "better" means: 'accuracy' (default for classes) or 'loss' (default for regression). */
  monitor?: 'loss' | 'accuracy';
  /** Language models: steps per chunk of truncated BPTT (default 64). */
  bptt?: number;
  /**
   * Language models: probability of feeding the model its own previous prediction instead of the
   * true character, ramped linearly from `from` at the first epoch to `to` at the last
   * (scheduled sampling). Default: pure teacher forcing.
   */
  scheduledSampling?: { from: number; to: number };
  /**
   * Stop as diverged when a batch's loss exceeds this many times the first batch's loss
   * (default 1000; see `DivergenceGuard`). `Infinity` keeps only the non-finite check.
   */
  divergenceFactor?: number;
  /**
   * Record gates and per-step gradients of a few fixed validation sequences before training and
   * every `every` epochs (and the last), handing each recording to `onRecord`. Off by default.
   */
  record?: RecordOptions & { every?: number; onRecord: (recording: Recording) => void | Promise<void> };
  /**
   * Read the device every this many steps instead of every step (default 1): on a GPU, k − 1 of
   * k steps then never wait for it. The guards judge those steps together (see `StepReader`).
   */
  logEvery?: number;
  /** Also evaluate the test split each epoch (default true). */
  evaluateTest?: boolean;
  onProgress?: (progress: Progress) => void;
  /** After each epoch, with the model holding that epoch's weights (write checkpoints here). */
  onEpoch?: (record: EpochRecord, trainer: Trainer) => void | Promise<void>;
  /**
   * Stops the run when aborted: `fit()` then rejects with an `InterruptedError` and the model
   * holds the last completed epoch's weights. With a signal, `fit()` hands control back to the
   * event loop every 50 ms or so (between batches), so a Ctrl-C or a page's message is heard
   * mid-epoch; without one it never waits.
   */
  signal?: AbortSignal;
}
