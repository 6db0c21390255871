import { cpu } from '@lstm/backend-cpu';
import { registerBackend, setBackend } from '@lstm/core';
import { countingBackend } from '@lstm/core/testing';
import { SequenceModel } from '@lstm/layers';
import { Adam } from '@lstm/optim';
import { beforeAll, describe, expect, it } from 'vitest';
import { adding } from './adding.js';
import { evaluate } from './evaluate.js';
import { firstLast } from './first-last.js';
import { text } from './text.js';
import { Trainer } from './trainer.js';

const factory = countingBackend(cpu(), 'counting-cpu');
beforeAll(async () => {
  registerBackend(factory);
  await setBackend('counting-cpu');
});

/** Reads between consecutive progress callbacks (one per training step), after the first. */
async function readsPerStep(trainer: Trainer): Promise<number[]> {
  const marks: number[] = [];
  trainer.options.onProgress = () => marks.push(factory.reads());
  await trainer.fit();
  return marks.slice(1).map((mark, i) => mark - marks[i]!);
}

describe('a training step reads the device once (issue 11)', () => {
  it('classification with global-norm clipping, value clipping and Adam: exactly one read per step', async () => {
    const model = new SequenceModel({ inputSize: 1, hiddenSize: 8, outputSize: 4, seed: 1, numLayers: 2 });
    const task = firstLast({ steps: 5, trainSize: 96, validationSize: 16, testSize: 16, seed: 2 });
    const trainer = new Trainer(model, task, {
      epochs: 1,
      batchSize: 16,
      clip: 0.5,
      clipValue: 0.1,
      optimizer: new Adam(model.parameters(), { lr: 1e-2 }),
    });
    const perStep = await readsPerStep(trainer);
    expect(perStep).toHaveLength(5);
    expect(perStep.every((n) => n === 1)).toBe(true);
  });

  it('regression and a text language model: one read per step too', async () => {
    const regression = new SequenceModel({ inputSize: 2, hiddenSize: 8, outputSize: 1, seed: 3 });
    const addTask = adding({ steps: 6, trainSize: 64, validationSize: 16, testSize: 16, seed: 3 });
    const a = await readsPerStep(
      new Trainer(regression, addTask, { epochs: 1, batchSize: 16, clip: 1, optimizer: new Adam(regression.parameters()) }),
    );
    const lmTask = text('the quick brown fox jumps over the lazy dog. '.repeat(20), {});
    const lm = new SequenceModel({ inputSize: lmTask.inputSize, hiddenSize: 8, outputSize: lmTask.outputSize, readout: 'all', seed: 4 });
    const b = await readsPerStep(new Trainer(lm, lmTask, { epochs: 1, batchSize: 4, bptt: 16, optimizer: new Adam(lm.parameters()) }));
    expect(a.length).toBeGreaterThan(1);
    expect(b.length).toBeGreaterThan(1);
    expect([...a, ...b].every((n) => n === 1)).toBe(true);
  });

  it('logEvery: 3 reads once per three steps, with the same weights and metrics as reading every step', async () => {
    const run = async (logEvery: number) => {
      const model = new SequenceModel({ inputSize: 1, hiddenSize: 8, outputSize: 4, seed: 1 });
      const task = firstLast({ steps: 5, trainSize: 96, validationSize: 16, testSize: 16, seed: 2 });
      const trainer = new Trainer(model, task, { epochs: 1, batchSize: 16, clip: 0.5, logEvery, optimizer: new Adam(model.parameters()) });
      const reads = [factory.reads()];
      trainer.options.onProgress = () => reads.push(factory.reads());
      await trainer.fit();
      return { model, history: trainer.history, perStep: reads.slice(1).map((mark, i) => mark - reads[i]!) };
    };
    const every = await run(1);
    const third = await run(3);
    // (the first step's count also holds fit()'s snapshot of the initial weights)
    expect(third.perStep.slice(1)).toEqual([0, 1, 0, 0, 1]);
    expect(every.perStep.slice(1)).toEqual([1, 1, 1, 1, 1]);
    for (const [i, p] of every.model.parameters().entries())
      expect(third.model.parameters()[i]!.value.toArray()).toEqual(p.value.toArray());
    expect(third.history[0]!.train_loss).toBeCloseTo(every.history[0]!.train_loss!, 5);
    expect(third.history[0]!.grad_norm).toBeCloseTo(every.history[0]!.grad_norm!, 5);
    expect(third.history[0]!.train_accuracy).toBe(every.history[0]!.train_accuracy);
  });

  it('evaluation reads once per batch of 256 rows', () => {
    const model = new SequenceModel({ inputSize: 1, hiddenSize: 8, outputSize: 4, seed: 1 });
    const task = firstLast({ steps: 5, trainSize: 16, validationSize: 16, testSize: 600, seed: 2 });
    const before = factory.reads();
    evaluate(model, task, 'test');
    expect(factory.reads() - before).toBe(3);
  });
});
