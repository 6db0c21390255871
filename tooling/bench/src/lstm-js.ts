import { registerBackend, setBackend, tensor, tidy, type BackendFactory } from '@lstm/core';
import { SequenceClassifier, type SequenceClassifierOptions } from '@lstm/layers';
import { Adam } from '@lstm/optim';
import { batchLoss, readStepSummary, stepSummary } from '@lstm/tasks';
import { makeBatch, measure, trainingFlops, type Result, type Workload } from './workload.js';

/** The benchmark's classifier for a workload (seed 1: every contestant starts from the same weights). */
export function benchModel(w: Workload, cell: Pick<SequenceClassifierOptions, 'cell' | 'variant' | 'pin'> = {}): SequenceClassifier {
  return new SequenceClassifier({
    inputSize: w.inputSize,
    hiddenSize: w.hiddenSize,
    numLayers: w.numLayers,
    numClasses: w.classes,
    seed: 1,
    ...cell,
  });
}

/** Frees a contestant's model and optimizer, so that round after round (rounds.ts) the backend's memory stays flat. */
export function release(model: SequenceClassifier, optimizer: Adam): void {
  optimizer.dispose();
  for (const p of model.parameters()) {
    p.value.dispose();
    p.grad?.dispose();
  }
}

/**
 * @lstm on any backend: SequenceClassifier, the Trainer's device-resident step (cross-entropy
 * and the tally's sums as tensors, clipping at 1.0 on the device, one read), Adam.
 */
export async function benchLstmJs(
  w: Workload,
  seconds: number,
  factory: BackendFactory,
  library: string,
  cell: Pick<SequenceClassifierOptions, 'cell' | 'variant' | 'pin'> = {},
): Promise<Result> {
  registerBackend(factory);
  await setBackend(factory.name);
  const model = benchModel(w, cell);
  const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
  const { x, y } = makeBatch(w, 7);
  const shape = [w.batch, w.steps, w.inputSize];
  const train = measure(
    () =>
      tidy(() => {
        const { output: logits, cache } = model.forward(tensor(x, shape), { training: true });
        const loss = batchLoss('classification', logits, y);
        model.backward(loss.grad, cache);
        readStepSummary(stepSummary(model.parameters(), loss, { clip: 1 }), loss.count);
        optimizer.step();
        optimizer.zeroGrad();
      }),
    seconds,
  );
  const infer = measure(() => tidy(() => void model.forward(tensor(x, shape)).output.readSync()), seconds);
  const stream = model.rnn.stream();
  const step = x.subarray(0, w.inputSize);
  const streaming = measure(() => tidy(() => void model.head.forward(stream.step(step)).output.readSync()), seconds);
  stream.dispose();
  release(model, optimizer);
  const trainRate = w.batch / train.median;
  return {
    library,
    workload: w.name,
    trainSequencesPerSecond: trainRate,
    inferSequencesPerSecond: w.batch / infer.median,
    streamMicrosecondsPerStep: streaming.median * 1e6,
    gflops: (trainRate * trainingFlops(w)) / 1e9,
  };
}
