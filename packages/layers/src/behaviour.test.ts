import { configure, listBackends, memory, setBackend, tensor, tidy, type Tensor } from '@lstm/core';
import { describe, expect, it } from 'vitest';
import { softmaxCrossEntropy } from './losses.js';
import { parameterCount } from './parameter.js';
import { GRU, LSTM, RNN, type RecurrentLayer } from './recurrent.js';
import { SequenceClassifier } from './sequence-classifier.js';
import { useCpu } from './use-cpu.test-helper.js';

useCpu();

const bits = (t: Tensor) => Array.from(new Uint32Array(Float32Array.from(t.readSync()).buffer));

function sequence(B: number, T: number, I: number, seed = 1): Tensor {
  return tensor(
    Array.from({ length: B * T * I }, (_, k) => Math.sin(k * 0.37 + seed)),
    [B, T, I],
  );
}

describe('streaming', () => {
  for (const [label, make] of [
    ['LSTM', () => new LSTM({ inputSize: 3, hiddenSize: 5, numLayers: 2, seed: 1 })],
    ['peephole LSTM', () => new LSTM({ inputSize: 3, hiddenSize: 5, numLayers: 2, variant: 'peephole', seed: 1 })],
    ['GRU', () => new GRU({ inputSize: 3, hiddenSize: 5, numLayers: 2, seed: 1 })],
    ['RNN', () => new RNN({ inputSize: 3, hiddenSize: 5, seed: 1 })],
  ] as [string, () => RecurrentLayer][]) {
    it(`${label}: step by step equals the whole-sequence pass, and a saved state resumes exactly`, () => {
      const layer = make();
      const T = 6;
      const x = sequence(2, T, 3);
      const whole = layer.forward(x);
      const expected = whole.output.readSync();
      const values = x.readSync();
      const stream = layer.stream({ batch: 2 });
      const before = memory().numTensors;
      let resumed: ReturnType<RecurrentLayer['stream']> | null = null;
      for (let t = 0; t < T; t++) {
        const input = [0, 1].flatMap((b) => Array.from(values.subarray((b * T + t) * 3, (b * T + t) * 3 + 3)));
        const active = resumed ?? stream;
        const y = active.step(input).readSync();
        for (let b = 0; b < 2; b++) for (let j = 0; j < 5; j++) expect(y[b * 5 + j]).toBeCloseTo(expected[(b * T + t) * 5 + j]!, 6);
        if (t === 2) resumed = layer.stream({ state: JSON.parse(JSON.stringify(stream.state)) });
        expect(memory().numTensors).toBeLessThanOrEqual(before + (resumed ? 2 * layer.numLayers + t + 1 : t + 1));
      }
      const finalState = resumed!.state;
      expect(finalState.h.length).toBe(layer.numLayers * 2 * 5);
      const wholeH = whole.state.h.readSync();
      finalState.h.forEach((v, k) => {
        expect(v).toBeCloseTo(wholeH[k]!, 6);
      });
      stream.dispose();
      resumed!.dispose();
    });
  }

  it('keeps memory flat over many steps (O(1) per step)', () => {
    const stream = new LSTM({ inputSize: 2, hiddenSize: 4, seed: 1 }).stream();
    stream.step([0, 0]).dispose();
    const before = memory();
    for (let t = 0; t < 200; t++) stream.step([Math.sin(t), Math.cos(t)]).dispose();
    expect(memory()).toEqual(before);
  });

  it('refuses to stream a bidirectional layer', () => {
    expect(() => new LSTM({ inputSize: 2, hiddenSize: 4, bidirectional: true }).stream()).toThrow(/bidirectional layer reads the future/);
  });
});

describe('reproducibility', () => {
  it('the same seed gives bit-identical weights and dropout masks', () => {
    const run = (seed: number) =>
      tidy(() => {
        const model = new SequenceClassifier({ inputSize: 3, hiddenSize: 6, numLayers: 2, dropout: 0.3, numClasses: 3, seed });
        const { output: logits } = model.forward(sequence(4, 5, 3), { training: true });
        return [...model.parameters().flatMap((p) => bits(p.value)), ...bits(logits)];
      });
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
  });

  it('initialisers: orthogonal recurrent blocks, forget bias, PyTorch-default bounds', () => {
    const lstm = new LSTM({ inputSize: 4, hiddenSize: 8, seed: 3, init: { weightHh: 'orthogonal', weightIh: 'xavier', forgetBias: 2 } });
    const [weightIh, weightHh, biasIh, biasHh] = lstm.parameters().map((p) => p.value.readSync());
    for (let gate = 0; gate < 4; gate++) {
      for (let a = 0; a < 8; a++)
        for (let b = 0; b < 8; b++) {
          let dot = 0;
          for (let k = 0; k < 8; k++) dot += weightHh![(gate * 8 + k) * 8 + a]! * weightHh![(gate * 8 + k) * 8 + b]!;
          expect(dot).toBeCloseTo(a === b ? 1 : 0, 5);
        }
    }
    const xavier = Math.sqrt(6 / (4 + 32));
    expect(Math.max(...Array.from(weightIh!).map(Math.abs))).toBeLessThanOrEqual(xavier);
    for (let j = 8; j < 16; j++) expect(biasIh![j]! + biasHh![j]!).toBe(2);
    const plain = new GRU({ inputSize: 4, hiddenSize: 16, seed: 3 });
    expect(Math.max(...plain.parameters().flatMap((p) => Array.from(p.value.readSync()).map(Math.abs)))).toBeLessThanOrEqual(0.25);
  });

  it('counts parameters like PyTorch (E1 model: 2-layer LSTM, hidden 128, input 1, 4 classes)', () => {
    // PyTorch: LSTM(1, 128, 2) has 4·128·(1 + 128 + 2) + 4·128·(128 + 128 + 2) = 199,168; Linear(128, 2) adds 258.
    expect(parameterCount(new LSTM({ inputSize: 1, hiddenSize: 128, numLayers: 2 }))).toBe(199_168);
  });
});

describe('introspection', () => {
  it('records gates and cells per layer and direction only when asked', () => {
    const lstm = new LSTM({ inputSize: 2, hiddenSize: 3, numLayers: 2, bidirectional: true, seed: 2 });
    tidy(() => {
      const x = sequence(2, 4, 2);
      const quiet = lstm.forward(x);
      expect(quiet.trace).toBeUndefined();
      expect(quiet.cache).toBeUndefined();
      const { trace, cache } = lstm.forward(x, { record: true });
      expect(trace!.map((t) => `${t.layer}${t.direction}`)).toEqual(['0forward', '0reverse', '1forward', '1reverse']);
      expect(trace![0]!.gateNames).toEqual(['i', 'f', 'g', 'o']);
      expect(trace![0]!.gates!.shape).toEqual([2, 4, 12]);
      expect(trace![0]!.cells!.shape).toEqual([2, 4, 3]);
      const gates = trace![0]!.gates!.readSync();
      expect(Array.from(gates).every((g) => g >= -1 && g <= 1)).toBe(true);
      const { steps } = lstm.backward(cache, { dOutput: tensor(new Array(2 * 4 * 6).fill(1), [2, 4, 6]), record: true });
      expect(steps!.map((s) => `${s.layer}${s.direction}`)).toEqual(['0forward', '0reverse', '1forward', '1reverse']);
      expect(steps![0]!.dc!.shape).toEqual([2, 4, 3]);
      expect(steps![0]!.dx.shape).toEqual([2, 4, 2]);
      expect(steps![2]!.dx.shape).toEqual([2, 4, 6]);
    });
  });
});

describe('clear errors for bad input', () => {
  const lstm = new LSTM({ inputSize: 3, hiddenSize: 4, numLayers: 2 });
  it('wrong rank or feature size', () => {
    tidy(() => {
      expect(() => lstm.forward(tensor([1, 2, 3], [1, 3]))).toThrow(
        'LSTM input: expected shape [*, *, 3], got [1, 3]; inputs are [batch, time, features] with features = inputSize (3)',
      );
      expect(() => lstm.forward(sequence(2, 4, 5))).toThrow(/expected shape \[\*, \*, 3\], got \[2, 4, 5\]/);
    });
  });
  it('mismatched initial state', () => {
    tidy(() => {
      const bad = { h: tensor(new Array(2 * 3 * 4).fill(0), [2, 3, 4]), c: tensor(new Array(2 * 3 * 4).fill(0), [2, 3, 4]) };
      expect(() => lstm.forward(sequence(2, 4, 3), { initialState: bad })).toThrow(
        /initialState.h: expected shape \[2, 2, 4\], got \[2, 3, 4\]; states are \[numLayers·numDirections, batch, hiddenSize\]/,
      );
      expect(() => lstm.forward(sequence(2, 4, 3), { initialState: { h: tensor(new Array(16).fill(0), [2, 2, 4]) } })).toThrow(
        /needs both h and c/,
      );
    });
  });
  it('non-finite values while checking is on, accepted when it is off', () => {
    tidy(() => {
      const x = tensor([0, 1, Number.NaN, 0, 0, 0], [1, 2, 3]);
      expect(() => lstm.forward(x)).toThrow(
        'LSTM input: value NaN at flat index 2 is not finite; clean the data or turn the check off with configure({ checkFinite: false })',
      );
      configure({ checkFinite: false });
      try {
        expect(Number.isNaN(lstm.forward(x).output.readSync()[0]!)).toBe(true);
      } finally {
        configure({ checkFinite: true });
      }
    });
  });
  it('unknown options and out-of-range values', () => {
    expect(() => new LSTM({ inputSize: 3, hiddenSize: 4, hiden: 3 } as never)).toThrow(
      "LSTM: unknown option 'hiden'; expected one of inputSize, hiddenSize",
    );
    expect(() => new LSTM({ inputSize: 3, hiddenSize: 0 })).toThrow('LSTM: hiddenSize must be a positive integer, got 0');
    expect(() => new LSTM({ inputSize: 3, hiddenSize: 4, dropout: 1 })).toThrow('LSTM: dropout must be in [0, 1), got 1');
    expect(() => new GRU({ inputSize: 3, hiddenSize: 4, variant: 'peephole' })).toThrow(/'variant' applies to LSTMs only/);
    tidy(() =>
      expect(() => softmaxCrossEntropy(tensor([[1, 2]]), [2])).toThrow(
        'softmaxCrossEntropy: target 2 at row 0 is not a class index in [0, 1]',
      ),
    );
  });
  it('an unknown backend lists the registered ones', async () => {
    await expect(setBackend('webgpu')).rejects.toThrow(`unknown backend 'webgpu'; registered backends: ${listBackends().join(', ')}`);
  });
  it('backward without a training forward', () => {
    expect(() => lstm.backward(undefined)).toThrow('LSTM backward: no cache; run forward with { training: true } first');
  });
});
