/**
 * The quickstart: an LSTM learns a long-range dependency on the CPU backend in seconds.
 *
 * Task (a small version of SPEC §4 E1): each sequence has T steps of one feature. Steps 1 and T
 * carry ±1 signals; the T − 2 steps between are uniform noise in [−1, 1]. The class is
 * (x_1 > 0) · 2 + (x_T > 0), so the model must carry the sign of step 1 across all the noise.
 * Chance is 25 %. (The full experiment, with signals that look like the noise, is E1.) The last-step LSTM state feeds a linear head; loss is cross-entropy.
 */
import { Rng, registerBackend, setBackendSync, tensor, tidy } from '@lstm/core';
import { cpu } from '@lstm/backend-cpu';
import { SequenceClassifier, argmax, parameterCount, softmaxCrossEntropy } from '@lstm/layers';
import { Adam, clipGradNorm } from '@lstm/optim';

registerBackend(cpu());
setBackendSync('cpu');

const T = 20, TRAIN = 2048, TEST = 512, BATCH = 32, EPOCHS = 6, HIDDEN = 32;
const rng = new Rng(42);

function makeSet(size: number) {
  const x = new Float32Array(size * T);
  const y = new Int32Array(size);
  for (let n = 0; n < size; n++) {
    for (let t = 0; t < T; t++) x[n * T + t] = rng.uniform(-1, 1);
    x[n * T] = rng.next() < 0.5 ? -1 : 1;
    x[n * T + T - 1] = rng.next() < 0.5 ? -1 : 1;
    y[n] = (x[n * T]! > 0 ? 2 : 0) + (x[n * T + T - 1]! > 0 ? 1 : 0);
  }
  return { x, y, size };
}

const train = makeSet(TRAIN);
const test = makeSet(TEST);
const model = new SequenceClassifier({ inputSize: 1, hiddenSize: HIDDEN, numClasses: 4, seed: 1, init: { forgetBias: 1 } });
const optimizer = new Adam(model.parameters(), { lr: 1e-2 });

function evaluate(set: ReturnType<typeof makeSet>): { loss: number; accuracy: number } {
  return tidy(() => {
    const { output: logits } = model.forward(tensor(set.x, [set.size, T, 1]));
    const { loss } = softmaxCrossEntropy(logits, set.y);
    const predicted = argmax(logits);
    const correct = predicted.reduce((n, p, i) => n + (p === set.y[i] ? 1 : 0), 0);
    return { loss: loss.readSync()[0]!, accuracy: correct / set.size };
  });
}

console.log(`@lstm quickstart — LSTM(1 → ${HIDDEN}) + Linear(${HIDDEN} → 4), ${parameterCount(model)} parameters, CPU backend`);
console.log(`task: remember step 1 of ${T} across ${T - 2} noisy steps (4 classes, chance 25%); ${TRAIN} train / ${TEST} test sequences\n`);
const before = evaluate(test);
console.log(`epoch  0  test loss ${before.loss.toFixed(4)}  test accuracy ${(before.accuracy * 100).toFixed(1)}%`);
const order = Array.from({ length: TRAIN }, (_, i) => i);
const started = performance.now();
for (let epoch = 1; epoch <= EPOCHS; epoch++) {
  rng.shuffle(order);
  let trainLoss = 0;
  for (let start = 0; start < TRAIN; start += BATCH) {
    const batch = order.slice(start, start + BATCH);
    const x = new Float32Array(batch.length * T);
    batch.forEach((n, b) => x.set(train.x.subarray(n * T, (n + 1) * T), b * T));
    trainLoss += tidy(() => {
      const { output: logits, cache } = model.forward(tensor(x, [batch.length, T, 1]), { training: true });
      const { loss, grad } = softmaxCrossEntropy(logits, batch.map((n) => train.y[n]!));
      model.backward(grad, cache);
      clipGradNorm(model.parameters(), 1);
      optimizer.step();
      optimizer.zeroGrad();
      return loss.readSync()[0]! * batch.length;
    });
  }
  const result = evaluate(test);
  const seconds = (performance.now() - started) / 1000;
  console.log(`epoch ${String(epoch).padStart(2)}  train loss ${(trainLoss / TRAIN).toFixed(4)}  test loss ${result.loss.toFixed(4)}  test accuracy ${(result.accuracy * 100).toFixed(1)}%  (${seconds.toFixed(1)} s)`);
}
