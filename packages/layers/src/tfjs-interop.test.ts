import { readFileSync } from 'node:fs';
import { Rng, tensor, tidy } from '@lstm/core';
import { normwiseError, runFuzz } from '@lstm/core/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelFileError } from './safetensors.js';
import { SequenceModel, type SequenceModelOptions } from './sequence-model.js';
import { exportTfjs } from './tfjs-export.js';
import { importTfjs } from './tfjs-import.js';
import { useCpu } from './use-cpu.test-helper.js';

useCpu();

/**
 * TensorFlow.js both ways, checked by TF.js itself (@tensorflow/tfjs 4.22 on its cpu backend):
 * models built and saved by tf.layers are imported here and predict what TF.js predicts; our
 * exports are loaded by tf.loadLayersModel and predict what we predict.
 */

const B = 3;
const T = 6;
const I = 4;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** What model.save writes, kept in memory: model.json's text and its weight files by name. */
async function saved(model: tf.LayersModel): Promise<{ json: string; files: Map<string, Uint8Array> }> {
  let json = '';
  const files = new Map<string, Uint8Array>();
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      files.set('group1-shard1of1.bin', new Uint8Array(artifacts.weightData as ArrayBuffer));
      json = JSON.stringify({
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: artifacts.weightSpecs }],
      });
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return { json, files };
}

/** Every weight redrawn from a seeded uniform in ±scale, larger than the initialisers, so every one matters. */
function randomise(model: tf.LayersModel, seed: number, scale = 0.8): void {
  const rng = new Rng(seed);
  model.setWeights(
    model.getWeights().map((w) =>
      tf.tensor(
        Float32Array.from({ length: w.size }, () => rng.uniform(-scale, scale)),
        w.shape,
      ),
    ),
  );
}

function input(seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: B * T * I }, () => rng.uniform(-2, 2));
}

const lstm = (o: Partial<Parameters<typeof tf.layers.lstm>[0]> = {}) => tf.layers.lstm({ units: 5, ...o });
const cases: [string, () => tf.LayersModel, 'classes' | 'values'][] = [
  [
    'LSTM (hard_sigmoid, the default) + Dense(1)',
    () => tf.sequential({ layers: [lstm({ inputShape: [T, I] }), tf.layers.dense({ units: 1 })] }),
    'values',
  ],
  [
    '2 stacked LSTMs (sigmoid) + Dense(3, softmax)',
    () =>
      tf.sequential({
        layers: [
          lstm({ inputShape: [null, I], recurrentActivation: 'sigmoid', returnSequences: true }),
          lstm({ recurrentActivation: 'sigmoid' }),
          tf.layers.dense({ units: 3, activation: 'softmax' }),
        ],
      }),
    'classes',
  ],
  [
    'bidirectional LSTM + Dense(2)',
    () =>
      tf.sequential({ layers: [tf.layers.bidirectional({ layer: lstm() as tf.RNN, inputShape: [T, I] }), tf.layers.dense({ units: 2 })] }),
    'classes',
  ],
  [
    'SimpleRNN relu, 2 layers, every step + Dense(3)',
    () =>
      tf.sequential({
        layers: [
          tf.layers.simpleRNN({ units: 4, activation: 'relu', returnSequences: true, inputShape: [T, I] }),
          tf.layers.simpleRNN({ units: 4, activation: 'relu', returnSequences: true }),
          tf.layers.dense({ units: 3 }),
        ],
      }),
    'classes',
  ],
  [
    'functional Model: Input → bidirectional SimpleRNN → Dropout → Dense(1)',
    () => {
      const x = tf.input({ shape: [T, I] });
      const h = tf.layers.bidirectional({ layer: tf.layers.simpleRNN({ units: 3 }) as tf.RNN }).apply(x);
      const y = tf.layers.dense({ units: 1 }).apply(tf.layers.dropout({ rate: 0.5 }).apply(h));
      return tf.model({ inputs: x, outputs: y as tf.SymbolicTensor });
    },
    'values',
  ],
];

describe('TF.js layers models imported (built and saved by tf.layers)', () => {
  cases.forEach(([name, build, kind], k) => {
    it(`${name}: predicts what TF.js predicts, to 1e-5`, async () => {
      const net = build();
      randomise(net, 10 + k);
      const { json, files } = await saved(net);
      const { model, found } = importTfjs(json, (path) => files.get(path), { output: kind === 'classes' ? 'classes' : undefined });
      expect(found.output).toBe(kind);
      const x = input(k);
      const theirs = (net.predict(tf.tensor(x, [B, T, I])) as tf.Tensor).dataSync();
      let ours = tidy(() => Array.from(model.forward(tensor(x, [B, T, I])).output.readSync()));
      if (name.includes('softmax')) ours = softmaxRows(ours, model.outputSize);
      expect(ours).toHaveLength(theirs.length);
      expect(normwiseError(ours, Array.from(theirs))).toBeLessThan(1e-5);
    });
  });

  const refusals: [string, () => tf.LayersModel, RegExp][] = [
    [
      'a GRU (TF.js applies the reset gate before the product)',
      () => tf.sequential({ layers: [tf.layers.gru({ units: 3, inputShape: [T, I] }), tf.layers.dense({ units: 1 })] }),
      /applies its reset gate before the recurrent product \(reset_after false, TF\.js's only GRU\)/,
    ],
    [
      'a Masking layer',
      () => tf.sequential({ layers: [tf.layers.masking({ maskValue: 0, inputShape: [T, I] }), lstm(), tf.layers.dense({ units: 1 })] }),
      /masks steps; @lstm takes per-row lengths instead/,
    ],
    [
      'a bidirectional layer that sums',
      () => tf.sequential({ layers: [tf.layers.bidirectional({ layer: lstm() as tf.RNN, mergeMode: 'sum', inputShape: [T, I] })] }),
      /merges by "sum"; only 'concat'/,
    ],
    [
      'a Dense head with relu',
      () => tf.sequential({ layers: [lstm({ inputShape: [T, I] }), tf.layers.dense({ units: 2, activation: 'relu' })] }),
      /applies "relu"; a head here is linear/,
    ],
    [
      'two Dense layers',
      () => tf.sequential({ layers: [lstm({ inputShape: [T, I] }), tf.layers.dense({ units: 2 }), tf.layers.dense({ units: 1 })] }),
      /comes after the Dense head/,
    ],
  ];
  for (const [name, build, message] of refusals) {
    it(`refuses ${name}, in one line`, async () => {
      const { json, files } = await saved(build());
      expect(() => importTfjs(json, (path) => files.get(path), { output: 'values' })).toThrow(message);
    });
  }

  it('refuses missing, short and path-escaping weight files', async () => {
    const { json, files } = await saved(cases[0]![1]());
    const bytes = files.get('group1-shard1of1.bin')!;
    expect(() => importTfjs(json, () => undefined)).toThrow(/weight file 'group1-shard1of1\.bin' is missing/);
    expect(() => importTfjs(json, () => bytes.subarray(4))).toThrow(/holds \d+ bytes; its weights need \d+/);
    const escaping = json.replace('group1-shard1of1.bin', '../secret.bin');
    expect(() => importTfjs(escaping, () => bytes)).toThrow(/'\.\.\/secret\.bin' is not a plain file name/);
  });
});

describe('a Keras GRU (reset_after=True) as tensorflowjs_converter writes it (tooling/fixtures/keras_models.py)', () => {
  it("imports as PyTorch's GRU and computes PyTorch's outputs to 1e-5", () => {
    const at = (file: string) => new URL(`./__fixtures__/keras/${file}`, import.meta.url);
    const c = JSON.parse(readFileSync(at('expected.json'), 'utf8')) as { input_shape: number[]; input: number[]; output: number[] };
    const { model, found } = importTfjs(readFileSync(at('model.json'), 'utf8'), (file) => readFileSync(at(file)), { output: 'classes' });
    expect(found.cell).toBe('gru');
    expect(model.rnn.gateActivation).toBe('sigmoid');
    const output = tidy(() => model.forward(tensor(c.input, c.input_shape)).output.readSync());
    expect(normwiseError(Array.from(output), c.output)).toBeLessThan(1e-5);
  });
});

describe('our models exported for TF.js (loaded by tf.loadLayersModel)', () => {
  const exports: [string, Partial<SequenceModelOptions>, number[] | null][] = [
    ['LSTM, last', { cell: 'lstm' }, null],
    [
      'hardSigmoid LSTM, 2 layers, bidirectional, last',
      { cell: 'lstm', gateActivation: 'hardSigmoid', numLayers: 2, bidirectional: true },
      null,
    ],
    ['LSTM, every step', { cell: 'lstm', readout: 'all', numLayers: 2 }, null],
    ['RNN relu, bidirectional, every step', { cell: 'rnn', nonlinearity: 'relu', bidirectional: true, readout: 'all' }, null],
    ['LSTM, last-output (unidirectional: the last step)', { cell: 'lstm', readout: 'last-output' }, null],
  ];
  for (const [name, options] of exports) {
    it(`${name}: TF.js predicts our outputs to 1e-5, and the file imports back`, async () => {
      const model = new SequenceModel({ inputSize: I, hiddenSize: 5, outputSize: 3, seed: 21, ...options } as SequenceModelOptions);
      const { modelJson, weights } = exportTfjs(model);
      const artifacts = JSON.parse(modelJson) as { modelTopology: object; weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[] };
      const net = await tf.loadLayersModel(
        tf.io.fromMemory({
          modelTopology: artifacts.modelTopology,
          weightSpecs: artifacts.weightsManifest[0]!.weights,
          weightData: weights.slice().buffer,
        }),
      );
      const x = input(7);
      const theirs = (net.predict(tf.tensor(x, [B, T, I])) as tf.Tensor).dataSync();
      const ours = tidy(() => model.forward(tensor(x, [B, T, I])).output.readSync());
      expect(theirs.length).toBe(ours.length);
      expect(normwiseError(Array.from(theirs), Array.from(ours))).toBeLessThan(1e-5);
      const back = importTfjs(modelJson, () => weights, { output: 'classes' }).model;
      const again = tidy(() => back.forward(tensor(x, [B, T, I])).output.readSync());
      expect(normwiseError(Array.from(again), Array.from(ours))).toBeLessThan(1e-6);
    });
  }

  const refused: [string, Partial<SequenceModelOptions>, RegExp][] = [
    ['a GRU', { cell: 'gru' }, /TF\.js's GRU applies the reset gate before the recurrent product/],
    ['a peephole LSTM', { cell: 'lstm', variant: 'peephole' }, /TF\.js has no peephole LSTM/],
    [
      'last-output of a bidirectional layer',
      { cell: 'lstm', bidirectional: true, readout: 'last-output' },
      /no TF\.js layer reads out\[:, -1\]/,
    ],
    ['a float64 model', { cell: 'lstm', dtype: 'float64' }, /TF\.js holds float32 weights and this model is float64/],
  ];
  for (const [name, options, message] of refused) {
    it(`refuses ${name}, in one line`, () => {
      const model = new SequenceModel({ inputSize: I, hiddenSize: 3, outputSize: 2, ...options } as SequenceModelOptions);
      expect(() => exportTfjs(model)).toThrow(message);
    });
  }
});

describe('fuzzing TF.js model.json and weight files', () => {
  it('500 seeded mutants of a real model.json and its weights: no hang, no memory blow-up, only typed one-line errors', async () => {
    const { json, files } = await saved(cases[2]![1]());
    const weights = files.get('group1-shard1of1.bin')!;
    const rng = new Rng(5);
    const wrong = [null, -1, 0, 1.5, 1e9, 2 ** 40, 'x', '../x', [], {}, [1e9, 1e9], true];
    const mutants = Array.from({ length: 500 }, (_, k) => {
      const tree = JSON.parse(json) as unknown;
      const nodes: [Record<string, unknown> | unknown[], string | number][] = [];
      const walk = (node: unknown) => {
        if (node && typeof node === 'object')
          for (const [key, child] of Object.entries(node)) {
            nodes.push([node as Record<string, unknown>, Array.isArray(node) ? Number(key) : key]);
            walk(child);
          }
      };
      walk(tree);
      const [parent, key] = nodes[rng.int(nodes.length)]!;
      if (k % 5 === 4) delete (parent as Record<string, unknown>)[key];
      else (parent as Record<string | number, unknown>)[key] = wrong[rng.int(wrong.length)];
      return { kind: `json ${String(key)}`, bytes: new TextEncoder().encode(JSON.stringify(tree)) };
    });
    const report = runFuzz(
      mutants,
      (bytes) => importTfjs(new TextDecoder().decode(bytes), () => weights, { output: 'classes' }),
      () => null,
    );
    expect(report.untyped).toEqual([]);
    expect(report.slow).toEqual([]);
    expect(report.overMemory).toEqual([]);
    expect(report.rejected).toBeGreaterThan(200);
    expect(() => importTfjs('{"modelTopology": ', () => weights)).toThrow(ModelFileError);
  });
});

function softmaxRows(values: number[], width: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < values.length / width; r++) {
    const row = values.slice(r * width, (r + 1) * width);
    const max = Math.max(...row);
    const e = row.map((v) => Math.exp(v - max));
    const sum = e.reduce((a, b) => a + b, 0);
    out.push(...e.map((v) => v / sum));
  }
  return out;
}
