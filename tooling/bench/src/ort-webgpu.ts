import { prefetch, setBackend, tensor, tidy } from '@lstm/core';
import { exportOnnx } from '@lstm/layers/onnx';
import type * as ortWeb from 'onnxruntime-web/webgpu';
import { benchModel } from './lstm-js.js';
import { makeBatch, measureAsync, type Result, type Workload } from './workload.js';

/** onnxruntime as its users load it: onnxruntime-web in a browser, onnxruntime-node in Node (the same native WebGPU EP). */
export interface OrtRuntime {
  ort: Pick<typeof ortWeb, 'InferenceSession' | 'Tensor'>;
  label: string;
}

/**
 * onnxruntime's WebGPU execution provider (inference only): the model @lstm's benchmark trains,
 * exported with our ONNX export (one LSTM node per layer, then the head), fed the same batch.
 * The session refuses to fall back to the CPU for any node, so every operator runs on the GPU,
 * and its logits are checked against ours before anything is timed.
 */
export async function benchOrtWebGpu(w: Workload, seconds: number, backend: string, { ort, label }: OrtRuntime): Promise<Result> {
  await setBackend(backend);
  const model = benchModel(w);
  const { x } = makeBatch(w, 7);
  const ours = tidy(() => model.forward(tensor(x, [w.batch, w.steps, w.inputSize])).output);
  const expected = await ours.read();
  ours.dispose();
  await prefetch(model.parameters().map((p) => p.value));
  const bytes = exportOnnx(model);
  for (const p of model.parameters()) p.value.dispose();

  const session = await ort.InferenceSession.create(bytes, {
    executionProviders: ['webgpu'],
    extra: { session: { disable_cpu_ep_fallback: '1' } },
  });
  const feeds = {
    input: new ort.Tensor('float32', x, [w.batch, w.steps, w.inputSize]),
    sequence_lens: new ort.Tensor('int32', new Int32Array(w.batch).fill(w.steps), [w.batch]),
  };
  const run = async () => (await session.run(feeds)).output!.getData() as Promise<Float32Array>;
  const logits = await run();
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(logits[i]! - expected[i]!));
  if (!(worst < 1e-4)) throw new Error(`onnxruntime-web's logits differ from @lstm's by ${worst}`);
  const infer = await measureAsync(async () => void (await run()), seconds, 3);
  await session.release();
  return {
    library: label,
    workload: w.name,
    inferSequencesPerSecond: w.batch / infer.median,
    note: `logits within ${worst.toExponential(1)} of ours`,
  };
}
