import { registerBackend, setBackendSync } from '@lstm/core';
import { cpu } from '@lstm/backend-cpu';
import { describe, expect, it } from 'vitest';
import { architectureOf, decodeModel, encodeModel, storedName } from './model-file.js';
import { expectedTensors } from './model-schema.js';
import { ModelFileError, decodeSafetensors, encodeSafetensors } from './safetensors.js';
import { SequenceModel, type SequenceModelOptions } from './sequence-model.js';

registerBackend(cpu());
setBackendSync('cpu');

const base: SequenceModelOptions = { cell: 'lstm', inputSize: 3, hiddenSize: 4, outputSize: 2 };

/** A real model file whose `lstm.architecture` is replaced by `architecture` (tensors kept). */
function claiming(architecture: unknown, options: SequenceModelOptions = base): Uint8Array {
  const file = decodeSafetensors(encodeModel(new SequenceModel(options), {}, 'test'));
  return encodeSafetensors(file.tensors, { ...file.metadata, 'lstm.architecture': JSON.stringify(architecture) });
}

describe('model files are checked against their own claims before anything is built (issue 9)', () => {
  it('computes the tensors of every architecture exactly as the layers build them', () => {
    const variants: SequenceModelOptions[] = [
      base,
      { ...base, cell: 'gru', numLayers: 3, bidirectional: true, readout: 'all' },
      { ...base, cell: 'rnn', nonlinearity: 'relu', numLayers: 2 },
      { ...base, variant: 'peephole', numLayers: 2, bidirectional: true },
      { ...base, variant: 'coupled', dtype: 'float64' },
    ];
    for (const options of variants) {
      const model = new SequenceModel(options);
      const built = new Map(model.parameters().map((p) => [storedName(p.name), [...p.shape]]));
      expect(expectedTensors(architectureOf(model))).toEqual(built);
    }
  });

  it('refuses a 1 KB file claiming a huge model at once, allocating nothing for it', () => {
    const huge = { ...architectureOf(new SequenceModel(base)), hiddenSize: 60_000, numLayers: 64 };
    const bytes = claiming(huge);
    const before = process.memoryUsage().arrayBuffers;
    const started = performance.now();
    expect(() => decodeModel(bytes)).toThrow(/tensor 'rnn.weight_ih_l0' has shape \[16, 3\], the architecture needs \[240000, 3\]/);
    expect(performance.now() - started).toBeLessThan(100);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(1 << 20);
    expect(bytes.length).toBeLessThan(2048);
  });

  const valid = architectureOf(new SequenceModel(base));
  const cases: [string, unknown, RegExp][] = [
    ['an unknown field', { ...valid, extra: 1 }, /field 'extra'/],
    ['a mistyped field', { ...valid, hiddenSize: '4' }, /field 'hiddenSize': Invalid type: Expected number/],
    ['a fractional size', { ...valid, inputSize: 2.5 }, /field 'inputSize'/],
    ['a negative size', { ...valid, numLayers: -1 }, /field 'numLayers'/],
    ['a size past the limits', { ...valid, hiddenSize: 1e9 }, /field 'hiddenSize'/],
    ['an unknown cell', { ...valid, cell: 'transformer' }, /field 'cell'/],
    ['a dropout above 1', { ...valid, dropout: 2 }, /field 'dropout'/],
    ['a missing field', { ...valid, readout: undefined }, /field 'readout'/],
    ['not an object', [1, 2], /metadata 'lstm.architecture'/],
    ['a float64 claim over float32 tensors', { ...valid, dtype: 'float64' }, /is F32, the architecture says float64/],
    ['a variant on a GRU', { ...valid, cell: 'gru', variant: 'peephole' }, /tensor .* has shape|architecture is invalid/],
  ];
  for (const [name, architecture, message] of cases) {
    it(`refuses ${name} with one typed error`, () => {
      let error: unknown;
      try {
        decodeModel(claiming(architecture));
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ModelFileError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain('\n');
    });
  }
});

describe('safetensors headers that name a tensor twice', () => {
  it('are refused (JSON.parse would silently keep the last one)', () => {
    const entry = '{"dtype":"F32","shape":[1],"data_offsets":[0,4]}';
    const text = new TextEncoder().encode(`{"a":${entry},"a":${entry}}`);
    const bytes = new Uint8Array(8 + text.length + 4);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(text.length), true);
    bytes.set(text, 8);
    expect(() => decodeSafetensors(bytes)).toThrow(/names "a" twice/);
    expect(() => decodeSafetensors(bytes)).toThrow(ModelFileError);
  });
});
