import { setBackend, tensor, tidy, keep } from '@lstm/core';
import { Adam } from '@lstm/optim';
import { batchLoss, stepSummary, type AnyTask } from '@lstm/tasks';
import { registerChoice } from './backends.js';
import { buildModel } from './build.js';
import type { BackendChoice, PlaygroundConfig } from './config.js';
import type { Measurement } from './protocol.js';

/** The backends 'auto' chooses among: TensorFlow.js's WebGL is left out (its code is fetched only when chosen). */
const CANDIDATES = ['wasm', 'webgpu', 'cpu'] as const satisfies readonly BackendChoice[];
/** A backend whose first step takes longer than this is timed on that step alone. */
const SLOW_MS = 1500;

/**
 * Times the configuration's training step (forward, loss, backward, clipping, Adam and the
 * step's one read) on each backend this browser has: one warm-up step (programs compile), then
 * the median of three. Fastest first; a backend that cannot start here is listed with why.
 */
export async function measureBackends(config: PlaygroundConfig, task: AnyTask): Promise<Measurement[]> {
  const results: Measurement[] = [];
  for (const backend of CANDIDATES) {
    try {
      await setBackend(await registerChoice(backend));
      results.push({ backend, msPerStep: await timeSteps(config, task), note: '' });
    } catch (error) {
      results.push({ backend, msPerStep: null, note: (error instanceof Error ? error.message : String(error)).split('\n')[0]! });
    }
  }
  return results.sort((a, b) => (a.msPerStep ?? Infinity) - (b.msPerStep ?? Infinity));
}

async function timeSteps(config: PlaygroundConfig, task: AnyTask): Promise<number> {
  const model = buildModel(config, task);
  const optimizer = new Adam(model.parameters(), { lr: config.lr });
  const rows = task.objective === 'language-model' ? 16 : 32;
  const steps = config.seqLen;
  const inputs = Float32Array.from({ length: rows * steps * task.inputSize }, (_, i) => Math.sin(i));
  const step = async () => {
    const started = performance.now();
    const summary = tidy(() => {
      const { output, cache } = model.forward(tensor(inputs, [rows, steps, task.inputSize]), { training: true });
      const loss = batchLoss('regression', output, new Float32Array(output.size));
      model.backward(loss.grad, cache);
      return keep(stepSummary(model.parameters(), loss, { clip: 1 }));
    });
    await summary.read();
    summary.dispose();
    tidy(() => optimizer.step());
    optimizer.zeroGrad();
    return performance.now() - started;
  };
  try {
    const first = await step();
    if (first > SLOW_MS) return first;
    const times = [await step(), await step(), await step()].sort((a, b) => a - b);
    return times[1]!;
  } finally {
    optimizer.dispose();
    for (const p of model.parameters()) p.value.dispose();
  }
}
