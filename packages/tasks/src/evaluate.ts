import { keep, tidy } from '@lstm/core';
import type { SequenceModel } from '@lstm/layers';
import { assertFiniteSplit, gather, type SequenceTask } from './data.js';
import { withoutFiniteChecks } from './train-step.js';
import { addTally, batchLoss, emptyTally, inputTensor, summarise, tallyOf, type Metrics, type Tally } from './metrics.js';
import { readLater, readNow, type Reading } from './reads.js';
import type { TextTask } from './text.js';
import { streamChunks } from './truncated-bptt.js';

export type AnyTask = SequenceTask | TextTask;
export type SplitName = 'train' | 'validation' | 'test';

export interface EvaluateOptions {
  /** Language models: parallel rows the token stream is cut into (default 32). */
  batchSize?: number;
  /** Language models: steps per chunk (default 64). */
  bptt?: number;
}

/** Rows per forward pass when evaluating sequence tasks (memory, not results, depends on it). */
const EVALUATION_CHUNK = 256;

/**
 * Metrics of `model` as it is now on one split of `task`: loss and accuracy (classes), MSE,
 * RMSE and MAE in data units (regression), bits per character (language models). No gradients,
 * no dropout; the model is not changed. On a backend that reads asynchronously (WebGPU), use
 * `evaluateAsync`.
 * @example evaluate(model, firstLast({ seed: 1 }), 'test') // { loss: 0.21, accuracy: 0.94 }
 */
export function evaluate(model: SequenceModel, task: AnyTask, split: SplitName, options: EvaluateOptions = {}): Metrics {
  return readNow(evaluation(model, task, split, options), 'await evaluateAsync(model, task, split)');
}

/**
 * `evaluate` on any backend: one asynchronous read per 256 rows (or per chunk of text).
 * @example await evaluateAsync(model, firstLast({ seed: 1 }), 'test') // { loss: 0.21, accuracy: 0.94 }
 */
export function evaluateAsync(model: SequenceModel, task: AnyTask, split: SplitName, options: EvaluateOptions = {}): Promise<Metrics> {
  return readLater(evaluation(model, task, split, options));
}

function* evaluation(model: SequenceModel, task: AnyTask, split: SplitName, options: EvaluateOptions): Reading<Metrics> {
  if (task.objective === 'language-model') {
    const tally = yield* streamChunks(model, task, task[split], { batchSize: options.batchSize ?? 32, bptt: options.bptt ?? 64 });
    return summarise('language-model', tally);
  }
  const data = task[split];
  assertFiniteSplit(task, split);
  const tally = emptyTally();
  for (let start = 0; start < data.size; start += EVALUATION_CHUNK) {
    const rows = Array.from({ length: Math.min(EVALUATION_CHUNK, data.size - start) }, (_, i) => start + i);
    const batch = data.size <= EVALUATION_CHUNK ? data : gather(data, rows);
    const { stats, count } = tidy(() =>
      withoutFiniteChecks(() => {
        const loss = batchLoss(task.objective, model.forward(inputTensor(model, batch, task.steps)).output, batch.targets);
        return { stats: keep(loss.stats), count: loss.count };
      }),
    );
    try {
      yield [stats];
      addTally(tally, tallyOf(stats.readSync(), count));
    } finally {
      stats.dispose();
    }
  }
  return summariseTask(task, tally);
}

/** Metrics of a tally; regression errors in data units when the task has a scale. */
export function summariseTask(task: AnyTask, tally: Tally): Metrics {
  const metrics = summarise(task.objective, tally);
  const scale = task.objective === 'regression' ? task.targetScale : undefined;
  if (scale !== undefined) {
    metrics.mse! *= scale * scale;
    metrics.rmse! *= scale;
    metrics.mae! *= scale;
  }
  return metrics;
}
