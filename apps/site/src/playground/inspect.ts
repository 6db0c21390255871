import { Rng, tensor, tidy } from '@lstm/core';
import { unpackGates, unpackState, type SequenceModel } from '@lstm/layers';
import { gather, oneHot, recordActivityAsync, saliency, sampleToken, encode } from '@lstm/tasks';
import type { GateMap, Inspection, SaliencyResult, Snapshot } from './protocol.js';
import type { Session } from './session.js';

/** Units the heat maps and the stepper show (the first ones of the first layer). */
export const SHOWN_UNITS = 16;
/** Fixed validation sequences behind the gradient-flow chart. */
const FLOW_SAMPLES = 8;
const SIGMOID_GATES = new Set(['i', 'f', 'o', 'r', 'z']);

/** The first units of a layer of H, each as [step] values (what the heat maps and the stepper read). */
const shown = (steps: number, hidden: number) => ({
  steps,
  hidden,
  units: Array.from({ length: Math.min(hidden, SHOWN_UNITS) }, (_, u) => u),
});

/**
 * The sigmoid gates of the first layer on the first fixed validation sequence (h for a vanilla
 * RNN, which has none), and the mean ‖∂L/∂h_t‖ per step over eight fixed sequences.
 */
export async function snapshot(session: Session): Promise<Snapshot> {
  const { model, task } = session;
  const recording = await recordActivityAsync(model, task, session.epochsDone, { gates: true, gradients: true, samples: FLOW_SAMPLES });
  const H = model.rnn.hiddenSize;
  const { steps, samples } = recording;
  const gateArray = recording.arrays['gates.l0'];
  const gates: GateMap[] = gateArray
    ? unpackGates(recording, gateArray.data, shown(steps, H)).flatMap(([name, values]) =>
        SIGMOID_GATES.has(name) ? [{ name, values }] : [],
      )
    : [{ name: 'h', values: unpackState(recording.arrays['hidden.l0']!.data, shown(steps, H)) }];
  const dh = recording.arrays['dh.l0']!.data;
  const flow = Array.from({ length: steps }, (_, t) => {
    let sum = 0;
    for (let b = 0; b < samples; b++) {
      let square = 0;
      for (let u = 0; u < H; u++) square += dh[(b * steps + t) * H + u]! ** 2;
      sum += Math.sqrt(square);
    }
    return sum / samples;
  });
  return { epoch: session.epochsDone, gates, flow };
}

/**
 * Test sequence `index` step by step: inputs, every gate, c and h of the first layer, the
 * prediction. Reads synchronously: `model` is the session's own, or its copy on the CPU (`onHost`).
 */
export function inspect(session: Session, index: number, model: SequenceModel = session.model): Inspection {
  const { task } = session;
  const info = session.info();
  if (!Number.isInteger(index) || index < 0 || index >= info.testCount)
    throw new RangeError(`sequence ${index} does not exist: the test split has sequences 0 to ${info.testCount - 1}`);
  const steps = info.steps;
  const vocabulary = task.objective === 'language-model' ? task.vocabulary : null;
  const tokens = task.objective === 'language-model' ? task.test.subarray(index * steps, index * steps + steps + 1) : null;
  const batch = task.objective === 'language-model' ? null : gather(task.test, [index]);
  return tidy(() => {
    const x = tokens
      ? tensor(oneHot(tokens.subarray(0, steps), task.inputSize), [1, steps, task.inputSize], model.rnn.dtype)
      : tensor(batch!.inputs, [1, steps, task.inputSize], model.rnn.dtype);
    const { output, trace } = model.forward(x, { record: true });
    const layer = trace!.find((t) => t.layer === 0 && t.direction === 'forward')!;
    const units = shown(steps, model.rnn.hiddenSize);
    const gates = layer.gates ? unpackGates(layer, layer.gates.readSync(), units).map(([name, values]) => ({ name, values })) : [];
    const cells = layer.cells ? unpackState(layer.cells.readSync(), units) : null;
    const hidden = unpackState(layer.hidden.readSync(), units);
    const out = Array.from(output.readSync());
    const describe = describeOutput(session, out, tokens, batch?.targets ?? null);
    return {
      index,
      inputs: tokens
        ? Array.from(tokens.subarray(0, steps), (id) => vocabulary![id]!)
        : Array.from({ length: steps }, (_, t) => formatInput(batch!.inputs.subarray(t * task.inputSize, (t + 1) * task.inputSize))),
      gateNames: gates.map((g) => g.name),
      gates,
      cells,
      hidden,
      ...describe,
    };
  });
}

function formatInput(values: Float32Array): string {
  if (values.length === 1) return values[0]!.toFixed(2);
  const hot = values.indexOf(1);
  if (hot >= 0 && values.every((v) => v === 0 || v === 1)) return values.reduce((a, b) => a + b, 0) === 1 ? String(hot) : '·';
  return Array.from(values, (v) => v.toFixed(2)).join(' ');
}

const softmax = (values: number[]) => {
  const max = Math.max(...values);
  const exps = values.map((v) => Math.exp(v - max));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / total);
};
const argmax = (values: number[]) => values.indexOf(Math.max(...values));

/** The target and the prediction in words (and class probabilities where there are classes). */
function describeOutput(
  session: Session,
  out: number[],
  tokens: Int32Array | null,
  targets: Int32Array | Float32Array | null,
): Pick<Inspection, 'target' | 'prediction' | 'probabilities'> {
  const task = session.task;
  const C = task.outputSize;
  const perStep = (t: number) => out.slice(t * C, (t + 1) * C);
  if (task.objective === 'language-model') {
    const steps = tokens!.length - 1;
    return {
      target: Array.from(tokens!.subarray(1), (id) => task.vocabulary[id]!).join(''),
      prediction: Array.from({ length: steps }, (_, t) => task.vocabulary[argmax(perStep(t))]!).join(''),
      probabilities: null,
    };
  }
  if (task.objective === 'regression') return { target: targets![0]!.toFixed(4), prediction: out[0]!.toFixed(4), probabilities: null };
  if (task.objective === 'tagging') {
    const steps = targets!.length;
    const recall = Array.from({ length: steps }, (_, t) => t).filter((t) => targets![t]! >= 0);
    return {
      target: recall.map((t) => targets![t]).join(' '),
      prediction: recall.map((t) => argmax(perStep(t))).join(' '),
      probabilities: null,
    };
  }
  const probabilities = softmax(out);
  return { target: `class ${targets![0]}`, prediction: `class ${argmax(out)}`, probabilities };
}

/** A text model continues `prime` by sampling at a temperature (seeded: the same seed, the same text). */
export function sampleText(
  session: Session,
  prime: string,
  length: number,
  temperature: number,
  seed: number,
  model: SequenceModel = session.model,
): string {
  const { task } = session;
  if (task.objective !== 'language-model') throw new RangeError('sampling needs the text task');
  if (!(temperature > 0)) throw new RangeError(`temperature must be above 0, got ${temperature}`);
  const ids = encode(prime === '' ? (task.vocabulary.find((c) => /[A-Z]/.test(c)) ?? task.vocabulary[0]!) : prime, task.vocabulary);
  const rng = Rng.derive(seed, 'sample');
  const stream = model.rnn.stream();
  const V = task.vocabulary.length;
  let logits: Float32Array | Float64Array = new Float32Array(V);
  const step = (id: number) =>
    tidy(() => {
      const h = stream.step(tensor(oneHot(Int32Array.of(id), V), [1, V]));
      logits = model.head.forward(h).output.readSync().slice();
    });
  let out = Array.from(ids, (id) => task.vocabulary[id]!).join('');
  try {
    for (const id of ids) step(id);
    for (let i = 0; i < length; i++) {
      const next = sampleToken(logits, temperature, undefined, rng);
      out += task.vocabulary[next]!;
      step(next);
    }
  } finally {
    stream.dispose();
  }
  return out;
}

/** Which earlier characters the prediction after `position` depends on, and the most active units there. */
export function textSaliency(session: Session, text: string, position: number, model: SequenceModel = session.model): SaliencyResult {
  const { task } = session;
  if (task.objective !== 'language-model') throw new RangeError('saliency needs the text task');
  const tokens = encode(text, task.vocabulary);
  if (!Number.isInteger(position) || position < 0 || position >= tokens.length)
    throw new RangeError(`position ${position} is outside the text (0 to ${tokens.length - 1})`);
  const result = saliency(model, tokens, position, task.vocabulary.length);
  const units = tidy(() => {
    const x = tensor(oneHot(tokens.subarray(0, position + 1), task.inputSize), [1, position + 1, task.inputSize], model.rnn.dtype);
    const layer = model.forward(x, { record: true }).trace!.find((t) => t.layer === 0 && t.direction === 'forward')!;
    const H = model.rnn.hiddenSize;
    const h = Array.from(layer.hidden.readSync().subarray(position * H, (position + 1) * H));
    return h
      .map((value, unit) => ({ unit, h: value }))
      .sort((a, b) => Math.abs(b.h) - Math.abs(a.h))
      .slice(0, 5);
  });
  return { position, predicted: task.vocabulary[result.predicted]!, probability: result.probability, values: result.values, units };
}
