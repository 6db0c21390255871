import { ValueError } from '@lstm/core';
import * as onnxModule from 'onnx-proto';
import type { onnx as T } from 'onnx-proto';
import type { ImportedModel } from './import-state-dict.js';
import { ModelFileError } from './safetensors.js';
import { type Readout, SequenceModel } from './sequence-model.js';
import { loadStateDict } from './state-dict.js';

const { onnx } = ((onnxModule as { default?: typeof onnxModule }).default ?? onnxModule) as typeof onnxModule;

/** Operators a recurrent model exported by torch.onnx.export (or by us) is made of. */
const SUPPORTED = new Set([
  'LSTM',
  'GRU',
  'RNN',
  'Gemm',
  'MatMul',
  'Add',
  'Transpose',
  'Reshape',
  'Squeeze',
  'Unsqueeze',
  'Concat',
  'Gather',
  'Slice',
  'Shape',
  'Constant',
  'ConstantOfShape',
  'Identity',
  'Cast',
]);

interface Initializer {
  dims: number[];
  data: Float32Array;
}

/**
 * Reads an ONNX model of the standard recurrent operators — as `torch.onnx.export` writes an
 * nn.LSTM / nn.GRU / nn.RNN with an optional nn.Linear head, or `exportOnnx` does — back into a
 * SequenceModel: one recurrent node per layer (their W, R, B, P initializers, gate blocks put back
 * in PyTorch's order), and the Gemm (or MatMul + Add) whose weight reads the stack's features as
 * the head. The readout ('last' or 'all') is not recoverable from the graph and comes from options.
 */
export function importOnnx(bytes: Uint8Array, options: { readout?: Readout; what?: string } = {}): ImportedModel {
  const what = options.what ?? 'ONNX model';
  const fail = (message: string): never => {
    throw new ModelFileError(`${what}: ${message}`);
  };
  let model: T.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch {
    return fail('not an ONNX protobuf (truncated or another format?)');
  }
  const graph = model.graph ?? fail('no graph');
  const nodes = graph.node ?? [];
  const unsupported = [...new Set(nodes.map((n) => n.opType ?? '').filter((op) => !SUPPORTED.has(op)))];
  if (unsupported.length)
    fail(
      `operators ${unsupported.map((op) => JSON.stringify(op)).join(', ')} are not supported; a recurrent model uses ${[...SUPPORTED].join(', ')}`,
    );
  const initializers = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', readTensor(t, fail)]));
  const recurrent = nodes.filter((n) => n.opType === 'LSTM' || n.opType === 'GRU' || n.opType === 'RNN');
  if (recurrent.length === 0) fail(`no LSTM, GRU or RNN node; found ${[...new Set(nodes.map((n) => n.opType))].join(', ') || 'no nodes'}`);
  const op = recurrent[0]?.opType ?? fail('no LSTM, GRU or RNN node');
  if (recurrent.some((n) => n.opType !== op))
    fail(`it mixes ${[...new Set(recurrent.map((n) => n.opType))].join(' and ')} layers; one cell type per model is supported`);
  const cell = op === 'LSTM' ? 'lstm' : op === 'GRU' ? 'gru' : 'rnn';
  // ONNX blocks → PyTorch blocks: LSTM i,o,f,c → i,f,g,o; GRU z,r,h → r,z,n.
  const order = cell === 'lstm' ? [0, 2, 3, 1] : cell === 'gru' ? [1, 0, 2] : [0];
  const attribute = (node: T.INodeProto, name: string) => node.attribute?.find((a) => a.name === name);
  const weights: Record<string, Float32Array> = {};
  let H = 0;
  let D = 1;
  let inputSize = 0;
  let nonlinearity: 'tanh' | 'relu' = 'tanh';
  let peephole = false;
  recurrent.forEach((node, layer) => {
    H = Number(attribute(node, 'hidden_size')?.i ?? fail(`${op} node ${layer} has no hidden_size`));
    const direction = new TextDecoder().decode(attribute(node, 'direction')?.s ?? new TextEncoder().encode('forward'));
    if (direction === 'reverse') fail('a reverse-only layer has no PyTorch equivalent; forward and bidirectional are supported');
    D = direction === 'bidirectional' ? 2 : 1;
    if (attribute(node, 'clip')) fail(`${op} node ${layer} clips its cell (clip); PyTorch's cells do not`);
    if (Number(attribute(node, 'input_forget')?.i ?? 0) === 1)
      fail('an LSTM with input_forget = 1 (coupled gates) is not supported on import');
    if (cell === 'gru' && Number(attribute(node, 'linear_before_reset')?.i ?? 0) !== 1)
      fail('a GRU with linear_before_reset = 0 has no PyTorch equivalent; export with linear_before_reset = 1');
    const activations = (attribute(node, 'activations')?.strings ?? []).map((s) => new TextDecoder().decode(s));
    if (cell === 'rnn')
      nonlinearity =
        activations[0] === 'Relu'
          ? 'relu'
          : activations.length === 0 || activations[0] === 'Tanh'
            ? 'tanh'
            : fail(`RNN activation ${activations[0]} is not supported (Tanh, Relu)`);
    else if (activations.length) fail(`custom activations ${activations.join(', ')} are not supported`);
    const G = order.length;
    const input = (index: number): Initializer => {
      const t =
        initializers.get(node.input?.[index] ?? '') ??
        fail(`${op} node ${layer}: input ${index} ('${node.input?.[index]}') is not a constant initializer`);
      if (t.data.length !== t.dims.reduce((a, b) => a * b, 1))
        fail(`${op} node ${layer}: input ${index} ('${node.input?.[index]}') is not float32 data of its shape`);
      return t;
    };
    const W = input(1);
    const R = input(2);
    const B = node.input?.[3] ? input(3) : null;
    const I = W.dims[2]!;
    if (layer === 0) inputSize = I;
    if (W.dims.join() !== [D, G * H, I].join() || R.dims.join() !== [D, G * H, H].join())
      fail(`${op} node ${layer}: W ${W.dims} / R ${R.dims} do not fit hidden_size ${H}`);
    const P = cell === 'lstm' && node.input?.[7] ? input(7) : null;
    if (B && B.dims.join() !== [D, 2 * G * H].join())
      fail(`${op} node ${layer}: B is [${B.dims.join(', ')}], hidden_size ${H} needs [${D}, ${2 * G * H}]`);
    if (P && P.dims.join() !== [D, 3 * H].join())
      fail(`${op} node ${layer}: P is [${P.dims.join(', ')}], hidden_size ${H} needs [${D}, ${3 * H}]`);
    peephole ||= P !== null;
    for (let d = 0; d < D; d++) {
      const suffix = `_l${layer}${d === 1 ? '_reverse' : ''}`;
      const block = (t: Initializer, size: number, offset: number) => t.data.subarray(offset, offset + size);
      weights[`weight_ih${suffix}`] = reorder(block(W, G * H * I, d * G * H * I), order, H * I);
      weights[`weight_hh${suffix}`] = reorder(block(R, G * H * H, d * G * H * H), order, H * H);
      weights[`bias_ih${suffix}`] = B ? reorder(block(B, G * H, d * 2 * G * H), order, H) : new Float32Array(G * H);
      weights[`bias_hh${suffix}`] = B ? reorder(block(B, G * H, d * 2 * G * H + G * H), order, H) : new Float32Array(G * H);
      if (P) weights[`peephole${suffix}`] = reorder(block(P, 3 * H, d * 3 * H), [0, 2, 1], H); // ONNX p_i, p_o, p_f
    }
  });
  const features = D * H;
  const head = findHead(nodes, initializers, features);
  const outputSize = head ? head.weight.length / features : features;
  weights['head.weight'] =
    head?.weight ?? Float32Array.from({ length: features * features }, (_, k) => (Math.floor(k / features) === k % features ? 1 : 0));
  weights['head.bias'] = head?.bias ?? new Float32Array(outputSize);
  let built: SequenceModel;
  try {
    built = new SequenceModel({
      cell,
      ...(cell === 'lstm' && peephole ? { variant: 'peephole' as const } : {}),
      ...(cell === 'rnn' ? { nonlinearity } : {}),
      inputSize,
      hiddenSize: H,
      numLayers: recurrent.length,
      bidirectional: D === 2,
      outputSize,
      readout: options.readout ?? 'last',
    });
  } catch (error) {
    if (error instanceof ValueError) fail(`it describes a model that cannot be built (${error.message})`);
    throw error;
  }
  loadStateDict(built, weights);
  return { model: built, found: { prefix: '', head: head ? head.name : null, cell, biases: true } };
}

/** The head: a Gemm with a [O, F] weight (transB = 1) or a MatMul with a [F, O] one, and its bias. */
function findHead(
  nodes: T.INodeProto[],
  initializers: Map<string, Initializer>,
  features: number,
): { name: string; weight: Float32Array; bias: Float32Array } | null {
  for (const node of nodes) {
    const name = node.input?.[1] ?? '';
    const weight = initializers.get(name);
    if (weight?.dims.length !== 2) continue;
    const [rows, columns] = weight.dims as [number, number];
    if (weight.data.length !== rows * columns) continue;
    if (node.opType === 'Gemm') {
      const transB = Number(node.attribute?.find((a) => a.name === 'transB')?.i ?? 0) === 1;
      const O = transB ? rows : columns;
      if ((transB ? columns : rows) !== features) continue;
      const bias = initializers.get(node.input?.[2] ?? '')?.data ?? new Float32Array(O);
      return { name, weight: transB ? weight.data : transpose(weight.data, features, O), bias };
    }
    if (node.opType === 'MatMul' && rows === features) {
      const O = columns;
      const add = nodes.find((n) => n.opType === 'Add' && n.input?.includes(node.output?.[0] ?? ''));
      const bias = initializers.get(add?.input?.find((i) => i !== node.output?.[0]) ?? '')?.data ?? new Float32Array(O);
      return { name, weight: transpose(weight.data, features, O), bias };
    }
  }
  return null;
}

function readTensor(t: T.ITensorProto, fail: (m: string) => never): Initializer {
  const dims = (t.dims ?? []).map(Number);
  const size = dims.reduce((a, b) => a * b, 1);
  if (t.dataType !== onnx.TensorProto.DataType.FLOAT) return { dims, data: new Float32Array(0) }; // shapes and indices: not weights
  let data: Float32Array;
  if (t.rawData?.length) {
    if (t.rawData.length !== size * 4) fail(`initializer '${t.name}' holds ${t.rawData.length} bytes for shape [${dims.join(', ')}]`);
    data = new Float32Array(size);
    new Uint8Array(data.buffer).set(t.rawData);
  } else {
    data = Float32Array.from(t.floatData ?? []);
    if (data.length !== size) fail(`initializer '${t.name}' holds ${data.length} values for shape [${dims.join(', ')}]`);
  }
  return { dims, data };
}

function reorder(values: Float32Array, order: number[], blockSize: number): Float32Array {
  const out = new Float32Array(values.length);
  order.forEach((k, i) => {
    out.set(values.subarray(k * blockSize, (k + 1) * blockSize), i * blockSize);
  });
  return out;
}

function transpose(values: Float32Array, rows: number, columns: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < columns; c++) out[c * rows + r] = values[r * columns + c]!;
  return out;
}
