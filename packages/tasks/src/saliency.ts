import { tensor, tidy } from '@lstm/core';
import { type SequenceModel, zeroGrad } from '@lstm/layers';
import { oneHot } from './text.js';

/** Which inputs a character model's prediction at one position depends on (article A4's connectivity). */
export interface Saliency {
  /** The character the model predicts after position `position` (its most likely next token). */
  predicted: number;
  /** Its probability. */
  probability: number;
  /** |∂ log p(predicted) / ∂ x_t| for t = 0 … position: the Euclidean norm over the one-hot input at t. */
  values: number[];
}

/**
 * The saliency of every input token for the prediction at `position` of a language model
 * (readout 'all', one-hot inputs): the gradient of the log-probability of the predicted next
 * token with respect to each input vector, as its norm. Inputs after `position` cannot matter
 * to a unidirectional model and are not reported. The model's gradients are cleared afterwards.
 */
export function saliency(model: SequenceModel, tokens: Int32Array, position: number, vocabulary: number): Saliency {
  const steps = position + 1;
  const result = tidy(() => {
    const x = tensor(oneHot(tokens.subarray(0, steps), vocabulary), [1, steps, vocabulary], model.rnn.dtype);
    const { output, cache } = model.forward(x, { training: false, record: true });
    const logits = output.readSync().subarray(position * vocabulary, (position + 1) * vocabulary);
    let predicted = 0;
    for (let v = 1; v < vocabulary; v++) if (logits[v]! > logits[predicted]!) predicted = v;
    const top = logits[predicted]!;
    const exps = Array.from(logits, (l) => Math.exp(l - top));
    const total = exps.reduce((a, b) => a + b, 0);
    // ∂ log softmax(z)_k / ∂z = onehot(k) − softmax(z), at the chosen position only.
    const dOutput = new Float64Array(steps * vocabulary);
    for (let v = 0; v < vocabulary; v++) dOutput[position * vocabulary + v] = (v === predicted ? 1 : 0) - exps[v]! / total;
    const { dx } = model.backward(tensor(dOutput, [1, steps, vocabulary], model.rnn.dtype), cache);
    const grads = dx.readSync();
    const values = Array.from({ length: steps }, (_, t) => {
      let sum = 0;
      for (let v = 0; v < vocabulary; v++) sum += grads[t * vocabulary + v]! ** 2;
      return Math.sqrt(sum);
    });
    return { predicted, probability: exps[predicted]! / total, values };
  });
  zeroGrad(model);
  return result;
}
