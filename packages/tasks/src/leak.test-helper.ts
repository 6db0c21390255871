import { memory, tensor, tidy, type MemoryInfo } from '@lstm/core';
import { SequenceModel } from '@lstm/layers';
import { Adam } from '@lstm/optim';
import { batchLoss } from './metrics.js';
import { readStepSummary, stepSummary } from './train-step.js';

/**
 * Test helper (not part of the package): `steps` training steps of a small LSTM classifier on
 * the active backend — forward, loss, backward, clipping, Adam — exactly as the Trainer runs
 * them, calling `probe` after each step with core's memory() (the caller adds its runtime's).
 */
export function trainSteps(steps: number, probe: (step: number, core: MemoryInfo) => void): void {
  const [B, T, I, C] = [8, 6, 3, 4];
  const model = new SequenceModel({ inputSize: I, hiddenSize: 12, outputSize: C, numLayers: 2, seed: 5 });
  const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
  const inputs = Float32Array.from({ length: B * T * I }, (_, i) => Math.sin(i));
  const targets = Int32Array.from({ length: B }, (_, b) => b % C);
  for (let step = 1; step <= steps; step++) {
    tidy(() => {
      const { output, cache } = model.forward(tensor(inputs, [B, T, I]), { training: true });
      const loss = batchLoss('classification', output, targets);
      model.backward(loss.grad, cache);
      readStepSummary(stepSummary(model.parameters(), loss, { clip: 1 }), loss.count);
      optimizer.step();
      optimizer.zeroGrad();
    });
    probe(step, memory());
  }
  for (const p of model.parameters()) p.value.dispose();
}
