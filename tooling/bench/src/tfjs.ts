// The union package: tfjs-core with chained ops and gradients registered, tfjs-layers, tfjs-backend-cpu.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { makeBatch, measure, trainingFlops, type Result, type Workload } from './workload.js';

/**
 * TensorFlow.js layers (tf.layers.lstm) on tfjs-backend-cpu, -wasm or -webgl, with the same
 * training step; each step ends by reading the gradient norm, as ours reads its one summary, so a
 * GPU's queued work is inside the measurement.
 */
/** tf.layers' LSTM stack and a dense head, as the workload says. */
export function layersModel(w: Workload): tf.Sequential {
  const layers: tf.layers.Layer[] = [];
  for (let l = 0; l < w.numLayers; l++) {
    layers.push(
      tf.layers.lstm({
        units: w.hiddenSize,
        returnSequences: l < w.numLayers - 1,
        ...(l === 0 ? { inputShape: [w.steps, w.inputSize] } : {}),
      }),
    );
  }
  layers.push(tf.layers.dense({ units: w.classes }));
  return tf.sequential({ layers });
}

/** One training step: cross-entropy, gradients clipped to a global norm of 1, Adam; returns the norm (call inside tf.tidy). */
export function clippedStep(model: tf.Sequential, optimizer: tf.Optimizer, x: tf.Tensor, y: tf.Tensor): tf.Tensor {
  const { grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar);
  const names = Object.keys(grads);
  const norm = tf.sqrt(tf.addN(names.map((n) => tf.sum(tf.square(grads[n]!)))));
  const scale = tf.minimum(1, tf.div(1, tf.add(norm, 1e-6)));
  optimizer.applyGradients(Object.fromEntries(names.map((n) => [n, tf.mul(grads[n]!, scale)])));
  return norm;
}

export async function benchTfjs(backend: 'cpu' | 'wasm' | 'webgl', w: Workload, seconds: number): Promise<Result> {
  await tf.setBackend(backend);
  await tf.ready();
  const model = layersModel(w);
  const optimizer = tf.train.adam(1e-3);
  const { x: xs, y: ys } = makeBatch(w, 7);
  const x = tf.tensor3d(xs, [w.batch, w.steps, w.inputSize]);
  const y = tf.oneHot(tf.tensor1d(ys, 'int32'), w.classes);
  const train = measure(
    () =>
      tf.tidy(() => {
        const norm = clippedStep(model, optimizer, x, y);
        norm.dataSync();
      }),
    seconds,
    3,
  );
  const infer = measure(() => tf.tidy(() => void (model.predict(x) as tf.Tensor).dataSync()), seconds, 3);
  // Streaming: a stateful copy of the recurrent stack fed one step at a time (batch 1).
  const streamLayers: tf.layers.Layer[] = [];
  for (let l = 0; l < w.numLayers; l++) {
    streamLayers.push(
      tf.layers.lstm({
        units: w.hiddenSize,
        stateful: true,
        returnSequences: l < w.numLayers - 1,
        ...(l === 0 ? { batchInputShape: [1, 1, w.inputSize] } : {}),
      }),
    );
  }
  streamLayers.push(tf.layers.dense({ units: w.classes }));
  const streamModel = tf.sequential({ layers: streamLayers });
  const step = tf.tensor3d(xs.subarray(0, w.inputSize), [1, 1, w.inputSize]);
  const streaming = measure(() => tf.tidy(() => void (streamModel.predict(step) as tf.Tensor).dataSync()), seconds);
  // Freed, so that rounds after rounds (rounds.ts) do not grow tfjs's heap.
  for (const t of [x, y, step]) t.dispose();
  model.dispose();
  streamModel.dispose();
  optimizer.dispose();
  const trainRate = w.batch / train.median;
  return {
    library: `TensorFlow.js 4.22 layers, tfjs-${backend}`,
    workload: w.name,
    trainSequencesPerSecond: trainRate,
    inferSequencesPerSecond: w.batch / infer.median,
    streamMicrosecondsPerStep: streaming.median * 1e6,
    gflops: (trainRate * trainingFlops(w)) / 1e9,
  };
}
