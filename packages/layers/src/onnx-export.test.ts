import { Rng, tensor, tidy } from '@lstm/core';
import { normwiseError } from '@lstm/core/testing';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { exportOnnx } from './onnx-export.js';
import { importOnnx } from './onnx-import.js';
import { SequenceModel, type SequenceModelOptions } from './sequence-model.js';
import { useCpu } from './use-cpu.test-helper.js';

useCpu();

/** Our ONNX export run by onnxruntime (a runtime we did not write) against our own forward (issue 13). */
const B = 3;
const T = 6;
const I = 4;
const cases: [string, Partial<SequenceModelOptions>, number[] | null][] = [
  ['LSTM, 2 layers, bidirectional, padded batch, last', { cell: 'lstm', numLayers: 2, bidirectional: true }, [6, 3, 5]],
  ['LSTM, every step', { cell: 'lstm', readout: 'all' }, null],
  ['LSTM with peepholes', { cell: 'lstm', variant: 'peephole' }, [6, 2, 4]],
  // Greff's CIFG (f = 1 − i) as ONNX's input_forget = 1: onnxruntime, not we, says what that means.
  [
    'CIFG LSTM (input_forget), 2 layers, bidirectional, padded batch',
    { cell: 'lstm', variant: 'cifg', numLayers: 2, bidirectional: true },
    [6, 2, 4],
  ],
  ['CIFG LSTM, hardSigmoid gates, every step', { cell: 'lstm', variant: 'cifg', gateActivation: 'hardSigmoid', readout: 'all' }, null],
  ['GRU, bidirectional, padded batch, every step', { cell: 'gru', bidirectional: true, readout: 'all' }, [6, 3, 5]],
  ['GRU, 2 layers, last', { cell: 'gru', numLayers: 2 }, null],
  ['RNN tanh, 2 layers', { cell: 'rnn', numLayers: 2 }, [2, 6, 4]],
  ['RNN relu, bidirectional', { cell: 'rnn', nonlinearity: 'relu', bidirectional: true }, null],
  [
    'LSTM, bidirectional, padded batch, last-output',
    { cell: 'lstm', bidirectional: true, numLayers: 2, readout: 'last-output' },
    [6, 3, 5],
  ],
  ['GRU, bidirectional, last-output', { cell: 'gru', bidirectional: true, readout: 'last-output' }, null],
  [
    'hardSigmoid LSTM, 2 layers, bidirectional',
    { cell: 'lstm', gateActivation: 'hardSigmoid', numLayers: 2, bidirectional: true },
    [6, 3, 5],
  ],
  ['hardSigmoid GRU, every step', { cell: 'gru', gateActivation: 'hardSigmoid', readout: 'all' }, null],
];

describe('ONNX export, run by onnxruntime-node', () => {
  for (const [name, options, lengths] of cases) {
    it(`${name}: onnxruntime computes our outputs to 1e-5`, async () => {
      const model = new SequenceModel({ inputSize: I, hiddenSize: 5, outputSize: 3, seed: 11, ...options } as SequenceModelOptions);
      const rng = Rng.derive(12, 'data');
      const x = Float32Array.from({ length: B * T * I }, () => rng.normal());
      const rows = lengths ?? [T, T, T];
      const ours = tidy(() => model.forward(tensor(x, [B, T, I]), lengths ? { lengths } : {}).output.readSync());
      const session = await ort.InferenceSession.create(exportOnnx(model));
      const result = await session.run({
        input: new ort.Tensor('float32', x, [B, T, I]),
        sequence_lens: new ort.Tensor('int32', Int32Array.from(rows), [B]),
      });
      const theirs = result.output!.data as Float32Array;
      expect(theirs.length).toBe(ours.length);
      // At padded steps both give the head's bias (y = 0 there), so the whole output compares.
      expect(normwiseError(theirs, Array.from(ours))).toBeLessThan(1e-5);
    });
  }

  it('a float64 model exports as an exact DOUBLE graph (it imports back equal); float32, asked for, runs in onnxruntime', async () => {
    const model = new SequenceModel({
      cell: 'lstm',
      bidirectional: true,
      inputSize: I,
      hiddenSize: 5,
      outputSize: 3,
      dtype: 'float64',
      seed: 13,
    });
    const rng = Rng.derive(14, 'data');
    const x = Float64Array.from({ length: B * T * I }, () => rng.normal());
    const ours = tidy(() => model.forward(tensor(x, [B, T, I], 'float64')).output.readSync());
    const wide = exportOnnx(model);
    const back = importOnnx(wide, { output: 'classes' }).model;
    expect(back.rnn.dtype).toBe('float64');
    for (const [k, p] of back.parameters().entries())
      expect(Array.from(p.value.readSync())).toEqual(Array.from(model.parameters()[k]!.value.readSync()));
    // onnxruntime's LSTM kernel runs float32 only ("does not support double yet"): the rounded graph, on request.
    const session = await ort.InferenceSession.create(exportOnnx(model, '0', { float32: true }));
    const result = await session.run({
      input: new ort.Tensor('float32', Float32Array.from(x), [B, T, I]),
      sequence_lens: new ort.Tensor('int32', Int32Array.from([T, T, T]), [B]),
    });
    expect(normwiseError(result.output!.data as Float32Array, Array.from(ours))).toBeLessThan(1e-5);
  });

  it('imports CIFG back from input_forget = 1 as the cifg variant: the same parameters, bit for bit, and outputs', () => {
    for (const options of [
      { numLayers: 2, bidirectional: true },
      { gateActivation: 'hardSigmoid' as const, readout: 'all' as const },
    ]) {
      const model = new SequenceModel({ cell: 'lstm', variant: 'cifg', inputSize: I, hiddenSize: 5, outputSize: 3, seed: 15, ...options });
      const back = importOnnx(exportOnnx(model), { output: 'classes' }).model;
      expect(back.rnn.variant).toBe('cifg');
      expect(back.parameters().map((p) => p.name)).toEqual(model.parameters().map((p) => p.name));
      for (const [k, p] of back.parameters().entries())
        expect(Array.from(p.value.readSync()), p.name).toEqual(Array.from(model.parameters()[k]!.value.readSync()));
    }
  });

  it('refuses every LSTM form its LSTM operator cannot express: coupled, Greff variants, pinned gates', () => {
    const cases = [
      [{ variant: 'coupled' }, /cannot express the coupled LSTM;/],
      [{ variant: 'nig' }, /cannot express the nig LSTM;/],
      [{ variant: 'cifg', pin: { o: 1 } }, /cannot express the cifg LSTM with o pinned to 1;/],
      [{ variant: 'niaf' }, /cannot express the niaf LSTM;/],
      [{ variant: 'noaf' }, /cannot express the noaf LSTM;/],
      [{ pin: { f: 1 } }, /cannot express the standard LSTM with f pinned to 1;/],
      [{ variant: 'peephole', pin: { o: 0.5 } }, /cannot express the peephole LSTM with o pinned to 0.5;/],
    ] as const;
    for (const [options, message] of cases) {
      const model = new SequenceModel({ cell: 'lstm', ...options, inputSize: I, hiddenSize: 5, outputSize: 3 });
      expect(() => exportOnnx(model)).toThrow(message);
    }
    // Greff's vanilla and NP are the peephole and standard cells: they export.
    for (const variant of ['vanilla', 'np'] as const) {
      expect(exportOnnx(new SequenceModel({ cell: 'lstm', variant, inputSize: I, hiddenSize: 5, outputSize: 3 })).length).toBeGreaterThan(
        0,
      );
    }
  });
});
