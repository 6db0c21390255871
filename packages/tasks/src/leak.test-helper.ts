import { memory, tensor, tidy, keep, type MemoryInfo, type Tensor } from '@lstm/core';
import { SequenceModel } from '@lstm/layers';
import { Adam } from '@lstm/optim';
import { batchLoss } from './metrics.js';
import { readStepSummary, stepSummary } from './train-step.js';

/**
 * Test helper (not part of the package): training steps of a small LSTM classifier on the
 * active backend — forward, loss, backward, clipping, Adam — exactly as the Trainer runs them.
 * `step()` records one step and returns its summary tensor (owned by the caller), the step's one read.
 */
function smallTraining(numLayers: number) {
  const [B, T, I, C] = [8, 6, 3, 4];
  const model = new SequenceModel({ inputSize: I, hiddenSize: 12, outputSize: C, numLayers, seed: 5 });
  const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
  const inputs = Float32Array.from({ length: B * T * I }, (_, i) => Math.sin(i));
  const targets = Int32Array.from({ length: B }, (_, b) => b % C);
  return {
    count: B,
    step(): Tensor {
      return tidy(() => {
        const { output, cache } = model.forward(tensor(inputs, [B, T, I]), { training: true });
        const loss = batchLoss('classification', output, targets);
        model.backward(loss.grad, cache);
        const summary = keep(stepSummary(model.parameters(), loss, { clip: 1 }));
        optimizer.step();
        optimizer.zeroGrad();
        return summary;
      });
    },
    dispose(): void {
      for (const p of model.parameters()) p.value.dispose();
    },
  };
}

/** `steps` steps, each read synchronously; `probe` after each with core's memory() (the caller adds its runtime's). */
export function trainSteps(steps: number, probe: (step: number, core: MemoryInfo) => void): void {
  const training = smallTraining(2);
  for (let step = 1; step <= steps; step++) {
    const summary = training.step();
    readStepSummary(summary, training.count);
    summary.dispose();
    probe(step, memory());
  }
  training.dispose();
}

/**
 * The same with the step's one read asynchronous (`await summary.read()`), for backends without
 * synchronous reads; `numLayers` 1 keeps it quick under a software-emulated GPU.
 */
export async function trainStepsAsync(
  steps: number,
  probe: (step: number, core: MemoryInfo, loss: number) => void,
  numLayers = 2,
): Promise<void> {
  const training = smallTraining(numLayers);
  for (let step = 1; step <= steps; step++) {
    const summary = training.step();
    const values = await summary.read();
    summary.dispose();
    probe(step, memory(), values[0]! / training.count);
  }
  training.dispose();
}
