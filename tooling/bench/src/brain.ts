import brain from 'brain.js';
import { makeBatch, measure, type Result, type Workload } from './workload.js';

/**
 * brain.js 2.0 LSTMTimeStep. It trains one sequence at a time and requires outputSize =
 * inputSize, so it predicts the next 8-vector at every step instead of 4 classes at the end —
 * slightly more output work than the others, the same recurrent work.
 */
export function benchBrain(w: Workload, seconds: number): Result {
  const net = new brain.recurrent.LSTMTimeStep({
    inputSize: w.inputSize,
    hiddenLayers: new Array(w.numLayers).fill(w.hiddenSize),
    outputSize: w.inputSize,
  });
  const sequences = 8;
  const { x } = makeBatch(w, 7, sequences);
  const data = Array.from({ length: sequences }, (_, n) =>
    Array.from({ length: w.steps }, (_, t) => Array.from(x.subarray((n * w.steps + t) * w.inputSize, (n * w.steps + t + 1) * w.inputSize))),
  );
  const train = measure(() => void net.train(data, { iterations: 1, log: false, errorThresh: 0 }), seconds, 3);
  const infer = measure(() => void net.run(data[0]!), seconds);
  return {
    library: 'brain.js 2.0.0-beta.24 (LSTMTimeStep, batch 1)',
    workload: w.name,
    trainSequencesPerSecond: sequences / train.median,
    inferSequencesPerSecond: 1 / infer.median,
    note: 'no stateful streaming API',
  };
}
