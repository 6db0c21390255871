import { cpu } from '@lstm/backend-cpu';
import { prefetch, registerBackend, setBackend, tensor, reshape } from '@lstm/core';
import { countingBackend } from '@lstm/core/testing';
import { SequenceModel } from '@lstm/layers';
import { Adam } from '@lstm/optim';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluate, evaluateAsync } from './evaluate.js';
import { firstLast } from './first-last.js';
import { recordActivity, recordActivityAsync, type Recording } from './recording.js';
import { text } from './text.js';
import { Trainer, type AnyTask, type TrainerOptions } from './trainer.js';

// The CPU's kernels behind a backend that reads only asynchronously, as WebGPU does: the
// trainer's asynchronous path must give the very same run as the synchronous one, on any machine.
const sync = countingBackend(cpu(), 'sync-cpu');
const async = countingBackend(cpu(), 'async-cpu', { asyncReads: true });
beforeAll(() => {
  registerBackend(sync);
  registerBackend(async);
});

type Setup = () => { model: SequenceModel; task: AnyTask; options: Omit<TrainerOptions, 'optimizer'> };

async function trainOn(backend: string, setup: Setup) {
  await setBackend(backend);
  const { model, task, options } = setup();
  const recordings: Recording[] = [];
  const counter = backend === 'async-cpu' ? async : sync;
  const marks: { epoch: number; reads: number }[] = [];
  const trainer = new Trainer(model, task, {
    ...options,
    optimizer: new Adam(model.parameters(), { lr: 1e-2 }),
    record: { gates: true, gradients: true, samples: 2, onRecord: (r) => void recordings.push(r) },
    onProgress: (p) => marks.push({ epoch: p.epoch, reads: counter.reads() }),
  });
  await trainer.fit();
  const weights = model.parameters().map((p) => p.value.toArray()); // on the host after fit(), even here
  return { history: trainer.history.map(({ seconds: _s, ...r }) => r), weights, recordings, perStep: readsPerStep(marks) };
}

/** Reads between consecutive steps of the same epoch. */
function readsPerStep(marks: { epoch: number; reads: number }[]): number[] {
  return marks.slice(1).flatMap((m, i) => (m.epoch === marks[i]!.epoch ? [m.reads - marks[i]!.reads] : []));
}

const classification: Setup = () => ({
  model: new SequenceModel({ inputSize: 1, hiddenSize: 8, outputSize: 4, seed: 1, numLayers: 2 }),
  task: firstLast({ steps: 5, trainSize: 96, validationSize: 300, testSize: 16, seed: 2 }),
  options: { epochs: 2, batchSize: 16, clip: 0.5 },
});

const language: Setup = () => {
  const task = text('the quick brown fox jumps over the lazy dog. '.repeat(12), {});
  return {
    model: new SequenceModel({ inputSize: task.inputSize, hiddenSize: 8, outputSize: task.outputSize, readout: 'all', seed: 4 }),
    task,
    options: { epochs: 2, batchSize: 4, bptt: 16, scheduledSampling: { from: 0.25, to: 0.5 } },
  };
};

describe('the trainer on a backend without synchronous reads (issue 25)', () => {
  it.each([
    ['classification', classification],
    ['a language model with scheduled sampling', language],
  ])('%s: the same history, weights and recordings as with synchronous reads, one read per step', async (_, setup) => {
    const a = await trainOn('async-cpu', setup);
    const s = await trainOn('sync-cpu', setup);
    expect(a.history).toEqual(s.history);
    expect(a.weights).toEqual(s.weights);
    expect(a.recordings.map((r) => r.arrays)).toEqual(s.recordings.map((r) => r.arrays));
    expect(a.recordings.length).toBe(3);
    expect(a.perStep.length).toBeGreaterThan(3);
    // Scheduled sampling reads the model's predictions once per chunk too: two reads there.
    const perStep = setup === language ? 2 : 1;
    expect(a.perStep).toEqual(a.perStep.map(() => perStep));
  });

  it('evaluate() and recordActivity() name their asynchronous twins; those agree with them', async () => {
    const { model, task } = classification();
    const expected = evaluate(model, task, 'validation');
    const recorded = recordActivity(model, task, 0, { gates: true, samples: 2 });
    await setBackend('async-cpu');
    const { model: there } = classification();
    expect(() => evaluate(there, task, 'validation')).toThrow(
      /^backend 'async-cpu' reads asynchronously; use 'await evaluateAsync\(model, task, split\)' instead$/,
    );
    expect(() => recordActivity(there, task, 0)).toThrow(/use 'await recordActivityAsync\(\.\.\.\)' instead/);
    const before = async.reads();
    expect(await evaluateAsync(there, task, 'validation')).toEqual(expected);
    expect(async.reads() - before).toBe(2); // 300 rows: one read per 256
    expect((await recordActivityAsync(there, task, 0, { gates: true, samples: 2 })).arrays).toEqual(recorded.arrays);
  });

  it('prefetch: one read per storage, then synchronous reads from the host copy, views included', async () => {
    await setBackend('async-cpu');
    const t = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    const view = reshape(t, [3, 2]);
    expect(() => t.readSync()).toThrow(/cannot read synchronously; use 'await tensor.read\(\)', or 'await prefetch\(tensors\)'/);
    const before = async.reads();
    await prefetch([t, view, t]);
    expect(async.reads() - before).toBe(1);
    expect(Array.from(view.readSync())).toEqual([1, 2, 3, 4, 5, 6]);
    expect(t.toArray()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(async.reads() - before).toBe(1);
    t.dispose();
    view.dispose();
  });
});
