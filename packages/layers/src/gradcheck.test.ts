import { tensor, tidy, type Tensor, Rng } from '@lstm/core';
import { compareGradients, numericGradient } from '@lstm/core/testing';
import { describe, expect, it } from 'vitest';
import { Embedding } from './embedding.js';
import { Linear } from './linear.js';
import { mse, softmaxCrossEntropy } from './losses.js';
import { RecurrentLayer } from './recurrent.js';
import { READOUTS, SequenceModel } from './sequence-model.js';
import { CELLS } from './cells/index.js';
import type { CellType, RecurrentLayerOptions } from './recurrent-types.js';
import { useCpu } from './use-cpu.test-helper.js';

useCpu();

const B = 2,
  T = 4,
  I = 3,
  H = 3;

/** Random probe weights so L = Σ output ⊙ r + Σ h_n ⊙ r_h (+ Σ c_n ⊙ r_c) touches every output. */
function probe(seed: number, size: number): Float64Array {
  const rng = new Rng(seed);
  return Float64Array.from({ length: size }, () => rng.uniform(-1, 1));
}

const dot = (t: Tensor, r: Float64Array) => Array.from(t.readSync()).reduce((s, v, i) => s + v * r[i]!, 0);

const STACKS: [string, CellType, Partial<RecurrentLayerOptions>][] = [
  ['peephole LSTM', 'lstm', { variant: 'peephole' }],
  ['CIFG LSTM (f = 1 − i, peepholes)', 'lstm', { variant: 'cifg' }],
  ['FGR LSTM (full gate recurrence, peepholes)', 'lstm', { variant: 'fgr' }],
  ['NOAF LSTM', 'lstm', { variant: 'noaf' }],
  ['LSTM with f pinned to 0.5 and o to 1', 'lstm', { pin: { f: 0.5, o: 1 } }],
  ['LayerNorm-LSTM (composed from ops)', 'ln-lstm', {}],
  ['coupled LSTM', 'lstm', { variant: 'coupled' }],
  ['standard LSTM', 'lstm', {}],
  ['GRU', 'gru', {}],
  ['hardSigmoid LSTM', 'lstm', { gateActivation: 'hardSigmoid' }],
  ['hardSigmoid GRU', 'gru', { gateActivation: 'hardSigmoid' }],
  ['relu RNN', 'rnn', { nonlinearity: 'relu' }],
];

describe('finite-difference gradient checks of whole stacks (float64, 2 layers, bidirectional, variable lengths)', () => {
  for (const [label, cell, extra] of STACKS) {
    it(label, () => {
      const layer = new RecurrentLayer(cell, {
        inputSize: I,
        hiddenSize: H,
        numLayers: 2,
        bidirectional: true,
        dtype: 'float64',
        seed: 3,
        ...extra,
      });
      if (extra.gateActivation === 'hardSigmoid')
        // Larger weights, so pre-activations reach both ranges where hardSigmoid clips (derivative 0).
        for (const p of layer.parameters())
          p.value = tensor(
            Float64Array.from(p.value.readSync(), (v) => 4 * v),
            p.shape,
            'float64',
          );
      const stateShape = [4, B, H];
      const values = { x: probe(1, B * T * I), h0: probe(2, 4 * B * H), c0: probe(4, 4 * B * H) };
      const r = { out: probe(5, B * T * 2 * H), h: probe(6, 4 * B * H), c: probe(7, 4 * B * H) };
      const lengths = [4, 2];
      const loss = (x: Float64Array, h0: Float64Array, c0: Float64Array) =>
        tidy(() => {
          const initialState = {
            h: tensor(h0, stateShape, 'float64'),
            ...(CELLS[cell].hasCellState ? { c: tensor(c0, stateShape, 'float64') } : {}),
          };
          const { output, state } = layer.forward(tensor(x, [B, T, I], 'float64'), { initialState, lengths });
          return dot(output, r.out) + dot(state.h, r.h) + (state.c ? dot(state.c, r.c) : 0);
        });
      const analytic = tidy(() => {
        const initialState = {
          h: tensor(values.h0, stateShape, 'float64'),
          ...(CELLS[cell].hasCellState ? { c: tensor(values.c0, stateShape, 'float64') } : {}),
        };
        const forward = layer.forward(tensor(values.x, [B, T, I], 'float64'), { initialState, lengths, training: true });
        const grads = layer.backward(forward.cache, {
          dOutput: tensor(r.out, [B, T, 2 * H], 'float64'),
          dState: { h: tensor(r.h, stateShape, 'float64'), ...(CELLS[cell].hasCellState ? { c: tensor(r.c, stateShape, 'float64') } : {}) },
        });
        return { x: grads.dx.readSync(), h0: grads.dInitialState.h.readSync(), c0: grads.dInitialState.c?.readSync() };
      });
      const check = (name: string, a: ArrayLike<number>, n: Float64Array) =>
        expect(compareGradients(a, n).maxRelativeError, name).toBeLessThan(1e-6);
      check(
        'x',
        analytic.x,
        numericGradient((v) => loss(v, values.h0, values.c0), values.x, 1e-5),
      );
      check(
        'h0',
        analytic.h0,
        numericGradient((v) => loss(values.x, v, values.c0), values.h0, 1e-5),
      );
      if (CELLS[cell].hasCellState)
        check(
          'c0',
          analytic.c0!,
          numericGradient((v) => loss(values.x, values.h0, v), values.c0, 1e-5),
        );
      for (const p of layer.parameters()) {
        const original = p.value;
        const numeric = numericGradient(
          (v) => {
            p.value = tensor(v, p.shape, 'float64');
            const result = loss(values.x, values.h0, values.c0);
            p.value.dispose();
            return result;
          },
          Float64Array.from(original.readSync()),
          1e-5,
        );
        p.value = original;
        check(p.name, p.grad!.readSync(), numeric);
      }
      // Greff's variants are the peephole cell with one change: they keep its peepholes.
      expect(layer.parameters().some((p) => p.name === 'peephole_l1_reverse')).toBe(
        ['peephole', 'cifg', 'noaf', 'fgr'].includes(extra.variant ?? ''),
      );
      expect(layer.parameters().some((p) => p.name === 'weight_gg_l1_reverse')).toBe(extra.variant === 'fgr');
      layer.dispose();
    });
  }
});

describe('finite-difference gradient checks of SequenceModel readouts (float64, bidirectional, variable lengths)', () => {
  for (const readout of READOUTS) {
    it(readout, () => {
      const model = new SequenceModel({
        inputSize: I,
        hiddenSize: H,
        numLayers: 2,
        bidirectional: true,
        outputSize: 2,
        readout,
        dtype: 'float64',
        seed: 5,
      });
      const lengths = [4, 2];
      const x = probe(1, B * T * I);
      const r = probe(2, readout === 'all' ? B * T * 2 : B * 2);
      const loss = (values: Float64Array) => tidy(() => dot(model.forward(tensor(values, [B, T, I], 'float64'), { lengths }).output, r));
      const dx = tidy(() => {
        const { output, cache } = model.forward(tensor(x, [B, T, I], 'float64'), { lengths, training: true });
        return model.backward(tensor(r, output.shape, 'float64'), cache).dx.readSync();
      });
      expect(compareGradients(dx, numericGradient(loss, x, 1e-5)).maxRelativeError).toBeLessThan(1e-6);
      for (const p of model.parameters()) {
        const original = p.value;
        const numeric = numericGradient(
          (v) => {
            p.value = tensor(v, p.shape, 'float64');
            const result = loss(x);
            p.value.dispose();
            return result;
          },
          Float64Array.from(original.readSync()),
          1e-5,
        );
        p.value = original;
        expect(compareGradients(p.grad!.readSync(), numeric).maxRelativeError, p.name).toBeLessThan(1e-6);
      }
    });
  }
});

describe('gradient checks of Linear, Embedding and the losses (float64)', () => {
  it('Linear on [B, T, in] inputs', () => {
    const linear = new Linear({ inputSize: 3, outputSize: 2, dtype: 'float64', seed: 1 });
    const x = probe(8, 2 * 4 * 3),
      r = probe(9, 2 * 4 * 2);
    const loss = (v: Float64Array) => tidy(() => dot(linear.forward(tensor(v, [2, 4, 3], 'float64')).output, r));
    const dx = tidy(() => {
      const { output, input } = linear.forward(tensor(x, [2, 4, 3], 'float64'));
      return linear.backward(tensor(r, output.shape, 'float64'), input).readSync();
    });
    expect(compareGradients(dx, numericGradient(loss, x)).maxRelativeError).toBeLessThan(1e-6);
    const w = Float64Array.from(linear.weight.value.readSync());
    const numericW = numericGradient((v) => {
      const original = linear.weight.value;
      linear.weight.value = tensor(v, [2, 3], 'float64');
      const result = loss(x);
      linear.weight.value.dispose();
      linear.weight.value = original;
      return result;
    }, w);
    expect(compareGradients(linear.weight.grad!.readSync(), numericW).maxRelativeError).toBeLessThan(1e-6);
  });

  it('Embedding accumulates repeated indices', () => {
    const embedding = new Embedding({ numEmbeddings: 4, embeddingDim: 2, dtype: 'float64', seed: 2 });
    tidy(() => embedding.backward(tensor([1, 1, 2, 2, 3, 3], [3, 2], 'float64'), [2, 0, 2]));
    expect(Array.from(embedding.weight.grad!.readSync())).toEqual([2, 2, 0, 0, 4, 4, 0, 0]);
  });

  it('softmax cross-entropy: known value and finite differences', () => {
    tidy(() => {
      const { loss } = softmaxCrossEntropy(tensor([[1, 2, 3]], undefined, 'float64'), [2]);
      expect(loss.readSync()[0]).toBeCloseTo(-Math.log(Math.exp(3) / (Math.exp(1) + Math.exp(2) + Math.exp(3))), 12);
    });
    tidy(() => {
      // The stable form: logits of 1000 must not overflow exp().
      const { loss, grad } = softmaxCrossEntropy(
        tensor(
          [
            [1000, 0],
            [0, 1000],
          ],
          undefined,
          'float64',
        ),
        [0, 0],
      );
      expect(loss.readSync()[0]).toBeCloseTo(500, 9);
      expect(Array.from(grad.readSync()).every(Number.isFinite)).toBe(true);
    });
    const logits = probe(10, 4 * 5).map((v) => v * 4);
    const targets = [0, 4, 2, 2];
    const analytic = tidy(() => softmaxCrossEntropy(tensor(logits, [4, 5], 'float64'), targets).grad.readSync());
    const numeric = numericGradient(
      (v) => tidy(() => softmaxCrossEntropy(tensor(v, [4, 5], 'float64'), targets).loss.readSync()[0]!),
      logits,
    );
    expect(compareGradients(analytic, numeric).maxRelativeError).toBeLessThan(1e-6);
  });

  it('MSE: value and gradient', () => {
    const p = probe(11, 6),
      t = probe(12, 6);
    tidy(() => {
      const { loss, grad } = mse(tensor(p, [2, 3], 'float64'), tensor(t, [2, 3], 'float64'));
      expect(loss.readSync()[0]).toBeCloseTo(p.reduce((s, v, i) => s + (v - t[i]!) ** 2, 0) / 6, 12);
      const numeric = numericGradient(
        (v) => tidy(() => mse(tensor(v, [2, 3], 'float64'), tensor(t, [2, 3], 'float64')).loss.readSync()[0]!),
        p,
      );
      expect(compareGradients(grad.readSync(), numeric).maxRelativeError).toBeLessThan(1e-6);
    });
  });
});
