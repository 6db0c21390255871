import { cpu } from '@lstm/backend-cpu';
import { registerBackend, setBackend } from '@lstm/core';
import { SequenceModel } from '@lstm/layers';
import { Adam } from '@lstm/optim';
import { Trainer, firstLast } from '@lstm/tasks';
import { beforeAll, describe, expect, it } from 'vitest';
import { webgpu, webgpuStats } from '../index.js';

const task = () => firstLast({ steps: 8, trainSize: 128, validationSize: 64, testSize: 64, seed: 3 });
const model = () => new SequenceModel({ inputSize: 1, hiddenSize: 16, outputSize: 4, seed: 7, init: { forgetBias: 1 } });
const trainer = (m: SequenceModel, epochs: number) =>
  new Trainer(m, task(), { epochs, batchSize: 32, clip: 1, optimizer: new Adam(m.parameters(), { lr: 1e-2 }), evaluateTest: false });

beforeAll(() => {
  registerBackend(cpu());
  registerBackend(webgpu());
});

describe('trainer.to("webgpu") mid-training, in a real browser (issue 25)', () => {
  it('cpu → webgpu → cpu continues the run: the all-cpu loss curve to float32 tolerance, one read per step on the GPU', async () => {
    await setBackend('cpu');
    const reference = await trainer(model(), 6).fit();

    await setBackend('cpu');
    const moving = trainer(model(), 6);
    const legs: [string, number][] = [
      ['cpu', 2],
      ['webgpu', 4],
      ['cpu', 6],
    ];
    for (const [backend, until] of legs) {
      await moving.to(backend);
      moving.options.epochs = until;
      const gpu = backend === 'webgpu' ? await setBackend('webgpu') : null;
      const reads: { epoch: number; reads: number }[] = [];
      moving.options.onProgress = (p) => {
        if (gpu) reads.push({ epoch: p.epoch, reads: webgpuStats(gpu).reads });
      };
      await moving.fit();
      expect(moving.model.parameters()[0]!.value.data.backend.name).toBe(backend);
      if (gpu) {
        // Between two steps of an epoch, exactly one read: the step's summary.
        const perStep = reads.slice(1).flatMap((r, i) => (r.epoch === reads[i]!.epoch ? [r.reads - reads[i]!.reads] : []));
        expect(perStep).toEqual([1, 1, 1, 1, 1, 1]);
      }
    }
    expect(moving.history).toHaveLength(6);
    moving.history.forEach((record, e) => {
      const expected = reference.history[e]!;
      for (const key of ['train_loss', 'validation_loss'] as const) {
        expect(Math.abs(record[key]! - expected[key]!) / expected[key]!, `epoch ${e + 1} ${key}`).toBeLessThan(2e-4);
      }
    });
  });
});
