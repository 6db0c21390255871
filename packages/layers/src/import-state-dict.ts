import { ValueError } from '@lstm/core';
import { ModelFileError, type SafetensorsEntry } from './safetensors.js';
import { type Readout, SequenceModel } from './sequence-model.js';
import { loadStateDict } from './state-dict.js';
import { identity } from './matrix.js';
import { applyIgnore, importDtype, list, outputKind, type OutputKind } from './import-common.js';

export type { OutputKind } from './import-common.js';

/** What cannot be read off a state dict's names and shapes, and choices between candidates. */
export interface ImportOptions {
  /** Module prefix of the recurrent layer ('rnn.', 'encoder.rnn.', '' …); found when only one is present. */
  prefix?: string;
  /** Prefix of the linear head ('head.', 'fc.', …); found when one Linear reads the features. */
  head?: string;
  /** nn.RNN only: 'tanh' or 'relu' — a state dict does not say which. */
  nonlinearity?: 'tanh' | 'relu';
  /** What the head reads: 'last' (h_n), 'last-output' (out[:, -1]) or 'all' (every step). */
  readout?: Readout;
  /** What the head predicts; a head with one output (or none) predicts values, otherwise say which. */
  output?: OutputKind;
  /** Tensors to leave out knowingly: names or globs (`*` any characters), e.g. 'embedding.*'. */
  ignore?: readonly string[];
  /** 'float64' keeps F64 weights as they are; 'float32' refuses F64 values float32 cannot hold. Default: the file's. */
  dtype?: 'float32' | 'float64';
  /** Names the file in errors. */
  what?: string;
}

export interface ImportFound {
  prefix: string;
  head: string | null;
  cell: 'lstm' | 'gru' | 'rnn';
  biases: boolean;
  output: OutputKind;
  /** Tensors left out because an `ignore` pattern named them. */
  ignored: string[];
}

export interface ImportedModel {
  model: SequenceModel;
  /** How each part was found: 'rnn.' prefix, 'fc.' head, biases present, what was ignored… */
  found: ImportFound;
}

const RECURRENT = /^(.*?)(weight_ih|weight_hh|bias_ih|bias_hh|weight_hr)_l(\d+)(_reverse)?$/;

/**
 * Builds a SequenceModel from a PyTorch `nn.LSTM` / `nn.GRU` / `nn.RNN` state dict (as written by
 * `safetensors.torch.save_file(model.state_dict())`), under any module prefix, with or without a
 * linear head. The cell comes from the gate count (4H LSTM, 3H GRU, H RNN), layers and directions
 * from the names, sizes from the shapes. A module built with `bias=False` becomes zero biases; a
 * stack without a head gets an identity head, so the outputs are the stack's features unchanged.
 * Every tensor of the file is accounted for: it is mapped, or named by `ignore`, or the import is
 * refused in one line naming what would be left over.
 * @example
 * ```ts
 * // Python: safetensors.torch.save_file(net.state_dict(), 'net.safetensors')
 * import { readFileSync } from 'node:fs';
 * import { decodeSafetensors, importStateDict } from '@lstm/layers';
 *
 * const { tensors } = decodeSafetensors(readFileSync('net.safetensors'));
 * const { model, found } = importStateDict(tensors, { readout: 'last', output: 'classes' });
 * found; // { prefix: 'encoder.rnn.', head: 'fc.', cell: 'lstm', biases: true, output: 'classes', ignored: [] }
 * ```
 */
export function importStateDict(all: Record<string, SafetensorsEntry>, options: ImportOptions = {}): ImportedModel {
  const what = options.what ?? 'state dict';
  const fail = (message: string): never => {
    throw new ModelFileError(`${what}: ${message}`);
  };
  const { kept, ignored } = applyIgnore(Object.keys(all), options.ignore ?? [], fail);
  const keep = new Set(kept);
  const tensors = Object.fromEntries(Object.entries(all).filter(([name]) => keep.has(name)));
  const recurrent = kept.filter((name) => RECURRENT.test(name));
  if (recurrent.length === 0) {
    fail(`no recurrent weights (weight_ih_l0, weight_hh_l0, …) among ${list(kept, 6)}; it holds no nn.LSTM, nn.GRU or nn.RNN`);
  }
  const prefixes = [...new Set(recurrent.map((name) => recurrentName(name).prefix))];
  const [only, ...others] = prefixes;
  const prefix =
    options.prefix ??
    (only !== undefined && others.length === 0
      ? only
      : fail(
          `recurrent weights under several prefixes (${prefixes.map((p) => `'${p}'`).join(', ')}); a model here is one recurrent stack — choose it with --prefix`,
        ));
  if (!prefixes.includes(prefix))
    fail(`no recurrent weights under the prefix '${prefix}'; found ${prefixes.map((p) => `'${p}'`).join(', ')}`);
  const own = recurrent.filter((name) => recurrentName(name).prefix === prefix);
  if (own.some((name) => name.includes('weight_hr')))
    fail('it has weight_hr (an LSTM with proj_size); projected LSTMs are not supported — train without proj_size');
  const used = new Set<string>();
  const entry = (name: string) => {
    used.add(`${prefix}${name}`);
    return tensors[`${prefix}${name}`] ?? fail(`'${prefix}${name}' is missing`);
  };
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
  // Bidirectional: h_n and out[:, -1] differ in the backward half and both idioms are common; the
  // state dict cannot say which the head was trained on, so the caller must.
  if (D === 2 && options.readout === undefined)
    fail(
      'it is bidirectional, and a state dict does not say whether the head read h_n (fc(cat(h[-2], h[-1]))) or out[:, -1]; give --readout last or --readout last-output (or all, for every step)',
    );
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
  const head = findHead(tensors, used, features, options.head, fail);
  const outputSize = head ? (head.weight.shape[0] ?? features) : features;
  if (head) {
    used.add(`${head.prefix}weight`);
    weights['head.weight'] = head.weight.data;
    const bias = tensors[`${head.prefix}bias`];
    if (bias && bias.shape.join() !== String(outputSize))
      fail(`'${head.prefix}bias' has shape [${bias.shape.join(', ')}]; the head needs [${outputSize}]`);
    if (bias) used.add(`${head.prefix}bias`);
    weights['head.bias'] = bias ? bias.data : new Float64Array(outputSize);
  } else {
    weights['head.weight'] = identity(features);
    weights['head.bias'] = new Float64Array(features);
  }
  const leftover = kept.filter((name) => !used.has(name));
  if (leftover.length) fail(leftoverMessage(leftover, tensors, { prefix, inputSize, H, D, layers, head: head?.prefix ?? null }));
  const output = outputKind(options.output, outputSize, head !== null, fail);
  const dtype = importDtype(
    [...used].flatMap((name) => tensors[name] ?? []),
    options.dtype,
    fail,
  );
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
      dtype,
      ...(cell === 'rnn' ? { nonlinearity: options.nonlinearity } : {}),
    });
  } catch (error) {
    if (error instanceof ValueError) fail(`it describes a model that cannot be built (${error.message})`);
    throw error;
  }
  loadStateDict(model, weights);
  return { model, found: { prefix, head: head?.prefix ?? null, cell, biases, output, ignored } };
}

/** Why tensors were left over, with a guess at what they are when the shapes say so. */
function leftoverMessage(
  leftover: string[],
  tensors: Record<string, SafetensorsEntry>,
  s: { prefix: string; inputSize: number; H: number; D: number; layers: number; head: string | null },
): string {
  const shape = (name: string) => tensors[name]?.shape ?? [];
  const guesses: string[] = [];
  const otherStacks = [...new Set(leftover.filter((n) => RECURRENT.test(n)).map((n) => recurrentName(n).prefix))];
  if (otherStacks.length) guesses.push(`another recurrent stack under ${otherStacks.map((p) => `'${p}'`).join(', ')}`);
  // [L·D, 1, H], [L·D, H] or [H]: a tensor the size of one state, not a layer's weight or bias.
  const state = leftover.find((n) => {
    const dims = shape(n);
    const states = dims.length === 1 ? 1 : dims[0];
    return !/(weight|bias)$/.test(n) && dims.at(-1) === s.H && states === s.layers * s.D && dims.slice(1, -1).every((d) => d === 1);
  });
  if (state)
    guesses.push(
      `'${state}' [${shape(state).join(', ')}] looks like a learned initial state, which a state dict does not say how to use — export the model with torch.onnx.export and import the .onnx`,
    );
  const before = leftover.find((n) => n.endsWith('weight') && shape(n).length === 2 && shape(n)[0] === s.inputSize && !RECURRENT.test(n));
  if (before)
    guesses.push(
      `'${before}' [${shape(before).join(', ')}] looks like a layer before the recurrent one (it outputs its ${s.inputSize} inputs)`,
    );
  return (
    `${leftover.length} tensor(s) fit no part of the model — ${list(leftover)}; a model here is one recurrent stack ('${s.prefix}')` +
    ` and at most one Linear head reading its features${s.head === null ? '' : ` ('${s.head}')`}` +
    `${guesses.length ? ` (${guesses.join('; ')})` : ''}; pass --ignore PATTERN to leave them out knowingly`
  );
}

/** The prefix and layer of a recurrent tensor's name (one that matched RECURRENT). */
function recurrentName(name: string): { prefix: string; layer: number } {
  const [, prefix = '', , layer = '0'] = RECURRENT.exec(name) ?? [];
  return { prefix, layer: Number(layer) };
}

/** The Linear reading the stack's features: `<p>weight` [O, H·D] among the tensors not yet used. */
function findHead(
  tensors: Record<string, SafetensorsEntry>,
  used: Set<string>,
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
      ([name, t]) => name.endsWith('weight') && !used.has(name) && !RECURRENT.test(name) && t.shape.length === 2 && t.shape[1] === features,
    )
    .map(([name]) => name.slice(0, -'weight'.length));
  if (candidates.length > 1)
    fail(`several layers could be the head (${candidates.map((c) => `'${c}'`).join(', ')}); choose one with --head`);
  const [name] = candidates;
  const weight = name === undefined ? undefined : tensors[`${name}weight`];
  return name === undefined || !weight ? null : { prefix: name, weight };
}
