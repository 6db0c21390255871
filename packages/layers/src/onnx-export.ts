import { ValueError } from '@lstm/core';
import type { onnx as T } from 'onnx-proto';
import { describeLstm, plainVariant } from './cells/lstm.js';
import { onnx } from './onnx-graph.js';
import { transposed } from './matrix.js';
import type { SequenceModel } from './sequence-model.js';

/**
 * A SequenceModel as an ONNX graph (opset 14) of the standard recurrent operators, runnable by
 * onnxruntime and any ONNX runtime:
 *   input [batch, sequence, features] (float32), sequence_lens [batch] (int32; pass the full
 *   length for unpadded rows) → Transpose to sequence-major → one LSTM / GRU / RNN node per layer
 *   (both directions in one node) → the linear head on the last layer's final state [h_fwd; h_bwd]
 *   ('last'), on the output at each row's last step ('last-output', a GatherND at
 *   sequence_lens − 1) or on every step ('all') → output.
 * Gate blocks are reordered from PyTorch's (i, f, g, o; r, z, n) to ONNX's (i, o, f, c; z, r, h),
 * GRUs use linear_before_reset = 1 (PyTorch's formulation), peepholes go in as P (p_i, p_o, p_f).
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { exportOnnx } from '@lstm/layers/onnx';
 *
 * writeFileSync('model.onnx', exportOnnx(model));
 * // onnxruntime: session.run({ input: x [batch, time, features], sequence_lens: int32 [batch] }) → { output }
 * ```
 */
export function exportOnnx(model: SequenceModel, producerVersion = '0', options: { float32?: boolean } = {}): Uint8Array {
  const rnn = model.rnn;
  if (rnn.cell !== 'lstm' && rnn.cell !== 'gru' && rnn.cell !== 'rnn')
    throw new ValueError(`ONNX export: ONNX has no ${String(rnn.cell).toUpperCase()} operator; export an LSTM, a GRU or an RNN`);
  const lstmVariant = rnn.cell === 'lstm' ? plainVariant(rnn, 'standard', 'peephole', 'cifg') : null;
  if (rnn.cell === 'lstm' && !lstmVariant) {
    throw new ValueError(
      `ONNX export: ONNX's LSTM operator cannot express the ${describeLstm(rnn)}; export a standard, peephole or cifg LSTM`,
    );
  }
  // CIFG (f = 1 − i) is ONNX's input_forget = 1: its forget rows and p_f are unused there, written as zeros.
  const cifg = lstmVariant === 'cifg';
  const H = rnn.hiddenSize;
  const D = rnn.numDirections;
  // Our gate blocks in ONNX's order (LSTM i, o, f, c; GRU z, r, h); null: a block of zeros.
  const order = rnn.cell === 'lstm' ? (cifg ? [0, 2, null, 1] : [0, 3, 1, 2]) : rnn.cell === 'gru' ? [1, 0, 2] : [0];
  // A float64 model exports as a DOUBLE graph, exact (ONNX's recurrent operators take double; note
  // that onnxruntime's LSTM runs float32 only); `float32` rounds it, because the caller asked.
  const wide = rnn.dtype === 'float64' && !options.float32;
  const floats = (values: ArrayLike<number>): Floats => (wide ? Float64Array.from(values) : Float32Array.from(values));
  const byName = new Map(model.parameters().map((p) => [p.name, floats(p.value.readSync())]));
  const get = (name: string) => byName.get(name) ?? missing(name);
  const initializers: T.ITensorProto[] = [];
  const nodes: T.INodeProto[] = [];
  const constant = (name: string, dims: number[], data: Floats) => initializers.push(floatTensor(name, dims, data));

  nodes.push(node('Transpose', ['input'], ['x_l0'], [intsAttribute('perm', [1, 0, 2])]));
  let x = 'x_l0';
  let finalH = '';
  let input = rnn.inputSize;
  for (let layer = 0; layer < rnn.numLayers; layer++) {
    const directions = Array.from({ length: D }, (_, d) => `_l${layer}${d === 1 ? '_reverse' : ''}`);
    const stack = (f: (suffix: string) => Floats) => concat(directions.map(f));
    constant(
      `W_l${layer}`,
      [D, order.length * H, input],
      stack((s) => onnxBlocks(get(`weight_ih${s}`), order)),
    );
    constant(
      `R_l${layer}`,
      [D, order.length * H, H],
      stack((s) => onnxBlocks(get(`weight_hh${s}`), order)),
    );
    constant(
      `B_l${layer}`,
      [D, 2 * order.length * H],
      stack((s) => concat([onnxBlocks(get(`bias_ih${s}`), order), onnxBlocks(get(`bias_hh${s}`), order)])),
    );
    const inputs = [x, `W_l${layer}`, `R_l${layer}`, `B_l${layer}`, 'sequence_lens'];
    const attributes = [intAttribute('hidden_size', H), stringAttribute('direction', D === 2 ? 'bidirectional' : 'forward')];
    if (lstmVariant === 'peephole' || cifg) {
      // ONNX's P is p_i, p_o, p_f; ours p_i, p_f, p_o (CIFG: p_i, p_o).
      constant(
        `P_l${layer}`,
        [D, 3 * H],
        stack((s) => onnxBlocks(get(`peephole${s}`), cifg ? [0, 1, null] : [0, 2, 1])),
      );
      inputs.push('', '', `P_l${layer}`);
    }
    if (cifg) attributes.push(intAttribute('input_forget', 1));
    if (rnn.cell === 'gru') attributes.push(intAttribute('linear_before_reset', 1));
    // hardSigmoid gates: ONNX's HardSigmoid with its default α = 0.2, β = 0.5 is exactly clip(0.2·x + 0.5, 0, 1).
    if (rnn.cell !== 'rnn' && rnn.gateActivation === 'hardSigmoid') {
      const perDirection = rnn.cell === 'lstm' ? ['HardSigmoid', 'Tanh', 'Tanh'] : ['HardSigmoid', 'Tanh'];
      attributes.push(stringsAttribute('activations', Array.from({ length: D }, () => perDirection).flat()));
    }
    if (rnn.cell === 'rnn') attributes.push(stringsAttribute('activations', Array(D).fill(rnn.nonlinearity === 'relu' ? 'Relu' : 'Tanh')));
    const op = { lstm: 'LSTM', gru: 'GRU', rnn: 'RNN' }[rnn.cell];
    nodes.push(node(op, inputs, [`y_l${layer}`, `h_l${layer}`], attributes));
    // Y [seq, dirs, batch, H] → [seq, batch, dirs·H]: the next layer's input, or what 'all' and 'last-output' read.
    nodes.push(node('Transpose', [`y_l${layer}`], [`yt_l${layer}`], [intsAttribute('perm', [0, 2, 1, 3])]));
    if (!initializers.some((t) => t.name === 'shape_keep_merge')) initializers.push(int64Tensor('shape_keep_merge', [3], [0, 0, -1]));
    nodes.push(node('Reshape', [`yt_l${layer}`, 'shape_keep_merge'], [`x_l${layer + 1}`]));
    x = `x_l${layer + 1}`;
    finalH = `h_l${layer}`;
    input = D * H;
  }
  const O = model.outputSize;
  if (model.readout === 'last') {
    // Y_h [dirs, batch, H] → [batch, dirs·H] = [h_fwd; h_bwd], then the head.
    initializers.push(int64Tensor('shape_batch_flat', [2], [0, -1]));
    nodes.push(node('Transpose', [finalH], ['ht'], [intsAttribute('perm', [1, 0, 2])]));
    nodes.push(node('Reshape', ['ht', 'shape_batch_flat'], ['features']));
    constant('head_weight', [O, D * H], get('head.weight'));
    constant('head_bias', [O], get('head.bias'));
    nodes.push(node('Gemm', ['features', 'head_weight', 'head_bias'], ['output'], [intAttribute('transB', 1)]));
  } else if (model.readout === 'last-output') {
    // out[b, sequence_lens[b] − 1]: GatherND over [batch, sequence, dirs·H] with one index per row.
    initializers.push(int64Tensor('one', [], [1]), int64Tensor('axis_1', [1], [1]));
    nodes.push(node('Transpose', [x], ['outputs'], [intsAttribute('perm', [1, 0, 2])]));
    nodes.push(node('Cast', ['sequence_lens'], ['lens64'], [intAttribute('to', onnx.TensorProto.DataType.INT64)]));
    nodes.push(node('Sub', ['lens64', 'one'], ['last_step']));
    nodes.push(node('Unsqueeze', ['last_step', 'axis_1'], ['last_index']));
    nodes.push(node('GatherND', ['outputs', 'last_index'], ['features'], [intAttribute('batch_dims', 1)]));
    constant('head_weight', [O, D * H], get('head.weight'));
    constant('head_bias', [O], get('head.bias'));
    nodes.push(node('Gemm', ['features', 'head_weight', 'head_bias'], ['output'], [intAttribute('transB', 1)]));
  } else {
    nodes.push(node('Transpose', [x], ['features'], [intsAttribute('perm', [1, 0, 2])]));
    constant('head_weight_t', [D * H, O], transposed(get('head.weight'), O, D * H));
    constant('head_bias', [O], get('head.bias'));
    nodes.push(node('MatMul', ['features', 'head_weight_t'], ['projected']));
    nodes.push(node('Add', ['projected', 'head_bias'], ['output']));
  }
  const FLOAT = wide ? onnx.TensorProto.DataType.DOUBLE : onnx.TensorProto.DataType.FLOAT;
  const graph: T.IGraphProto = {
    name: `@lstm ${rnn.cell}`,
    node: nodes,
    initializer: initializers,
    input: [
      valueInfo('input', FLOAT, ['batch', 'sequence', rnn.inputSize]),
      valueInfo('sequence_lens', onnx.TensorProto.DataType.INT32, ['batch']),
    ],
    output: [valueInfo('output', FLOAT, model.readout === 'all' ? ['batch', 'sequence', O] : ['batch', O])],
  };
  const proto = onnx.ModelProto.create({
    irVersion: 7,
    opsetImport: [{ domain: '', version: 14 }],
    producerName: '@lstm',
    producerVersion,
    graph,
  });
  return onnx.ModelProto.encode(proto).finish();
}

/** `values`' equal blocks in the order given (block k of ours at position i); null puts a block of zeros there. */
function onnxBlocks<A extends Floats>(values: A, order: readonly (number | null)[]): A {
  const block = values.length / order.filter((k) => k !== null).length;
  const out = new (values.constructor as { new (n: number): A })(block * order.length);
  for (const [i, k] of order.entries()) if (k !== null) out.set(values.subarray(k * block, (k + 1) * block), i * block);
  return out;
}

function missing(name: string): never {
  throw new ValueError(`ONNX export: the model has no parameter '${name}'`);
}

type Floats = Float32Array | Float64Array;

function concat(parts: Floats[]): Floats {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = parts[0] instanceof Float64Array ? new Float64Array(total) : new Float32Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function floatTensor(name: string, dims: number[], data: Floats): T.ITensorProto {
  const dataType = data instanceof Float64Array ? onnx.TensorProto.DataType.DOUBLE : onnx.TensorProto.DataType.FLOAT;
  return { name, dims, dataType, rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

function int64Tensor(name: string, dims: number[], values: number[]): T.ITensorProto {
  const raw = new BigInt64Array(values.map(BigInt));
  return { name, dims, dataType: onnx.TensorProto.DataType.INT64, rawData: new Uint8Array(raw.buffer) };
}

function node(opType: string, input: string[], output: string[], attribute: T.IAttributeProto[] = []): T.INodeProto {
  return { opType, input, output, attribute, name: `${opType}_${output[0]}` };
}

const intAttribute = (name: string, i: number): T.IAttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.INT, i });
const intsAttribute = (name: string, ints: number[]): T.IAttributeProto => ({
  name,
  type: onnx.AttributeProto.AttributeType.INTS,
  ints,
});
const stringAttribute = (name: string, s: string): T.IAttributeProto => ({
  name,
  type: onnx.AttributeProto.AttributeType.STRING,
  s: new TextEncoder().encode(s),
});
const stringsAttribute = (name: string, strings: string[]): T.IAttributeProto => ({
  name,
  type: onnx.AttributeProto.AttributeType.STRINGS,
  strings: strings.map((s) => new TextEncoder().encode(s)),
});

function valueInfo(name: string, elemType: number, dims: (string | number)[]): T.IValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } },
  };
}
