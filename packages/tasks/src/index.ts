/**
 * Seeded sequence tasks (first-last, adding, copy, text, series), metrics and a trainer for `@lstm` models.
 * @packageDocumentation
 * @module @lstm/tasks
 */
export { adding, type AddingOptions } from './adding.js';
export { copy, type CopyOptions } from './copy.js';
export {
  TASK_NAMES,
  gather,
  splitSizes,
  type Objective,
  type SequenceTask,
  type Split,
  type SplitSizes,
  type StoredTaskOptions,
} from './data.js';
export { firstLast, normalQuantiles, type FirstLastOptions } from './first-last.js';
export { batchLoss, summarise, tallyOf, type BatchLoss, type Metrics, type Tally } from './metrics.js';
export { parseCsv, series, type SeriesOptions, type SeriesScaling, type SeriesTask } from './series.js';
export { encode, oneHot, text, type TextOptions, type TextTask } from './text.js';
export { DivergenceGuard, snapshot } from './guards.js';
export { saliency, type Saliency } from './saliency.js';
export { sampleToken } from './sampling.js';
export { recordActivity, recordActivityAsync, recordingTensors, type RecordOptions, type Recording } from './recording.js';
export { evaluate, evaluateAsync, summariseTask, type EvaluateOptions, type SplitName } from './evaluate.js';
export { sampleInputs, streamChunks, streamPass, type ChunkStep, type ChunkTrainer, type StreamPassOptions } from './truncated-bptt.js';
export {
  DivergedError,
  InterruptedError,
  NonFiniteLossError,
  Trainer,
  type AnyTask,
  type BestEpoch,
  type EpochRecord,
  type FitResult,
  type Progress,
  type TrainerOptions,
  type TrainerState,
} from './trainer.js';
export { readStepSummary, stepSummary, withoutFiniteChecks, type StepSummary } from './train-step.js';
export { readLater, readNow, type Reading } from './reads.js';
export { cellOf, generatedTask, hasForgetGate, modelOptions, type ModelSpec } from './recipe.js';
