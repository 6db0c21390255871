import type { onnx as T } from 'onnx-proto';
import { NO_ATTRIBUTES, type Value } from './onnx-value.js';
import { reorderBlocks } from './matrix.js';
import type { Graph } from './onnx-graph.js';
import type { SequenceModelOptions } from './sequence-model.js';

type Fail = (m: string) => never;
type Constant = (name: string, label: string) => Value;

export interface Stack {
  options: Pick<
    SequenceModelOptions,
    'cell' | 'inputSize' | 'hiddenSize' | 'numLayers' | 'bidirectional' | 'variant' | 'nonlinearity' | 'gateActivation'
  >;
  /** PyTorch-named parameters of the stack. */
  weights: Record<string, Float64Array>;
  /** Width of what the head reads: directions × hidden size. */
  features: number;
  biases: boolean;
}

const DEFAULT_ACTIVATIONS: Record<string, string[]> = { LSTM: ['Sigmoid', 'Tanh', 'Tanh'], GRU: ['Sigmoid', 'Tanh'] };

/**
 * The recurrent stack of a graph: one node per layer, their weights (constants of the graph, gate
 * blocks put back in PyTorch's order: ONNX i,o,f,c → i,f,g,o; z,r,h → r,z,n; peepholes p_i,p_o,p_f
 * → p_i,p_f,p_o) and the initial states, which must be zeros — a learned or input-dependent
 * initial state is refused, as the model starts every sequence from zeros.
 */
export function readStack(
  graph: Graph,
  recurrent: T.INodeProto[],
  op: string,
  constant: Constant,
  runs: readonly Map<string, Value>[],
  fail: Fail,
): Stack {
  const cell = op === 'LSTM' ? 'lstm' : op === 'GRU' ? 'gru' : 'rnn';
  const order = cell === 'lstm' ? [0, 2, 3, 1] : cell === 'gru' ? [1, 0, 2] : [0];
  const G = order.length;
  const weights: Record<string, Float64Array> = {};
  let shape: { H: number; D: number } | null = null;
  let inputSize = 0;
  let nonlinearity: 'tanh' | 'relu' = 'tanh';
  let peephole = false;
  let cifg = false;
  let biases = true;
  let gateActivation: 'sigmoid' | 'hardSigmoid' | null = null;
  recurrent.forEach((node, layer) => {
    const attributes = graph.attributes.get(node) ?? NO_ATTRIBUTES;
    const label = `${op} node ${layer}`;
    const H = Number(attributes.get('hidden_size')?.i ?? fail(`${label} has no hidden_size`));
    const direction = new TextDecoder().decode(attributes.get('direction')?.s ?? new TextEncoder().encode('forward'));
    if (direction === 'reverse') fail('a reverse-only layer has no PyTorch equivalent; forward and bidirectional are supported');
    const D = direction === 'bidirectional' ? 2 : 1;
    if (shape && (shape.H !== H || shape.D !== D)) fail(`${label} has hidden_size ${H} and ${D} direction(s), unlike the layer before it`);
    shape = { H, D };
    if (attributes.get('clip')) fail(`${label} clips its cell (clip); PyTorch's cells do not`);
    // input_forget = 1 is Greff's CIFG (f = 1 − i): our 'cifg' variant, whose f rows and p_f do not exist.
    const coupled = cell === 'lstm' && Number(attributes.get('input_forget')?.i ?? 0) === 1;
    if (layer > 0 && coupled !== cifg) fail(`${label} couples its gates (input_forget) unlike the layer before it`);
    cifg = coupled;
    if (Number(attributes.get('layout')?.i ?? 0) !== 0)
      fail(`${label} has layout = 1 (batch-major X), which torch.onnx.export does not write; export with layout 0`);
    if (cell === 'gru' && Number(attributes.get('linear_before_reset')?.i ?? 0) !== 1)
      fail('a GRU with linear_before_reset = 0 has no PyTorch equivalent; export with linear_before_reset = 1');
    const activations = (attributes.get('activations')?.strings ?? []).map((s) => new TextDecoder().decode(s));
    if (cell === 'rnn') {
      const [first = 'Tanh'] = activations;
      if (activations.some((a) => a !== first) || (first !== 'Tanh' && first !== 'Relu'))
        fail(`RNN activations ${activations.join(', ')} are not supported (Tanh or Relu, the same in both directions)`);
      nonlinearity = first === 'Relu' ? 'relu' : 'tanh';
    } else if (activations.length) {
      // σ or HardSigmoid (α = 0.2, β = 0.5, its defaults: TensorFlow.js's hardSigmoid) for the gates, Tanh for the rest.
      const expected = (gate: string) =>
        Array.from({ length: D }, () => [gate, ...(DEFAULT_ACTIVATIONS[op] ?? []).slice(1)])
          .flat()
          .join();
      const gate =
        activations.join() === expected('Sigmoid') ? 'sigmoid' : activations.join() === expected('HardSigmoid') ? 'hardSigmoid' : null;
      if (gate === null || attributes.get('activation_alpha') || attributes.get('activation_beta'))
        fail(
          `${label} has activations ${activations.join(', ')}; supported: ${(DEFAULT_ACTIVATIONS[op] ?? []).join(', ')}, with Sigmoid or HardSigmoid (default α, β) for the gates`,
        );
      if (gateActivation !== null && gateActivation !== gate) fail(`${label} squashes its gates unlike the layer before it`);
      gateActivation = gate;
    } else {
      if (gateActivation === 'hardSigmoid') fail(`${label} squashes its gates unlike the layer before it`);
      gateActivation = 'sigmoid';
    }
    const input = (k: number, name: string) => constant(node.input?.[k] ?? '', `${label}'s ${name}`);
    const W = input(1, 'W');
    const R = input(2, 'R');
    const I = W.dims[2] ?? 0;
    if (W.dims.join() !== [D, G * H, I].join() || R.dims.join() !== [D, G * H, H].join())
      fail(`${label}: W [${W.dims.join(', ')}] and R [${R.dims.join(', ')}] do not fit hidden_size ${H}`);
    if (layer === 0) inputSize = I;
    else if (I !== D * H) fail(`${label} reads ${I} features, but the layer before it gives ${D * H}`);
    const B = node.input?.[3] ? input(3, 'B') : null;
    if (B && B.dims.join() !== [D, 2 * G * H].join())
      fail(`${label}: B is [${B.dims.join(', ')}], hidden_size ${H} needs [${D}, ${2 * G * H}]`);
    biases &&= B !== null;
    const P = cell === 'lstm' && node.input?.[7] ? input(7, 'P') : null;
    if (P && P.dims.join() !== [D, 3 * H].join()) fail(`${label}: P is [${P.dims.join(', ')}], hidden_size ${H} needs [${D}, ${3 * H}]`);
    if (P && layer > 0 && !peephole && !cifg) fail(`${label} has peepholes and the layers before it none`);
    peephole ||= P !== null;
    for (const [k, name] of [
      [5, 'initial_h'],
      [6, 'initial_c'],
    ] as const) {
      const state = node.input?.[k];
      if (state)
        checkZeroState(
          runs.map((run) => run.get(state)),
          `${label}'s ${name}`,
          fail,
        );
    }
    // ONNX's blocks i, o, f, c as ours: i, f, g, o; CIFG keeps i, g, o (and p_i, p_o: zeros without P, exactly).
    const [rows, peepholes] = coupled
      ? [
          [0, 3, 1],
          [0, 1],
        ]
      : [order, [0, 2, 1]];
    const n = rows.length;
    for (let d = 0; d < D; d++) {
      const suffix = `_l${layer}${d === 1 ? '_reverse' : ''}`;
      const block = (t: Value, size: number, offset: number) => t.data.subarray(offset, offset + size);
      weights[`weight_ih${suffix}`] = reorderBlocks(block(W, G * H * I, d * G * H * I), rows, G);
      weights[`weight_hh${suffix}`] = reorderBlocks(block(R, G * H * H, d * G * H * H), rows, G);
      weights[`bias_ih${suffix}`] = B ? reorderBlocks(block(B, G * H, d * 2 * G * H), rows, G) : new Float64Array(n * H);
      weights[`bias_hh${suffix}`] = B ? reorderBlocks(block(B, G * H, d * 2 * G * H + G * H), rows, G) : new Float64Array(n * H);
      if (P) weights[`peephole${suffix}`] = reorderBlocks(block(P, 3 * H, d * 3 * H), peepholes, 3);
      else if (coupled) weights[`peephole${suffix}`] = new Float64Array(2 * H);
    }
  });
  const { H, D } = shape ?? fail('no recurrent layer');
  return {
    options: {
      cell,
      inputSize,
      hiddenSize: H,
      numLayers: recurrent.length,
      bidirectional: D === 2,
      ...(cifg ? { variant: 'cifg' as const } : peephole ? { variant: 'peephole' as const } : {}),
      ...(cell === 'rnn' ? { nonlinearity } : {}),
      ...(gateActivation === 'hardSigmoid' ? { gateActivation } : {}),
    },
    weights,
    features: D * H,
    biases,
  };
}

/** An initial state must be zeros; a learned one (the same for every row) or one made from the input is refused. */
function checkZeroState(values: (Value | undefined)[], label: string, fail: Fail): void {
  if (values.every((v) => v?.data.every((x) => x === 0))) return;
  // Each run's [states, batch, H] reduced to its first row per state, if every row is that row.
  const perState = (v: Value | undefined) => {
    if (v?.dims.length !== 3) return null;
    const [states, batch, H] = v.dims as [number, number, number];
    const first = Array.from({ length: states }, (_, s) => v.data.subarray(s * batch * H, s * batch * H + H));
    const same = first.every((row, s) => {
      for (let r = 1; r < batch; r++) for (let j = 0; j < H; j++) if (v.data[(s * batch + r) * H + j] !== row[j]) return false;
      return true;
    });
    return same ? first.map((row) => row.join()).join(';') : null;
  };
  const [a, b] = values.map(perState);
  fail(
    a !== null && a !== undefined && a === b
      ? `${label} is learned (non-zero, the same for every sequence); @lstm models start every sequence from zeros — train with a zero initial state, or export without it`
      : `${label} is computed from the input; @lstm models start every sequence from zeros`,
  );
}

/** The Linear head: a Gemm (any transB, alpha, beta) or a MatMul and an Add of a constant; null when there is none. */
export function readHead(
  graph: Graph,
  linear: T.INodeProto | undefined,
  features: number,
  constant: Constant,
  fail: Fail,
): { name: string; weight: Float64Array; bias: Float64Array; outputs: number } | null {
  if (!linear) return null;
  const attributes = graph.attributes.get(linear) ?? NO_ATTRIBUTES;
  const name = linear.input?.[1] ?? '';
  const W = constant(name, `the ${linear.opType}'s weight`);
  if (W.dims.length !== 2) fail(`the ${linear.opType}'s weight is [${W.dims.join(', ')}]; a Linear head's is 2-D`);
  const transB = linear.opType === 'Gemm' && Number(attributes.get('transB')?.i ?? 0) === 1;
  if (linear.opType === 'Gemm' && Number(attributes.get('transA')?.i ?? 0) === 1) fail('a Gemm head with transA = 1 is not a Linear layer');
  const [rows, columns] = W.dims as [number, number];
  const [F, O] = transB ? [columns, rows] : [rows, columns];
  if (F !== features) fail(`the head's weight [${W.dims.join(', ')}] does not read the ${features} features of the recurrent layers`);
  const alpha = linear.opType === 'Gemm' ? (attributes.get('alpha')?.f ?? 1) : 1;
  // Stored as PyTorch's [O, F].
  const weight = Float64Array.from({ length: O * F }, (_, k) => {
    const [o, f] = [Math.floor(k / F), k % F];
    return alpha * (W.data[transB ? o * F + f : f * O + o] ?? 0);
  });
  let biasName: string | undefined;
  let beta = 1;
  if (linear.opType === 'Gemm') {
    biasName = linear.input?.[2] || undefined;
    beta = attributes.get('beta')?.f ?? 1;
  } else {
    const add = graph.nodes.find((n) => n.opType === 'Add' && n.input?.includes(linear.output?.[0] ?? ''));
    biasName = add?.input?.find((i) => i !== linear.output?.[0]);
  }
  const bias = new Float64Array(O);
  if (biasName) {
    const C = constant(biasName, "the head's bias");
    if (C.data.length !== O && C.data.length !== 1) fail(`the head's bias has ${C.data.length} values for ${O} outputs`);
    for (let o = 0; o < O; o++) bias[o] = beta * (C.data[C.data.length === 1 ? 0 : o] ?? 0);
  }
  return { name, weight, bias, outputs: O };
}
