import type { PlaygroundConfig } from './config.js';

// What the page and the training worker say to each other (structured-clone data only).

/** The task as the page shows it. */
export interface TaskInfo {
  name: string;
  objective: 'classification' | 'regression' | 'tagging' | 'language-model';
  steps: number;
  inputSize: number;
  outputSize: number;
  /** Test sequences (or, for text, test windows) the stepper can show. */
  testCount: number;
  vocabulary?: string[];
  parameters: number;
  /** How a trivial predictor does on the test split (chance accuracy, predict-the-mean MSE). */
  baseline: string;
}

/** One point of the live curves. */
export interface CurvePoint {
  /** Epochs done, fractional within an epoch (batch / batches). */
  x: number;
  loss: number;
  accuracy?: number;
}

/** One finished epoch. */
export interface EpochSummary {
  epoch: number;
  trainLoss: number;
  validationLoss: number;
  testLoss: number;
  trainAccuracy?: number;
  validationAccuracy?: number;
  testAccuracy?: number;
  gradNorm: number;
  seconds: number;
}

/** A heat map of one gate (or of h for a vanilla RNN): values[unit][step]. */
export interface GateMap {
  name: string;
  values: number[][];
}

/** What the network does inside, on fixed validation sequences, after an epoch. */
export interface Snapshot {
  epoch: number;
  /** The sigmoid gates of the first layer on the first fixed sequence (h for an RNN). */
  gates: GateMap[];
  /** Mean ‖∂L/∂h_t‖ over the fixed sequences, per step, first layer. */
  flow: number[];
}

/** One sequence, step by step, as the stepper shows it. */
export interface Inspection {
  index: number;
  /** Labels of the input at each step (a character, or the input's values). */
  inputs: string[];
  gateNames: readonly string[];
  /** Every gate (tanh candidates included), cell states and h, first layer: [unit][step]. */
  gates: GateMap[];
  cells: number[][] | null;
  hidden: number[][];
  target: string;
  prediction: string;
  /** Class probabilities (classification) at the end of the sequence, when there are classes. */
  probabilities: number[] | null;
}

export interface SaliencyResult {
  position: number;
  predicted: string;
  probability: number;
  values: number[];
  /** The most active first-layer units at the position: index and h. */
  units: { unit: number; h: number }[];
}

export type RunState = 'idle' | 'running' | 'paused' | 'done';

/** One backend's training step timed in this browser (`msPerStep` null: it cannot start here, `note` says why). */
export interface Measurement {
  backend: 'wasm' | 'webgpu' | 'cpu';
  msPerStep: number | null;
  note: string;
}

/** Requests from the page; the worker answers each with a Reply of the same id. */
export type Request =
  | { type: 'configure'; config: PlaygroundConfig; text?: string }
  | { type: 'run' }
  | { type: 'pause' }
  | { type: 'step' }
  | { type: 'live'; lr: number; clip: number; epochs: number }
  | { type: 'backend'; backend: PlaygroundConfig['backend'] }
  | { type: 'inspect'; index: number }
  | { type: 'sample'; prime: string; length: number; temperature: number; seed: number }
  | { type: 'saliency'; text: string; position: number }
  | { type: 'export' }
  | { type: 'load'; bytes: Uint8Array; name: string; text?: string };

export type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

/** Events the worker sends on its own. */
export type WorkerEvent =
  | {
      type: 'ready';
      config: PlaygroundConfig;
      task: TaskInfo;
      snapshot: Snapshot;
      history: EpochSummary[];
      /** The backend the run is on ('auto' resolved), and what 'auto' measured, when it did. */
      backend: string;
      measured: Measurement[] | null;
    }
  | { type: 'progress'; point: CurvePoint; epoch: number; batch: number; batches: number }
  | { type: 'epoch'; summary: EpochSummary; snapshot: Snapshot }
  | { type: 'state'; state: RunState; epochsDone: number }
  | { type: 'backend'; backend: string; measured: Measurement[] | null }
  | { type: 'error'; message: string };

export type FromWorker = ({ kind: 'reply' } & Reply) | ({ kind: 'event' } & WorkerEvent);
