import { ValueError } from '@lstm/core';
import { outputKind } from './import-common.js';
import type { ImportedModel, ImportOptions } from './import-state-dict.js';
import { identity, reorderBlocks, transposed } from './matrix.js';
import { SequenceModel } from './sequence-model.js';
import { loadStateDict } from './state-dict.js';
import { type ReadWeightFile, type TfjsWeight, readWeightsManifest, tfjsError } from './tfjs-weights.js';

type Fail = (m: string) => never;
type Config = Record<string, unknown>;
interface Layer {
  className: string;
  name: string;
  config: Config;
}

const RECURRENT: Record<string, 'lstm' | 'gru' | 'rnn'> = { LSTM: 'lstm', GRU: 'gru', SimpleRNN: 'rnn' };
/** Keras/TF.js gate blocks → PyTorch's: LSTM i,f,c,o is i,f,g,o already; GRU z,r,h → r,z,n. */
const ORDER = { lstm: [0, 1, 2, 3], gru: [1, 0, 2], rnn: [0] } as const;
/** Layers that compute nothing at inference. */
const INERT = ['Dropout', 'SpatialDropout1D', 'GaussianNoise', 'GaussianDropout', 'ActivityRegularization'];

/**
 * Reads a TensorFlow.js layers model (`model.json` and the weight files it names, as
 * `model.save('file://…')` or `tensorflowjs_converter --input_format keras` write them) into a
 * SequenceModel: `lstm` / `gru` / `simpleRNN` layers (also inside `bidirectional`, merge mode
 * concat), stacked, with an optional `dense` head (linear, or softmax: a classifier whose logits
 * are the head's). Every layer and every weight is accounted for; what TF.js computes and PyTorch's
 * cells do not — a GRU with the reset gate before the product (resetAfter false, TF.js's only GRU),
 * masking, stateful or backward-only layers, other activations — is refused in one line.
 */
export function importTfjs(modelJson: string, read: ReadWeightFile, options: Pick<ImportOptions, 'output' | 'what'> = {}): ImportedModel {
  const what = options.what ?? 'model.json';
  const fail = tfjsError(what);
  let artifacts: Config;
  try {
    artifacts = JSON.parse(modelJson) as Config;
  } catch {
    return fail('not valid JSON');
  }
  if (artifacts?.format === 'graph-model')
    fail(
      'a TF.js graph model (converted from a SavedModel) has no layers to read; convert the Keras model instead: tensorflowjs_converter --input_format keras MODEL.h5 DIR',
    );
  const topology = (artifacts?.modelTopology ?? fail('no modelTopology — not a TF.js layers model')) as Config;
  const layers = layersOf((topology.model_config ?? topology) as Config, fail);
  const weights = readWeightsManifest(artifacts.weightsManifest, read, fail);
  const used = new Set<string>();
  const take = (prefix: string, suffix: string, shape: number[]): Float32Array => {
    const found = weights.filter((w) => w.name.startsWith(`${prefix}/`) && lastPart(w.name) === suffix && !used.has(w.name));
    const [w] = found;
    if (!w || found.length > 1) return fail(`${found.length ? 'several weights' : 'no weight'} '${prefix}/…/${suffix}'`);
    if (w.shape.join() !== shape.join()) fail(`weight '${w.name}' is [${w.shape.join(', ')}]; the layer needs [${shape.join(', ')}]`);
    used.add(w.name);
    return w.data;
  };
  const features0 = inputSizeOf(layers);
  if (!Number.isSafeInteger(features0) || features0 < 1)
    fail('the first layer has no batch_input_shape [batch, time, features]; build the model with inputShape: [null, features]');
  let inputSize = features0;
  const stack: { cell: 'lstm' | 'gru' | 'rnn'; H: number; D: number; gate: string; activation: string; sequences: boolean }[] = [];
  const state: Record<string, Float32Array | Float64Array> = {};
  let head: { name: string; weight: Float32Array; bias: Float32Array; O: number; softmax: boolean } | null = null;
  for (const layer of layers) {
    if (layer.className === 'InputLayer' || INERT.includes(layer.className)) continue;
    if (head) fail(`layer '${layer.name}' (${layer.className}) comes after the Dense head; a model here ends with its head`);
    if (layer.className === 'Masking')
      fail(
        `layer '${layer.name}' masks steps; @lstm takes per-row lengths instead — remove the Masking layer and pass lengths (lstm predict reads unpadded sequences)`,
      );
    const dense = layer.className === 'TimeDistributed' ? innerOf(layer, fail) : layer;
    if (dense.className === 'Dense') {
      const below = stack.at(-1) ?? fail(`the Dense layer '${layer.name}' comes before any recurrent layer`);
      const F = below.H * below.D;
      const O = positive(dense.config.units, `layer '${layer.name}' units`, fail);
      const activation = dense.config.activation ?? 'linear';
      if (activation !== 'linear' && activation !== 'softmax')
        fail(`the Dense head '${layer.name}' applies ${JSON.stringify(activation)}; a head here is linear (or softmax, a classifier)`);
      const kernel = take(layer.name, 'kernel', [F, O]);
      const bias = dense.config.use_bias === false ? new Float32Array(O) : take(layer.name, 'bias', [O]);
      head = { name: layer.name, weight: transposed(kernel, F, O), bias, O, softmax: activation === 'softmax' };
      continue;
    }
    const bidirectional = layer.className === 'Bidirectional';
    const rnn = bidirectional ? innerOf(layer, fail) : layer;
    const cell =
      RECURRENT[rnn.className] ??
      fail(`layer '${layer.name}' is a ${rnn.className}; a model here is LSTM, GRU or SimpleRNN layers and a Dense head`);
    if (bidirectional && (layer.config.merge_mode ?? 'concat') !== 'concat')
      fail(
        `the Bidirectional layer '${layer.name}' merges by ${JSON.stringify(layer.config.merge_mode)}; only 'concat' (PyTorch's) is supported`,
      );
    const c = rnn.config;
    const H = positive(c.units, `layer '${layer.name}' units`, fail);
    for (const flag of ['return_state', 'go_backwards', 'stateful', 'time_major'] as const)
      if (c[flag] === true) fail(`layer '${layer.name}' sets ${flag}; PyTorch's ${cell.toUpperCase()} has no such mode`);
    if (cell === 'gru' && c.reset_after !== true)
      fail(
        `the GRU '${layer.name}' applies its reset gate before the recurrent product (reset_after false, TF.js's only GRU); PyTorch's GRU (and ours) applies it after — no exact import exists`,
      );
    const activation = String(c.activation ?? 'tanh');
    if (activation !== 'tanh' && !(cell === 'rnn' && activation === 'relu'))
      fail(`layer '${layer.name}' uses activation ${JSON.stringify(activation)}; supported: tanh${cell === 'rnn' ? ' or relu' : ''}`);
    const gate = String(c.recurrent_activation ?? (cell === 'rnn' ? 'none' : 'hard_sigmoid'));
    if (cell !== 'rnn' && gate !== 'sigmoid' && gate !== 'hard_sigmoid')
      fail(`layer '${layer.name}' uses recurrent_activation ${JSON.stringify(gate)}; supported: sigmoid, hard_sigmoid`);
    const previous = stack.at(-1);
    if (previous && (previous.cell !== cell || previous.H !== H || previous.gate !== gate || previous.activation !== activation))
      fail(`layer '${layer.name}' differs from the layer before it (cell, units or activations); a stack here repeats one layer`);
    if (previous && !previous.sequences) fail(`the layer before '${layer.name}' returns only its last step (return_sequences false)`);
    const D = bidirectional ? 2 : 1;
    if (previous && previous.D !== D) fail(`layer '${layer.name}' is ${D === 2 ? '' : 'not '}bidirectional, unlike the layer before it`);
    const l = stack.length;
    const G = cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1;
    for (let d = 0; d < D; d++) {
      const prefix = bidirectional ? `${layer.name}/${d === 0 ? 'forward' : 'backward'}_${rnn.name}` : layer.name;
      const suffix = `_l${l}${d === 1 ? '_reverse' : ''}`;
      const order = ORDER[cell];
      state[`weight_ih${suffix}`] = reorderBlocks(transposed(take(prefix, 'kernel', [inputSize, G * H]), inputSize, G * H), order);
      state[`weight_hh${suffix}`] = reorderBlocks(transposed(take(prefix, 'recurrent_kernel', [H, G * H]), H, G * H), order);
      const useBias = c.use_bias !== false;
      const bias = !useBias
        ? new Float32Array((cell === 'gru' ? 2 : 1) * G * H)
        : take(prefix, 'bias', cell === 'gru' ? [2, G * H] : [G * H]);
      state[`bias_ih${suffix}`] = reorderBlocks(bias.subarray(0, G * H), order);
      state[`bias_hh${suffix}`] = cell === 'gru' ? reorderBlocks(bias.subarray(G * H), order) : new Float32Array(G * H);
    }
    stack.push({ cell, H, D, gate, activation, sequences: c.return_sequences === true });
    inputSize = D * H;
  }
  const top = stack.at(-1) ?? fail('no LSTM, GRU or SimpleRNN layer');
  const unused = weightsLeft(weights, used);
  if (unused.length)
    fail(
      `weight(s) ${unused
        .slice(0, 4)
        .map((n) => `'${n}'`)
        .join(', ')} belong to no layer read`,
    );
  const features = top.H * top.D;
  const outputSize = head?.O ?? features;
  const output = head?.softmax ? 'classes' : outputKind(options.output, outputSize, head !== null, fail);
  state['head.weight'] = head?.weight ?? identity(features);
  state['head.bias'] = head?.bias ?? new Float32Array(features);
  let model: SequenceModel;
  try {
    model = new SequenceModel({
      cell: top.cell,
      inputSize: features0,
      hiddenSize: top.H,
      numLayers: stack.length,
      bidirectional: top.D === 2,
      outputSize,
      readout: top.sequences ? 'all' : 'last',
      ...(top.cell === 'rnn' ? { nonlinearity: top.activation === 'relu' ? ('relu' as const) : ('tanh' as const) } : {}),
      ...(top.cell !== 'rnn' && top.gate === 'hard_sigmoid' ? { gateActivation: 'hardSigmoid' as const } : {}),
    });
  } catch (error) {
    if (error instanceof ValueError) return fail(`it describes a model that cannot be built (${error.message})`);
    throw error;
  }
  loadStateDict(model, state);
  return {
    model,
    found: { prefix: '', head: head?.name ?? null, cell: top.cell, biases: true, output, ignored: [] },
  };
}

/** The layers of a Sequential model, or of a functional Model that is one chain from input to output. */
function layersOf(topology: Config, fail: Fail): Layer[] {
  const className = topology.class_name;
  const config = (topology.config ?? {}) as Config;
  const raw = Array.isArray(config) ? config : config.layers;
  if (!Array.isArray(raw)) return fail('the topology holds no list of layers');
  const layers = raw.map((l: Config, k) => {
    const layerConfig = (l?.config ?? {}) as Config;
    const name = String(l?.name ?? layerConfig.name ?? `layer ${k}`);
    return { className: String(l?.class_name ?? ''), name, config: layerConfig, inbound: l?.inbound_nodes };
  });
  if (className === 'Model' || className === 'Functional') {
    layers.forEach((l, k) => {
      const inbound = l.inbound as unknown[][][] | undefined;
      const ok =
        k === 0 ? !inbound?.length : inbound?.length === 1 && inbound[0]?.length === 1 && inbound[0]?.[0]?.[0] === layers[k - 1]?.name;
      if (!ok) fail(`layer '${l.name}' does not read the layer before it; a model here is one chain of layers`);
    });
  } else if (className !== 'Sequential') fail(`a ${JSON.stringify(className)} model; TF.js layers models are Sequential or Model`);
  return layers;
}

function innerOf(layer: Layer, fail: Fail): Layer {
  const inner = (layer.config.layer ?? fail(`the ${layer.className} layer '${layer.name}' wraps nothing`)) as Config;
  const config = (inner.config ?? {}) as Config;
  return { className: String(inner.class_name ?? ''), name: String(config.name ?? ''), config };
}

/** Features per step, from the first layer's batch_input_shape [batch, time, features]. */
function inputSizeOf(layers: Layer[]): number {
  const first = layers.find((l) => Array.isArray(l.config.batch_input_shape));
  return Number((first?.config.batch_input_shape as unknown[] | undefined)?.[2] ?? 0);
}

function positive(value: unknown, label: string, fail: Fail): number {
  if (!Number.isSafeInteger(value) || (value as number) < 1 || (value as number) > 1 << 16) fail(`${label} is ${JSON.stringify(value)}`);
  return value as number;
}

const lastPart = (name: string) => name.slice(name.lastIndexOf('/') + 1).replace(/:\d+$/, '');

function weightsLeft(weights: TfjsWeight[], used: Set<string>): string[] {
  return weights.filter((w) => !used.has(w.name)).map((w) => w.name);
}
