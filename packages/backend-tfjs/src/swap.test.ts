import { cpu } from '@lstm/backend-cpu';
import { BackendError, registerBackend, setBackend } from '@lstm/core';
import { SequenceModel } from '@lstm/layers';
import { Adam } from '@lstm/optim';
import { Trainer, firstLast } from '@lstm/tasks';
import { beforeAll, describe, expect, it } from 'vitest';
import { tfjs } from './index.js';

const task = () => firstLast({ steps: 8, trainSize: 128, validationSize: 64, testSize: 64, seed: 3 });
const model = (dtype: 'float32' | 'float64' = 'float32') =>
  new SequenceModel({ inputSize: 1, hiddenSize: 16, outputSize: 4, seed: 7, dtype, init: { forgetBias: 1 } });
const trainer = (m: SequenceModel, epochs: number) =>
  new Trainer(m, task(), { epochs, batchSize: 32, clip: 1, optimizer: new Adam(m.parameters(), { lr: 1e-2 }), evaluateTest: false });

beforeAll(() => {
  registerBackend(cpu());
  registerBackend(tfjs({ backend: 'wasm' }));
  registerBackend(tfjs({ backend: 'cpu' }));
});

describe('a run moves between backends mid-training (Trainer.to)', () => {
  it('cpu → tfjs-wasm → tfjs-cpu → cpu follows the all-cpu loss curve to float32 tolerance', async () => {
    await setBackend('cpu');
    const reference = await trainer(model(), 8).fit();

    await setBackend('cpu');
    const moving = trainer(model(), 8);
    const legs: [string, number][] = [
      ['cpu', 2],
      ['tfjs-wasm', 4],
      ['tfjs-cpu', 6],
      ['cpu', 8],
    ];
    for (const [backend, until] of legs) {
      await moving.to(backend);
      moving.options.epochs = until;
      await moving.fit();
      expect(moving.model.parameters()[0]!.value.data.backend.name).toBe(backend);
    }
    expect(moving.history).toHaveLength(8);
    moving.history.forEach((record, e) => {
      const expected = reference.history[e]!;
      for (const key of ['train_loss', 'validation_loss'] as const) {
        expect(Math.abs(record[key]! - expected[key]!) / expected[key]!, `epoch ${e + 1} ${key}`).toBeLessThan(2e-4);
      }
    });
  });

  it('refuses to move a float64 model to tfjs in one line, and leaves it whole on cpu', async () => {
    await setBackend('cpu');
    const m = model('float64');
    const run = trainer(m, 1);
    await run.fit();
    const before = m.parameters().map((p) => Array.from(p.value.readSync()));
    const error = await run.to('tfjs-wasm').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect((error as Error).message).toMatch(
      /^cannot move a float64 tensor to backend 'tfjs-wasm', which stores float32 only; .*@lstm\/backend-cpu/,
    );
    expect(m.parameters().every((p) => p.value.data.backend.name === 'cpu')).toBe(true);
    expect(m.parameters().map((p) => Array.from(p.value.readSync()))).toEqual(before);
  });
});
