import { registerBackend, setBackend } from '@lstm/core';
import { countingBackend } from '@lstm/core/testing';
import { SequenceModel } from '@lstm/layers';
import { Adam } from '@lstm/optim';
import { Trainer, firstLast } from '@lstm/tasks';
import { expect, it } from 'vitest';
import { tfjs } from '../index.js';

it('the Trainer learns first-last on tfjs-webgl in Chromium, reading the GPU once per step', async () => {
  const factory = countingBackend(tfjs({ backend: 'webgl' }), 'counting-webgl');
  registerBackend(factory);
  await setBackend('counting-webgl');
  const model = new SequenceModel({ inputSize: 1, hiddenSize: 16, outputSize: 4, seed: 1, init: { forgetBias: 1 } });
  const task = firstLast({ steps: 6, trainSize: 256, validationSize: 64, testSize: 64, seed: 4 });
  const marks: number[] = [];
  const trainer = new Trainer(model, task, {
    epochs: 4,
    batchSize: 32,
    clip: 1,
    optimizer: new Adam(model.parameters(), { lr: 2e-2 }),
    evaluateTest: false,
    onProgress: (p) => {
      if (p.batch > 1) marks.push(factory.reads());
      else marks.push(Number.NaN);
    },
  });
  const { history } = await trainer.fit();
  const perStep = marks
    .slice(1)
    .map((mark, i) => mark - marks[i]!)
    .filter((n) => !Number.isNaN(n));
  expect(perStep.length).toBeGreaterThan(20);
  expect(perStep.every((n) => n === 1)).toBe(true);
  expect(history.at(-1)!.validation_accuracy).toBeGreaterThan(0.6);
  expect(history.at(-1)!.train_loss).toBeLessThan(history[0]!.train_loss!);
});
