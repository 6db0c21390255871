import { registerBackend, setBackendSync, tensor } from '@lstm/core';
import { cpu } from '@lstm/backend-cpu';
import { describe, expect, it } from 'vitest';
import { decodeModel, encodeModel } from './model-file.js';
import { decodeSafetensors, encodeSafetensors, ModelFileError } from './safetensors.js';
import { SequenceModel } from './sequence-model.js';

registerBackend(cpu());
setBackendSync('cpu');

const model = () =>
  new SequenceModel({ cell: 'lstm', inputSize: 3, hiddenSize: 5, numLayers: 2, bidirectional: true, dropout: 0.2, outputSize: 4, seed: 7 });
const header = (bytes: Uint8Array) => Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));

/** A valid file with its JSON header replaced (the data section kept). */
// biome-ignore lint/suspicious/noExplicitAny: the cases edit arbitrary header JSON, valid or not
function withHeader(bytes: Uint8Array, edit: (h: Record<string, any>) => void, data = bytes.subarray(8 + header(bytes))): Uint8Array {
  const json = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + header(bytes))));
  edit(json);
  const text = new TextEncoder().encode(JSON.stringify(json));
  const out = new Uint8Array(8 + text.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
  out.set(text, 8);
  out.set(data, 8 + text.length);
  return out;
}

describe('safetensors container', () => {
  it('round-trips F32 and F64 tensors and string metadata, 8-byte aligned', () => {
    const bytes = encodeSafetensors(
      {
        b: { dtype: 'F64', shape: [2], data: Float64Array.of(Math.PI, -1e-300) },
        a: { dtype: 'F32', shape: [2, 2], data: Float32Array.of(1, 2.5, -3, 0) },
      },
      { note: 'hello' },
    );
    expect((8 + header(bytes)) % 8).toBe(0);
    const file = decodeSafetensors(bytes);
    expect(file.metadata).toEqual({ note: 'hello' });
    expect(Array.from(file.tensors.a!.data)).toEqual([1, 2.5, -3, 0]);
    expect(Array.from(file.tensors.b!.data)).toEqual([Math.PI, -1e-300]);
    expect(file.tensors.b!.shape).toEqual([2]);
  });

  const valid = encodeSafetensors({
    a: { dtype: 'F32', shape: [2, 2], data: Float32Array.of(1, 2, 3, 4) },
    b: { dtype: 'F32', shape: [3], data: Float32Array.of(5, 6, 7) },
  });
  const cases: [string, () => Uint8Array, RegExp][] = [
    ['an empty file', () => new Uint8Array(0), /the file is empty/],
    ['a truncated file', () => valid.subarray(0, valid.length - 5), /bytes trail|spans bytes/],
    [
      'a header length past the end',
      () => {
        const b = valid.slice();
        new DataView(b.buffer).setBigUint64(0, 1n << 40n, true);
        return b;
      },
      /header claims 1099511627776 bytes/,
    ],
    [
      'a header that is not JSON',
      () => {
        const b = valid.slice();
        b[9] = 0x7b;
        b[10] = 0x7b;
        return b;
      },
      /not valid UTF-8 JSON/,
    ],
    [
      'a header that is a list',
      () =>
        withHeader(
          valid,
          (h) =>
            Object.keys(h).forEach((k) => {
              delete h[k];
            }),
          new Uint8Array(0),
        )
          .fill(0x5b, 8, 9)
          .fill(0x5d, 9, 10),
      /not a JSON object/,
    ],
    ['an unknown dtype', () => withHeader(valid, (h) => (h.a.dtype = 'F31')), /unknown dtype "F31"/],
    [
      'a dtype @lstm does not read',
      () => withHeader(valid, (h) => (h.a.dtype = 'I64')),
      /is I64, a dtype @lstm does not read \(it reads F32, F64, and F16 and BF16 widened to float32\)/,
    ],
    [
      'overlapping offsets',
      () =>
        withHeader(valid, (h) => {
          h.b.data_offsets = [8, 20];
          h.a.data_offsets = [0, 16];
        }),
      /overlaps/,
    ],
    [
      'out-of-range offsets',
      () => withHeader(valid, (h) => (h.b.data_offsets = [16, 4000])),
      /spans bytes \[16, 4000\) but the data section has 28/,
    ],
    [
      'offsets that disagree with the shape',
      () => withHeader(valid, (h) => (h.a.shape = [2, 3])),
      /shape \[2, 3\] \(6 values\) but 16 bytes/,
    ],
    ['a negative shape', () => withHeader(valid, (h) => (h.a.shape = [-4])), /invalid shape \[-4\]/],
    ['a gap between tensors', () => withHeader(valid, (h) => (h.b.data_offsets = [20, 32]), new Uint8Array(32)), /gap of 4 bytes/],
    ['metadata that is not strings', () => withHeader(valid, (h) => (h.__metadata__ = { n: 1 })), /__metadata__.n is not a string/],
  ];
  for (const [name, make, message] of cases) {
    it(`rejects ${name} with a clear error`, () => {
      expect(() => decodeSafetensors(make(), 'm.safetensors')).toThrow(ModelFileError);
      expect(() => decodeSafetensors(make(), 'm.safetensors')).toThrow(message);
    });
  }
});

describe('model files', () => {
  it('round-trips a model: same architecture, same weights, same outputs, metadata kept', () => {
    const original = model();
    const bytes = encodeModel(original, { task: { task: 'first-last', steps: 4 }, vocabulary: ['a', 'b'] }, '9.9.9');
    const { model: loaded, architecture, metadata, version } = decodeModel(bytes);
    expect(architecture).toMatchObject({
      cell: 'lstm',
      inputSize: 3,
      hiddenSize: 5,
      numLayers: 2,
      bidirectional: true,
      outputSize: 4,
      variant: 'standard',
    });
    expect(metadata).toEqual({ task: { task: 'first-last', steps: 4 }, vocabulary: ['a', 'b'] });
    expect(version).toBe('9.9.9');
    const x = tensor(
      Float32Array.from({ length: 2 * 4 * 3 }, (_, i) => Math.sin(i)),
      [2, 4, 3],
    );
    expect(Array.from(loaded.forward(x).output.readSync())).toEqual(Array.from(original.forward(x).output.readSync()));
  });

  it('stores PyTorch names (rnn.* for the stack, head.* for the linear layer)', () => {
    const names = Object.keys(decodeSafetensors(encodeModel(model(), {}, '0')).tensors);
    expect(names).toContain('rnn.weight_ih_l0');
    expect(names).toContain('rnn.bias_hh_l1_reverse');
    expect(names).toContain('head.weight');
    expect(names).toHaveLength(2 * 2 * 4 + 2);
  });

  it('rejects a missing tensor, a wrong shape, an extra tensor and NaN weights', () => {
    const bytes = encodeModel(model(), {}, '0');
    const { tensors, metadata } = decodeSafetensors(bytes);
    const rebuild = (edit: (t: typeof tensors) => void) => {
      const copy = { ...tensors };
      edit(copy);
      return encodeSafetensors(copy, metadata);
    };
    expect(() => decodeModel(rebuild((t) => delete t['head.bias']))).toThrow(/tensor 'head.bias' is missing/);
    expect(() => decodeModel(rebuild((t) => (t['head.bias'] = { dtype: 'F32', shape: [5], data: new Float32Array(5) })))).toThrow(
      /has shape \[5\], the architecture needs \[4\]/,
    );
    expect(() => decodeModel(rebuild((t) => (t.extra = { dtype: 'F32', shape: [1], data: new Float32Array(1) })))).toThrow(
      /unexpected tensor\(s\) extra/,
    );
    expect(() =>
      decodeModel(rebuild((t) => (t['head.bias'] = { dtype: 'F32', shape: [4], data: Float32Array.of(0, Number.NaN, 0, 0) }))),
    ).toThrow(/contains NaN/);
    expect(() => decodeModel(encodeSafetensors(tensors, {}))).toThrow(/no 'lstm.architecture'/);
    expect(() => decodeModel(encodeSafetensors(tensors, { ...metadata, 'lstm.architecture': '{"cell":"lstm"' }))).toThrow(/not valid JSON/);
  });
});

describe('PyTorch interoperability', () => {
  it("reads a file written by PyTorch's safetensors (save_file) and computes torch's outputs", async () => {
    const { readFileSync } = await import('node:fs');
    const bytes = readFileSync(new URL('./__fixtures__/model-file/torch-model.safetensors', import.meta.url));
    const expected = JSON.parse(readFileSync(new URL('./__fixtures__/model-file/torch-model.json', import.meta.url), 'utf8')) as {
      input: number[];
      shape: number[];
      output: number[];
    };
    const { model, version } = decodeModel(bytes, 'torch-model.safetensors');
    expect(version).toMatch(/^torch /);
    const y = model.forward(tensor(expected.input, expected.shape)).output.readSync();
    const scale = Math.max(...expected.output.map(Math.abs));
    expected.output.forEach((v, i) => {
      expect(Math.abs(y[i]! - v) / scale, `output ${i}`).toBeLessThan(1e-5);
    });
  });
});
