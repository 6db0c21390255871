/**
 * Reduced versions of the published experiments (spec §5), small enough for CI, that still show
 * what the full runs in docs/results show: the LSTM learns the long-range dependency and the
 * vanilla RNN does not.
 */
import { registerBackend, setBackendSync } from '@lstm/core';
import { cpu } from '@lstm/backend-cpu';
import { SequenceModel, type CellType } from '@lstm/layers';
import { Adam } from '@lstm/optim';
import { describe, expect, it } from 'vitest';
import { adding } from './adding.js';
import type { SequenceTask } from './data.js';
import { firstLast } from './first-last.js';
import { Trainer } from './trainer.js';

registerBackend(cpu());
setBackendSync('cpu');

async function fit(task: SequenceTask, cell: CellType, epochs: number, lr: number) {
  const model = new SequenceModel({
    cell,
    inputSize: task.inputSize,
    hiddenSize: 32,
    outputSize: task.outputSize,
    seed: 1,
    init: cell === 'lstm' ? { forgetBias: 2 } : {},
  });
  const trainer = new Trainer(model, task, {
    epochs,
    optimizer: new Adam(model.parameters(), { lr }),
    clip: 1,
    seed: 1,
    restoreBest: true,
  });
  return (await trainer.fit()).best!.metrics;
}

describe('E1 reduced: first-last at T = 30 (hidden 32, 2,000 sequences)', () => {
  const task = firstLast({ steps: 30, trainSize: 2000, validationSize: 500, testSize: 500, seed: 1 });

  it('the LSTM carries step 1 across 28 noise steps (test accuracy ≥ 85%)', async () => {
    expect((await fit(task, 'lstm', 10, 3e-3)).test_accuracy).toBeGreaterThanOrEqual(0.85);
  }, 240_000);

  it('the vanilla RNN stays at what the last step alone gives (≤ 60%)', async () => {
    expect((await fit(task, 'rnn', 10, 3e-3)).test_accuracy).toBeLessThanOrEqual(0.6);
  }, 240_000);
});

describe('E4 reduced: the adding problem at T = 50 (hidden 32, 5,000 sequences)', () => {
  const task = adding({ steps: 50, trainSize: 5000, validationSize: 500, testSize: 500, seed: 1 });
  const baseline = task.baselines!['predict-the-mean mse']!;

  it('the LSTM gets below 10% of the predict-the-mean error', async () => {
    expect((await fit(task, 'lstm', 8, 1e-2)).test_mse).toBeLessThan(0.1 * baseline);
  }, 240_000);

  it('the vanilla RNN does not', async () => {
    expect((await fit(task, 'rnn', 8, 1e-2)).test_mse).toBeGreaterThan(0.5 * baseline);
  }, 240_000);
});
