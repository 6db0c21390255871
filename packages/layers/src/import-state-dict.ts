import { ValueError } from '@lstm/core';
import { ModelFileError, type SafetensorsEntry } from './safetensors.js';
import { SequenceModel, type Readout } from './sequence-model.js';
import { loadStateDict } from './state-dict.js';

/** What cannot be read off a state dict's names and shapes, and choices between candidates. */
export interface ImportOptions {
  /** Module prefix of the recurrent layer ('rnn.', 'encoder.rnn.', '' …); found when only one is present. */
  prefix?: string;
  /** Prefix of the linear head ('head.', 'fc.', …); found when one Linear reads the features. */
  head?: string;
  /** nn.RNN only: 'tanh' or 'relu' — a state dict does not say which. */
  nonlinearity?: 'tanh' | 'relu';
  /** 'last' (the head reads the final state: classification, regression) or 'all' (every step). */
  readout?: Readout;
  dtype?: 'float32' | 'float64';
  /** Names the file in errors. */
  what?: string;
}

export interface ImportedModel {
  model: SequenceModel;
  /** How each part was found: 'rnn.' prefix, 'fc.' head, biases present… */
  found: { prefix: string; head: string | null; cell: 'lstm' | 'gru' | 'rnn'; biases: boolean };
}

const RECURRENT = /^(.*?)(weight_ih|weight_hh|bias_ih|bias_hh|weight_hr)_l(\d+)(_reverse)?$/;

/**
 * Builds a SequenceModel from a PyTorch `nn.LSTM` / `nn.GRU` / `nn.RNN` state dict (as written by
 * `safetensors.torch.save_file(model.state_dict())`), under any module prefix, with or without a
 * linear head. The cell comes from the gate count (4H LSTM, 3H GRU, H RNN), layers and directions
 * from the names, sizes from the shapes. A module built with `bias=False` becomes zero biases; a
 * stack without a head gets an identity head, so the outputs are the stack's features unchanged.
 * @example
 * ```ts
 * // Python: safetensors.torch.save_file(net.state_dict(), 'net.safetensors')
 * import { readFileSync } from 'node:fs';
 * import { decodeSafetensors, importStateDict } from '@lstm/layers';
 *
 * const { tensors } = decodeSafetensors(readFileSync('net.safetensors'));
 * const { model, found } = importStateDict(tensors, { readout: 'last' });
 * found; // { prefix: 'encoder.rnn.', head: 'fc.', cell: 'lstm', biases: true }
 * ```
 */
export function importStateDict(tensors: Record<string, SafetensorsEntry>, options: ImportOptions = {}): ImportedModel {
  const what = options.what ?? 'state dict';
  const fail = (message: string): never => {
    throw new ModelFileError(`${what}: ${message}`);
  };
  const recurrent = Object.keys(tensors).filter((name) => RECURRENT.test(name));
  if (recurrent.length === 0) {
    fail(
      `no recurrent weights (weight_ih_l0, weight_hh_l0, …) among ${Object.keys(tensors).slice(0, 6).join(', ') || 'no tensors'}; it holds no nn.LSTM, nn.GRU or nn.RNN`,
    );
  }
  const prefixes = [...new Set(recurrent.map((name) => recurrentName(name).prefix))];
  const [only, ...others] = prefixes;
  const prefix =
    options.prefix ??
    (only !== undefined && others.length === 0
      ? only
      : fail(`recurrent weights under several prefixes (${prefixes.map((p) => `'${p}'`).join(', ')}); choose one with --prefix`));
  if (!prefixes.includes(prefix))
    fail(`no recurrent weights under the prefix '${prefix}'; found ${prefixes.map((p) => `'${p}'`).join(', ')}`);
  const own = recurrent.filter((name) => recurrentName(name).prefix === prefix);
  if (own.some((name) => name.includes('weight_hr')))
    fail('it has weight_hr (an LSTM with proj_size); projected LSTMs are not supported — train without proj_size');
  const entry = (name: string) => tensors[`${prefix}${name}`] ?? fail(`'${prefix}${name}' is missing`);
  const hh = entry('weight_hh_l0');
  if (hh.shape.length !== 2) fail(`'${prefix}weight_hh_l0' has shape [${hh.shape.join(', ')}]; a recurrent weight is [G·H, H]`);
  const [GH, H] = hh.shape as [number, number];
  const G = GH / H;
  const cell =
    G === 4
      ? 'lstm'
      : G === 3
        ? 'gru'
        : G === 1
          ? 'rnn'
          : fail(`'${prefix}weight_hh_l0' is [${GH}, ${H}]: ${GH} is not 4, 3 or 1 times ${H} (LSTM, GRU or RNN)`);
  if (cell === 'rnn' && !options.nonlinearity) fail("an nn.RNN's nonlinearity is not in its state dict; give --nonlinearity tanh or relu");
  const layers = Math.max(...own.map((name) => recurrentName(name).layer)) + 1;
  const D = own.some((name) => name.endsWith('_reverse')) ? 2 : 1;
  const biases = own.some((name) => name.includes('bias_'));
  const ih = entry('weight_ih_l0');
  const inputSize = ih.shape[1] ?? fail(`'${prefix}weight_ih_l0' has shape [${ih.shape.join(', ')}]; an input weight is [G·H, I]`);
  const weights: Record<string, Float32Array | Float64Array> = {};
  for (let layer = 0; layer < layers; layer++) {
    for (let d = 0; d < D; d++) {
      const suffix = `_l${layer}${d === 1 ? '_reverse' : ''}`;
      const input = layer === 0 ? inputSize : H * D;
      const expect = (name: string, shape: number[]) => {
        const t = entry(`${name}${suffix}`);
        if (t.shape.join() !== shape.join())
          fail(`'${prefix}${name}${suffix}' has shape [${t.shape.join(', ')}]; a ${cell} with hidden ${H} needs [${shape.join(', ')}]`);
        weights[`${name}${suffix}`] = t.data;
      };
      expect('weight_ih', [GH, input]);
      expect('weight_hh', [GH, H]);
      if (biases) {
        expect('bias_ih', [GH]);
        expect('bias_hh', [GH]);
      } else {
        weights[`bias_ih${suffix}`] = new Float64Array(GH);
        weights[`bias_hh${suffix}`] = new Float64Array(GH);
      }
    }
  }
  const features = H * D;
  const head = findHead(tensors, prefix, features, options.head, fail);
  const outputSize = head ? (head.weight.shape[0] ?? features) : features;
  if (head) {
    weights['head.weight'] = head.weight.data;
    const bias = tensors[`${head.prefix}bias`];
    if (bias && bias.shape.join() !== String(outputSize))
      fail(`'${head.prefix}bias' has shape [${bias.shape.join(', ')}]; the head needs [${outputSize}]`);
    weights['head.bias'] = bias ? bias.data : new Float64Array(outputSize);
  } else {
    weights['head.weight'] = Float64Array.from({ length: features * features }, (_, k) =>
      Math.floor(k / features) === k % features ? 1 : 0,
    );
    weights['head.bias'] = new Float64Array(features);
  }
  let model: SequenceModel;
  try {
    model = new SequenceModel({
      cell,
      inputSize,
      hiddenSize: H,
      numLayers: layers,
      bidirectional: D === 2,
      outputSize,
      readout: options.readout ?? 'last',
      dtype: options.dtype ?? 'float32',
      ...(cell === 'rnn' ? { nonlinearity: options.nonlinearity } : {}),
    });
  } catch (error) {
    if (error instanceof ValueError) fail(`it describes a model that cannot be built (${error.message})`);
    throw error;
  }
  loadStateDict(model, weights);
  return { model, found: { prefix, head: head?.prefix ?? null, cell, biases } };
}

/** The prefix and layer of a recurrent tensor's name (one that matched RECURRENT). */
function recurrentName(name: string): { prefix: string; layer: number } {
  const [, prefix = '', , layer = '0'] = RECURRENT.exec(name) ?? [];
  return { prefix, layer: Number(layer) };
}

/** The Linear reading the stack's features: `<p>weight` [O, H·D] outside the recurrent prefix. */
function findHead(
  tensors: Record<string, SafetensorsEntry>,
  prefix: string,
  features: number,
  chosen: string | undefined,
  fail: (m: string) => never,
): { prefix: string; weight: SafetensorsEntry } | null {
  if (chosen !== undefined) {
    const weight = tensors[`${chosen}weight`];
    if (!weight) return fail(`no '${chosen}weight' for the head`);
    if (weight.shape.length !== 2 || weight.shape[1] !== features)
      fail(`'${chosen}weight' is [${weight.shape.join(', ')}]; a head reading ${features} features is [outputs, ${features}]`);
    return { prefix: chosen, weight };
  }
  const candidates = Object.entries(tensors)
    .filter(
      ([name, t]) =>
        name.endsWith('weight') &&
        !RECURRENT.test(name) &&
        !(prefix && name.startsWith(prefix) && RECURRENT.test(name)) &&
        t.shape.length === 2 &&
        t.shape[1] === features,
    )
    .map(([name]) => name.slice(0, -'weight'.length));
  if (candidates.length > 1)
    fail(`several layers could be the head (${candidates.map((c) => `'${c}'`).join(', ')}); choose one with --head`);
  const others = Object.keys(tensors).filter(
    (name) => !RECURRENT.test(name) && !(candidates[0] !== undefined && name.startsWith(candidates[0])),
  );
  if (others.length)
    fail(
      `tensors ${others.slice(0, 4).join(', ')} belong to neither the recurrent layer nor a linear head; import supports rnn + Linear models`,
    );
  const [name] = candidates;
  const weight = name === undefined ? undefined : tensors[`${name}weight`];
  return name === undefined || !weight ? null : { prefix: name, weight };
}
