import { readFileSync, readdirSync } from 'node:fs';
import { Rng, tensor, tidy } from '@lstm/core';
import { numericGradient } from '@lstm/core/testing';
import { describe, expect, it } from 'vitest';
import { gradientFlow, preservationMetrics } from './gradient-flow.js';
import { GRU, LSTM, RNN } from './recurrent.js';
import { loadStateDict } from './state-dict.js';
import { useCpu } from './use-cpu.test-helper.js';

useCpu();

describe('gradientFlow: ‖∂L/∂x_t‖ for L = Σ h_T (article A3, spec E2c–d)', () => {
  const T = 6;
  const I = 2;
  const rng = Rng.derive(4, 'data');
  const x0 = Float64Array.from({ length: T * I }, () => rng.normal());
  for (const [name, make] of [
    ['LSTM', () => new LSTM({ inputSize: I, hiddenSize: 3, numLayers: 2, dtype: 'float64', seed: 1 })],
    ['GRU', () => new GRU({ inputSize: I, hiddenSize: 3, dtype: 'float64', seed: 2 })],
    ['RNN', () => new RNN({ inputSize: I, hiddenSize: 3, dtype: 'float64', seed: 3 })],
  ] as const) {
    it(`${name}: equals central finite differences of L with respect to every input`, () => {
      const layer = make();
      const loss = (values: Float64Array) =>
        tidy(() => {
          const { state } = layer.forward(tensor(values, [1, T, I], 'float64'));
          const h = state.h.toArray();
          return h.slice(h.length - 3).reduce((a, b) => a + b, 0); // the last layer's h_T
        });
      const numeric = numericGradient(loss, x0);
      const expected = Array.from({ length: T }, (_, t) => Math.hypot(...numeric.slice(t * I, (t + 1) * I)));
      const flow = gradientFlow(layer, tensor(x0, [1, T, I], 'float64'));
      for (const [t, g] of flow.dx.entries()) expect(Math.abs(g - expected[t]!)).toBeLessThan(1e-7);
      expect(flow.dc !== undefined).toBe(name === 'LSTM');
      expect(layer.parameters().every((p) => p.grad === null)).toBe(true);
    });
  }

  it('summarises preservation: first/last ratio, coefficient of variation, effective range', () => {
    const metrics = preservationMetrics([0.01, 0.05, 0.2, 1]);
    expect(metrics.first_to_last_ratio).toBeCloseTo(0.01, 12);
    expect(metrics.effective_range).toBe(2);
    const mean = 1.26 / 4;
    const std = Math.sqrt([0.01, 0.05, 0.2, 1].reduce((a, g) => a + (g - mean) ** 2, 0) / 4);
    expect(metrics.coefficient_of_variation).toBeCloseTo(std / mean, 12);
  });
});

interface FlowFixture {
  cell: 'rnn' | 'gru' | 'lstm';
  input_size: number;
  hidden_size: number;
  steps: number;
  x: number[];
  weights: Record<string, number[]>;
  dx_norms: number[];
  dc_norms?: number[];
  dx_metrics: ReturnType<typeof preservationMetrics>;
  dc_metrics?: ReturnType<typeof preservationMetrics>;
}

describe('gradientFlow against PyTorch autograd (tooling/fixtures/gradient_flow.py)', () => {
  const directory = new URL('./__fixtures__/gradient-flow/', import.meta.url);
  const files = readdirSync(directory).filter((f) => f.endsWith('.json'));
  it('has the four fixtures', () => {
    expect(files.sort()).toEqual(['gru.json', 'lstm-default.json', 'lstm-forget-bias-2.json', 'rnn.json']);
  });
  const relative = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
  for (const file of files) {
    it(`${file}: per-step norms and preservation metrics equal PyTorch's to 1e-6`, () => {
      const f = JSON.parse(readFileSync(new URL(file, directory), 'utf8')) as FlowFixture;
      const Layer = { rnn: RNN, gru: GRU, lstm: LSTM }[f.cell];
      const layer = new Layer({ inputSize: f.input_size, hiddenSize: f.hidden_size, dtype: 'float64' });
      loadStateDict(layer, f.weights);
      const flow = gradientFlow(layer, tensor(f.x, [1, f.steps, f.input_size], 'float64'));
      flow.dx.forEach((g, t) => {
        expect(relative(g, f.dx_norms[t]!), `dx step ${t}`).toBeLessThan(1e-6);
      });
      const ours = preservationMetrics(flow.dx);
      expect(relative(ours.first_to_last_ratio, f.dx_metrics.first_to_last_ratio)).toBeLessThan(1e-6);
      expect(relative(ours.coefficient_of_variation, f.dx_metrics.coefficient_of_variation)).toBeLessThan(1e-6);
      expect(ours.effective_range).toBe(f.dx_metrics.effective_range);
      if (f.dc_norms) {
        flow.dc!.forEach((g, t) => {
          expect(relative(g, f.dc_norms![t]!), `dc step ${t}`).toBeLessThan(1e-6);
        });
        expect(preservationMetrics(flow.dc!).effective_range).toBe(f.dc_metrics!.effective_range);
      }
    });
  }
});
