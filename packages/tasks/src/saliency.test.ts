import { registerBackend, setBackendSync, tensor, tidy } from '@lstm/core';
import { cpu } from '@lstm/backend-cpu';
import { numericGradient } from '@lstm/core/testing';
import { SequenceModel } from '@lstm/layers';
import { describe, expect, it } from 'vitest';
import { saliency } from './saliency.js';
import { oneHot } from './text.js';

registerBackend(cpu());
setBackendSync('cpu');

describe('saliency: |∂ log p(next) / ∂ x_t| (article A4, spec E3)', () => {
  for (const cell of ['lstm', 'rnn'] as const) {
    it(`${cell}: equals central finite differences on a small float64 model`, () => {
      const V = 5;
      const model = new SequenceModel({ cell, inputSize: V, hiddenSize: 4, outputSize: V, readout: 'all', dtype: 'float64', seed: 7 });
      const tokens = Int32Array.from([0, 3, 1, 4, 2, 2, 1]);
      const position = 5;
      const result = saliency(model, tokens, position, V);
      expect(result.values).toHaveLength(position + 1);
      const logProbability = (values: Float64Array) =>
        tidy(() => {
          const logits = model
            .forward(tensor(values, [1, position + 1, V], 'float64'))
            .output.readSync()
            .subarray(position * V);
          const top = Math.max(...logits);
          return logits[result.predicted]! - top - Math.log(Array.from(logits).reduce((a, l) => a + Math.exp(l - top), 0));
        });
      const numeric = numericGradient(logProbability, Float64Array.from(oneHot(tokens.subarray(0, position + 1), V)));
      for (let t = 0; t <= position; t++) {
        const expected = Math.hypot(...numeric.slice(t * V, (t + 1) * V));
        expect(Math.abs(result.values[t]! - expected)).toBeLessThan(1e-7);
      }
      expect(result.probability).toBeGreaterThan(0);
      expect(model.parameters().every((p) => p.grad === null)).toBe(true);
    });
  }
});
