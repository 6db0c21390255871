import { normwiseError } from '@lstm/core/testing';
import { tensor, tidy, type DType, type LstmVariant } from '@lstm/core';
import { describe, expect, it } from 'vitest';
import { RecurrentLayer } from './recurrent.js';
import type { CellType } from './recurrent-types.js';
import { loadStateDict } from './state-dict.js';

/** One PyTorch golden fixture (tooling/fixtures/generate.py). */
export interface Fixture {
  name: string;
  config: {
    cell: CellType;
    nonlinearity: 'tanh' | 'relu';
    /** LSTM variant fixtures (tooling/fixtures/lstm_variants.py): the variant and its pinned gates. */
    variant?: LstmVariant;
    pin?: Record<string, number>;
    inputSize: number;
    hiddenSize: number;
    numLayers: number;
    bidirectional: boolean;
    batch: number;
    steps: number;
  };
  lengths: number[] | null;
  inputs: { x: number[]; h0: number[] | null; c0: number[] | null };
  probe: { output: number[]; h: number[]; c: number[] | null };
  parameters: Record<string, { shape: number[]; values: number[] }>;
  outputs: { output: number[]; h: number[]; c: number[] | null };
  gradients: { x: number[]; h0: number[] | null; c0: number[] | null; parameters: Record<string, number[]> };
}

export function describePytorchFixtures(
  label: string,
  fixtures: readonly Fixture[],
  dtypes: readonly DType[],
  bound: Record<DType, number>,
): void {
  describe(`layers match PyTorch golden fixtures (tooling/fixtures/generate.py) on ${label}`, () => {
    it('has the fixture grid: LSTM, GRU, RNN × 1–2 layers × uni/bi × state × lengths, and the LSTM variants', () => {
      expect(fixtures.length).toBeGreaterThanOrEqual(50);
      // Greff's variants, the coupled cell and pinned gates (tooling/fixtures/lstm_variants.py).
      const variants = new Set(fixtures.map((f) => f.config.variant).filter(Boolean));
      for (const variant of ['peephole', 'coupled', 'nig', 'nfg', 'nog', 'niaf', 'noaf', 'cifg', 'fgr'])
        expect(variants).toContain(variant);
      expect(fixtures.filter((f) => f.config.pin && Object.keys(f.config.pin).length > 0).length).toBeGreaterThanOrEqual(3);
    });

    for (const dtype of dtypes) {
      for (const fixture of fixtures) {
        it(`${fixture.name} (${dtype})`, () => {
          const { config } = fixture;
          const shape = [config.numLayers * (config.bidirectional ? 2 : 1), config.batch, config.hiddenSize];
          const layer = new RecurrentLayer(config.cell, {
            inputSize: config.inputSize,
            hiddenSize: config.hiddenSize,
            numLayers: config.numLayers,
            bidirectional: config.bidirectional,
            dtype,
            ...(config.cell === 'rnn' ? { nonlinearity: config.nonlinearity } : {}),
            ...(config.variant ? { variant: config.variant } : {}),
            ...(config.pin ? { pin: config.pin } : {}),
          });
          loadStateDict(layer, Object.fromEntries(Object.entries(fixture.parameters).map(([name, p]) => [name, p.values])));
          const errors: Record<string, number> = {};
          tidy(() => {
            const x = tensor(fixture.inputs.x, [config.batch, config.steps, config.inputSize], dtype);
            const initialState = fixture.inputs.h0
              ? { h: tensor(fixture.inputs.h0, shape, dtype), ...(fixture.inputs.c0 ? { c: tensor(fixture.inputs.c0, shape, dtype) } : {}) }
              : undefined;
            const forward = layer.forward(x, { initialState, lengths: fixture.lengths ?? undefined, training: true });
            errors.output = normwiseError(forward.output.readSync(), fixture.outputs.output);
            errors.h = normwiseError(forward.state.h.readSync(), fixture.outputs.h);
            if (fixture.outputs.c) errors.c = normwiseError(forward.state.c!.readSync(), fixture.outputs.c);
            const backward = layer.backward(forward.cache, {
              dOutput: tensor(fixture.probe.output, forward.output.shape, dtype),
              dState: {
                h: tensor(fixture.probe.h, shape, dtype),
                ...(fixture.probe.c ? { c: tensor(fixture.probe.c, shape, dtype) } : {}),
              },
            });
            errors.dx = normwiseError(backward.dx.readSync(), fixture.gradients.x);
            if (fixture.gradients.h0) errors.dh0 = normwiseError(backward.dInitialState.h.readSync(), fixture.gradients.h0);
            if (fixture.gradients.c0) errors.dc0 = normwiseError(backward.dInitialState.c!.readSync(), fixture.gradients.c0);
          });
          for (const p of layer.parameters())
            errors[`d${p.name}`] = normwiseError(p.grad!.readSync(), fixture.gradients.parameters[p.name]!);
          expect(Object.keys(errors).length).toBeGreaterThanOrEqual(3 + 4 * shape[0]!);
          for (const [name, error] of Object.entries(errors)) expect(error, name).toBeLessThanOrEqual(bound[dtype]);
          layer.dispose();
        });
      }
    }
  });
}
