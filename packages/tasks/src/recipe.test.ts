import { describe, expect, it } from 'vitest';
import { cellOf, hasForgetGate, modelOptions } from './recipe.js';

const classification = { objective: 'classification' as const, inputSize: 1, outputSize: 4 };
const language = { objective: 'language-model' as const, inputSize: 30, outputSize: 30 };

describe('one recipe for the models of lstm train and the playground (issue 23)', () => {
  it('names cells as the registry and the LSTM variants do', () => {
    expect(cellOf('gru')).toEqual({ cell: 'gru' });
    expect(cellOf('ln-lstm')).toEqual({ cell: 'ln-lstm' });
    expect(cellOf('cifg')).toEqual({ cell: 'lstm', variant: 'cifg' });
    expect(cellOf('lstm', 'nfg')).toEqual({ cell: 'lstm', variant: 'nfg' });
    expect(() => cellOf('peephole', 'nig')).toThrow("cell 'peephole' is the LSTM variant peephole");
    expect(() => cellOf('lstmm')).toThrow("unknown cell 'lstmm'");
  });

  it('sets a forget bias only where a forget gate has one', () => {
    expect(hasForgetGate({ cell: 'lstm' })).toBe(true);
    expect(hasForgetGate({ cell: 'cifg' })).toBe(true); // through the input gate: f = 1 − i
    expect(hasForgetGate({ cell: 'ln-lstm' })).toBe(true);
    expect(hasForgetGate({ cell: 'nfg' })).toBe(false);
    expect(hasForgetGate({ cell: 'lstm', pin: { f: 1 } })).toBe(false);
    expect(hasForgetGate({ cell: 'gru' })).toBe(false);
    const spec = { hidden: 8, layers: 1, seed: 1, forgetBias: 2 };
    expect(modelOptions(classification, { ...spec, cell: 'lstm' }).init).toEqual({ forgetBias: 2 });
    expect(modelOptions(classification, { ...spec, cell: 'nfg' }).init).toEqual({});
  });

  it('reads the readout off the objective, and keeps pins', () => {
    const spec = { cell: 'peephole', pin: { o: 1 }, hidden: 8, layers: 2, seed: 3 };
    expect(modelOptions(classification, spec)).toMatchObject({ cell: 'lstm', variant: 'peephole', pin: { o: 1 }, readout: 'last' });
    expect(modelOptions(language, { ...spec, pin: {} })).toMatchObject({ readout: 'all', numLayers: 2 });
    expect(modelOptions(language, { ...spec, pin: {} })).not.toHaveProperty('pin');
  });
});
