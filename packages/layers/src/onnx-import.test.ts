import { readFileSync, readdirSync } from 'node:fs';
import { Rng, tensor, tidy } from '@lstm/core';
import { normwiseError, runFuzz } from '@lstm/core/testing';
import { describe, expect, it } from 'vitest';
import { exportOnnx } from './onnx-export.js';
import { importOnnx } from './onnx-import.js';
import { onnx } from './onnx-graph.js';
import { ModelFileError, halfToNumber } from './safetensors.js';
import { SequenceModel } from './sequence-model.js';
import { useCpu } from './use-cpu.test-helper.js';

useCpu();

const directory = new URL('./__fixtures__/onnx/', import.meta.url);
const fixtures = readdirSync(directory).filter((f) => f.endsWith('.onnx'));

interface Fixture {
  readout: 'last' | 'last-output' | 'all';
  opset: number;
  dtype: 'float32' | 'float64';
  batch_first: boolean;
  outputs: number;
  input_shape: number[];
  input: number[];
  output: number[];
}

describe('importOnnx: models exported by torch.onnx.export (tooling/fixtures/onnx_models.py)', () => {
  const cases = fixtures.filter((f) => !f.startsWith('refuse-'));
  it('has the eighteen fixtures and four refusals', () => {
    expect(cases).toHaveLength(18);
    expect(fixtures.length - cases.length).toBe(4);
  });
  for (const file of cases) {
    it(`${file}: finds the readout in the graph and computes PyTorch's outputs to 1e-5`, () => {
      const c = JSON.parse(readFileSync(new URL(file.replace('.onnx', '.json'), directory), 'utf8')) as Fixture;
      const { model, found } = importOnnx(readFileSync(new URL(file, directory)), { output: c.outputs === 1 ? undefined : 'classes' });
      // A unidirectional out[:, -1] is h_n: the import names the simpler readout.
      const bidirectional = model.rnn.numDirections === 2;
      expect(model.readout).toBe(c.readout === 'last-output' && !bidirectional ? 'last' : c.readout);
      expect(model.rnn.dtype).toBe(c.dtype);
      expect(found.output).toBe(c.outputs === 1 ? 'values' : 'classes');
      let input = c.input;
      const [a, b, I] = c.input_shape as [number, number, number];
      if (!c.batch_first)
        input = Array.from(
          { length: a * b * I },
          (_, k) => c.input[(((k % (a * I)) / I) | 0) * b * I + Math.floor(k / (a * I)) * I + (k % I)]!,
        );
      const [B, T] = c.batch_first ? [a, b] : [b, a];
      const output = tidy(() => model.forward(tensor(input, [B, T, I], c.dtype)).output.readSync());
      expect(normwiseError(output, c.output)).toBeLessThan(1e-5);
    });
  }

  const refusals: [string, RegExp][] = [
    ['refuse-projection.onnx', /Add before the first LSTM: a layer the model cannot hold \(an input projection\?\)/],
    ['refuse-learned-state.onnx', /GRU node 0's initial_h is learned \(non-zero, the same for every sequence\)/],
    ['refuse-two-linears.onnx', /2 linear layers \(Gemm, Gemm\) after the recurrent ones; a model here has at most one Linear head/],
    ['refuse-softmax.onnx', /operators "Softmax" are not supported/],
  ];
  for (const [file, message] of refusals) {
    it(`refuses ${file} in one line`, () => {
      expect(() => importOnnx(readFileSync(new URL(file, directory)), { output: 'classes' })).toThrow(message);
    });
  }

  it('a --readout the graph does not compute is refused, naming the one it does', () => {
    const bytes = readFileSync(new URL('lstm-l1-bi-last-output.onnx', directory));
    expect(() => importOnnx(bytes, { readout: 'last', output: 'classes' })).toThrow(
      /its head reads 'last-output', not --readout last — import it without --readout, or with --readout last-output/,
    );
  });

  it('float16 weights (and input) are widened to float32 exactly', () => {
    const original = readFileSync(new URL('lstm-l2-bi.onnx', directory));
    const proto = onnx.ModelProto.decode(original);
    for (const t of proto.graph!.initializer!) {
      if (t.dataType !== onnx.TensorProto.DataType.FLOAT) continue;
      const values = new Float32Array(Uint8Array.from(t.rawData!).buffer);
      t.rawData = new Uint8Array(Uint16Array.from(values, toHalf).buffer);
      t.dataType = onnx.TensorProto.DataType.FLOAT16;
    }
    proto.graph!.input![0]!.type!.tensorType!.elemType = onnx.TensorProto.DataType.FLOAT16;
    const half = importOnnx(onnx.ModelProto.encode(proto).finish(), { output: 'classes' }).model;
    const full = importOnnx(original, { output: 'classes' }).model;
    expect(half.rnn.dtype).toBe('float32');
    for (const [k, p] of half.parameters().entries()) {
      const widened = Array.from(p.value.readSync());
      // Every weight is the float16 rounding of the original, held exactly.
      expect(widened).toEqual(Array.from(full.parameters()[k]!.value.readSync(), (v) => halfToNumber(toHalf(v))));
    }
  });

  it('a head of several outputs needs --output; one output is a value', () => {
    expect(() => importOnnx(readFileSync(new URL('lstm-l2-bi.onnx', directory)))).toThrow(/its head has 2 outputs; say what they are/);
  });

  it('reads back what exportOnnx writes (a peephole LSTM, every step)', () => {
    const model = new SequenceModel({
      cell: 'lstm',
      variant: 'peephole',
      inputSize: 3,
      hiddenSize: 5,
      outputSize: 2,
      readout: 'all',
      bidirectional: true,
      seed: 4,
    });
    const back = importOnnx(exportOnnx(model), { output: 'classes' }).model;
    expect(back.readout).toBe('all');
    expect(back.rnn.variant).toBe('peephole');
    const rng = Rng.derive(5, 'data');
    const x = Float32Array.from({ length: 2 * 7 * 3 }, () => rng.normal());
    const [a, b] = [model, back].map((m) => tidy(() => m.forward(tensor(x, [2, 7, 3])).output.readSync()));
    expect(normwiseError(b!, Array.from(a!))).toBeLessThan(1e-6);
  });

  it('refuses bytes that are not ONNX, and graphs of operators it does not support, in one line', () => {
    expect(() => importOnnx(new TextEncoder().encode('not a model'))).toThrow(ModelFileError);
    const fixture = readFileSync(new URL('gru-l1.onnx', directory));
    const withConv = Buffer.from(fixture.toString('latin1').replaceAll('Gemm', 'Conv'), 'latin1');
    expect(() => importOnnx(withConv)).toThrow(/operators "Conv" are not supported; a recurrent model here is made of LSTM, GRU, RNN/);
  });
});

describe('importOnnx on damaged files', () => {
  it('turns 600 seeded bit flips and truncations of a real ONNX file into typed errors or valid models: no hang, no memory blow-up', () => {
    const original = readFileSync(new URL('lstm-l2-bi-opset9-static.onnx', directory));
    const rng = Rng.derive(9, 'fuzz');
    const mutants = Array.from({ length: 600 }, (_, i) => {
      const bytes = i % 2 ? original.subarray(0, rng.int(original.length)) : Uint8Array.from(original);
      if (i % 2 === 0) for (let n = 1 + rng.int(6); n > 0; n--) bytes[rng.int(bytes.length)]! ^= 1 << rng.int(8);
      return { kind: i % 2 ? 'truncated' : 'bit flips', bytes };
    });
    const report = runFuzz(
      mutants,
      (bytes) => importOnnx(bytes, { output: 'classes' }),
      () => null,
    );
    console.info(
      `onnx fuzz: ${JSON.stringify({ ...report, slow: report.slow.length, untyped: report.untyped.length, overMemory: report.overMemory.length })}`,
    );
    expect(report.untyped).toEqual([]);
    expect(report.slow).toEqual([]);
    expect(report.overMemory).toEqual([]);
    expect(report.rejected).toBeGreaterThan(300);
  });
});

/** The nearest float16 (round to nearest even) of a float32, as its bits. */
function toHalf(value: number): number {
  const f = new Float32Array([value]);
  const x = new Uint32Array(f.buffer)[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exponent = ((x >>> 23) & 0xff) - 127 + 15;
  let mantissa = x & 0x7fffff;
  if (exponent <= 0) {
    if (exponent < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - exponent;
    const half = mantissa >>> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const midpoint = 1 << (shift - 1);
    return sign | (half + (rest > midpoint || (rest === midpoint && half & 1) ? 1 : 0));
  }
  if (exponent >= 31) return sign | 0x7c00;
  const rest = mantissa & 0x1fff;
  let bits = sign | (exponent << 10) | (mantissa >>> 13);
  if (rest > 0x1000 || (rest === 0x1000 && bits & 1)) bits++;
  return bits;
}
