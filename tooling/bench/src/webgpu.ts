import { webgpu } from '@lstm/backend-webgpu';
import { registerBackend, setBackend, tensor, tidy, keep } from '@lstm/core';
import { Adam } from '@lstm/optim';
import { batchLoss, stepSummary } from '@lstm/tasks';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { benchModel, release } from './lstm-js.js';
import { clippedStep, layersModel } from './tfjs.js';
import { makeBatch, measureAsync, trainingFlops, type Result, type Workload } from './workload.js';

/**
 * The two contestants of `pnpm bench:webgpu`, both on WebGPU and both reading asynchronously: a
 * training step ends with its one read (ours: the step summary; tf.layers: the gradient norm), so a
 * GPU's queued work is inside the measurement; inference reads the logits.
 */
let registered = false;

export async function benchLstmWebGpu(w: Workload, seconds: number): Promise<Result> {
  if (!registered) registerBackend(webgpu({ name: 'webgpu-bench' })); // one device for every round
  registered = true;
  await setBackend('webgpu-bench');
  const model = benchModel(w);
  const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
  const { x, y } = makeBatch(w, 7);
  const shape = [w.batch, w.steps, w.inputSize];
  const train = await measureAsync(async () => {
    const summary = tidy(() => {
      const { output: logits, cache } = model.forward(tensor(x, shape), { training: true });
      const loss = batchLoss('classification', logits, y);
      model.backward(loss.grad, cache);
      const packed = keep(stepSummary(model.parameters(), loss, { clip: 1 }));
      optimizer.step();
      optimizer.zeroGrad();
      return packed;
    });
    await summary.read();
    summary.dispose();
  }, seconds);
  const infer = await measureAsync(async () => {
    const logits = tidy(() => model.forward(tensor(x, shape)).output);
    await logits.read();
    logits.dispose();
  }, seconds);
  release(model, optimizer);
  const trainRate = w.batch / train.median;
  return {
    library: '@lstm backend-webgpu',
    workload: w.name,
    trainSequencesPerSecond: trainRate,
    inferSequencesPerSecond: w.batch / infer.median,
    gflops: (trainRate * trainingFlops(w)) / 1e9,
  };
}

/**
 * TensorFlow.js 4.22's webgpu backend asks for the default limits, and its gradient of a
 * two-layer LSTM then needs a program (AddNPacked) with 9 storage buffers, over the default 8:
 * the program fails validation and its work is silently skipped. Its device is created here with
 * the adapter's own buffer limit (as ours is), so it computes what it claims to.
 */
async function tfjsWebGpu(): Promise<void> {
  if (tf.findBackend('webgpu')) return tf.setBackend('webgpu').then(() => undefined);
  const gpu = (globalThis as unknown as { navigator: { gpu: GPU } }).navigator.gpu;
  const requestAdapter = gpu.requestAdapter.bind(gpu);
  gpu.requestAdapter = async (options) => {
    const adapter = await requestAdapter(options);
    if (!adapter) return adapter;
    const requestDevice = adapter.requestDevice.bind(adapter);
    const maxStorageBuffersPerShaderStage = adapter.limits.maxStorageBuffersPerShaderStage;
    adapter.requestDevice = (descriptor) =>
      requestDevice({ ...descriptor, requiredLimits: { ...descriptor?.requiredLimits, maxStorageBuffersPerShaderStage } });
    return adapter;
  };
  try {
    await tf.setBackend('webgpu');
  } finally {
    gpu.requestAdapter = requestAdapter;
  }
}

/** tf.layers.lstm on TensorFlow.js's webgpu backend, the same step (clip 1.0, Adam). */
export async function benchTfjsWebGpu(w: Workload, seconds: number): Promise<Result> {
  await tfjsWebGpu();
  await tf.ready();
  const model = layersModel(w);
  const optimizer = tf.train.adam(1e-3);
  const { x: xs, y: ys } = makeBatch(w, 7);
  const x = tf.tensor3d(xs, [w.batch, w.steps, w.inputSize]);
  const y = tf.oneHot(tf.tensor1d(ys, 'int32'), w.classes);
  const train = await measureAsync(
    async () => {
      const norm = tf.tidy(() => clippedStep(model, optimizer, x, y));
      await norm.data();
      norm.dispose();
    },
    seconds,
    3,
  );
  const infer = await measureAsync(
    async () => {
      const logits = tf.tidy(() => model.predict(x) as tf.Tensor);
      await logits.data();
      logits.dispose();
    },
    seconds,
    3,
  );
  for (const t of [x, y]) t.dispose();
  model.dispose();
  optimizer.dispose();
  const trainRate = w.batch / train.median;
  return {
    library: 'TensorFlow.js 4.22 layers, tfjs-webgpu',
    workload: w.name,
    trainSequencesPerSecond: trainRate,
    inferSequencesPerSecond: w.batch / infer.median,
    gflops: (trainRate * trainingFlops(w)) / 1e9,
  };
}
