import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, expectOneLineMistake } from './cli.test-helper.js';

/** `lstm import model.json` and `lstm export --tfjs`, checked against TensorFlow.js itself (issue 21). */
const dir = mkdtempSync(join(tmpdir(), 'lstm-tfjs-'));
const at = (name: string) => join(dir, name);
const lstm = cli(dir);
const [B, T, I] = [2, 5, 3];
const x = Array.from({ length: B }, (_, b) =>
  Array.from({ length: T }, (_, t) => Array.from({ length: I }, (_, i) => Math.sin(1 + b * 7 + t * 3 + i))),
);

beforeAll(async () => {
  await tf.setBackend('cpu');
  writeFileSync(at('input.json'), JSON.stringify(x));
});

/** Saves a tf.layers model as model.save('file://DIR') does: DIR/model.json and its weight file. */
async function saveTo(model: tf.LayersModel, folder: string): Promise<void> {
  mkdirSync(folder, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      writeFileSync(join(folder, 'weights.bin'), new Uint8Array(a.weightData as ArrayBuffer));
      const json = {
        format: a.format,
        generatedBy: a.generatedBy,
        modelTopology: a.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }],
      };
      writeFileSync(join(folder, 'model.json'), JSON.stringify(json));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
}

describe('lstm import model.json / lstm export --tfjs', () => {
  it('imports a tf.layers bidirectional LSTM classifier; lstm predict gives TF.js’s probabilities', async () => {
    const net = tf.sequential({
      layers: [
        tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 4 }) as tf.RNN, inputShape: [T, I] }),
        tf.layers.dense({ units: 3, activation: 'softmax' }),
      ],
    });
    await saveTo(net, at('web'));
    const r = lstm('import', at('web/model.json'), '--out', at('from-tfjs.safetensors'), '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ cell: 'lstm', bidirectional: true, output: 'classes', output_size: 3 });
    const theirs = (net.predict(tf.tensor(x.flat(2), [B, T, I])) as tf.Tensor).arraySync() as number[][];
    const p = lstm('predict', '--model', at('from-tfjs.safetensors'), '--input', at('input.json'), '--json');
    expect(p.code, p.stderr).toBe(0);
    const ours = (JSON.parse(p.stdout) as { probabilities: number[] }[]).map((row) => row.probabilities);
    for (const [b, row] of ours.entries()) for (const [k, q] of row.entries()) expect(q).toBeCloseTo(theirs[b]![k]!, 5);
  });

  it('exports a model that tf.loadLayersModel runs to lstm predict --raw’s outputs', async () => {
    const e = lstm('export', '--model', at('from-tfjs.safetensors'), '--tfjs', at('out'));
    expect(e.code, e.stderr).toBe(0);
    const artifacts = JSON.parse(readFileSync(at('out/model.json'), 'utf8')) as {
      modelTopology: object;
      weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[];
    };
    const weights = readFileSync(at('out/weights.bin'));
    const net = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: artifacts.modelTopology,
        weightSpecs: artifacts.weightsManifest[0]!.weights,
        weightData: new Uint8Array(weights).buffer,
      }),
    );
    const theirs = (net.predict(tf.tensor(x.flat(2), [B, T, I])) as tf.Tensor).arraySync() as number[][];
    const raw = JSON.parse(
      lstm('predict', '--model', at('from-tfjs.safetensors'), '--input', at('input.json'), '--raw', '--json').stdout,
    ) as { output: number[] }[];
    for (const [b, row] of raw.entries()) for (const [k, v] of row.output.entries()) expect(v).toBeCloseTo(theirs[b]![k]!, 5);
  });

  it('refuses a TF.js GRU, and a model.json whose weights are missing, in one line', async () => {
    await saveTo(tf.sequential({ layers: [tf.layers.gru({ units: 3, inputShape: [T, I] }), tf.layers.dense({ units: 1 })] }), at('gru'));
    expectOneLineMistake(lstm('import', at('gru/model.json'), '--out', at('gru.safetensors')), 1, /reset_after false, TF\.js's only GRU/);
    mkdirSync(at('lonely'));
    writeFileSync(at('lonely/model.json'), readFileSync(at('web/model.json')));
    expectOneLineMistake(
      lstm('import', at('lonely/model.json'), '--out', at('l.safetensors')),
      1,
      /weight file 'weights\.bin' is missing; it must sit beside model\.json/,
    );
  });

  it('export takes exactly one of --onnx and --tfjs', () => {
    expectOneLineMistake(lstm('export', '--model', at('from-tfjs.safetensors')), 2, /give one of --onnx FILE\.onnx or --tfjs DIR/);
  });
});
