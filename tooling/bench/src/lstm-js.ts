import { registerBackend, setBackend, tensor, tidy } from '@lstm/core';
import { cpu } from '@lstm/backend-cpu';
import { SequenceClassifier, softmaxCrossEntropy } from '@lstm/layers';
import { Adam, clipGradNorm } from '@lstm/optim';
import { makeBatch, measure, trainingFlops, type Result, type Workload } from './workload.js';

/** @lstm on backend-cpu: SequenceClassifier, cross-entropy, Adam, clipping at 1.0. */
export async function benchLstmJs(w: Workload, seconds: number, threads = 1): Promise<Result> {
  const name = threads === 1 ? 'cpu' : `cpu-${threads}-threads`;
  registerBackend(cpu({ name, threads }));
  await setBackend(name);
  const model = new SequenceClassifier({
    inputSize: w.inputSize,
    hiddenSize: w.hiddenSize,
    numLayers: w.numLayers,
    numClasses: w.classes,
    seed: 1,
  });
  const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
  const { x, y } = makeBatch(w, 7);
  const shape = [w.batch, w.steps, w.inputSize];
  const train = measure(
    () =>
      tidy(() => {
        const { output: logits, cache } = model.forward(tensor(x, shape), { training: true });
        model.backward(softmaxCrossEntropy(logits, y).grad, cache);
        clipGradNorm(model.parameters(), 1);
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
  const trainRate = w.batch / train.median;
  return {
    library: threads === 1 ? '@lstm backend-cpu' : `@lstm backend-cpu, ${threads} threads`,
    workload: w.name,
    trainSequencesPerSecond: trainRate,
    inferSequencesPerSecond: w.batch / infer.median,
    streamMicrosecondsPerStep: streaming.median * 1e6,
    gflops: (trainRate * trainingFlops(w)) / 1e9,
  };
}
