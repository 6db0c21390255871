import * as onnxModule from 'onnx-proto';
import type { onnx as T } from 'onnx-proto';
import { runNode } from './onnx-eval.js';
import { type Attributes, GraphError, MAX_VALUES, NO_ATTRIBUTES, sizeOf, type Value, value } from './onnx-value.js';
import { halfToNumber } from './safetensors.js';

// onnx-proto is CommonJS whose exports Node's ESM loader cannot list; bundlers and vitest can.
export const { onnx } = ((onnxModule as { default?: typeof onnxModule }).default ?? onnxModule) as typeof onnxModule;

/** Operators a recurrent model exported by torch.onnx.export (opsets 9–17) or by exportOnnx is made of. */
export const SUPPORTED = [
  'LSTM',
  'GRU',
  'RNN',
  'Gemm',
  'MatMul',
  'Add',
  'Sub',
  'Mul',
  'Div',
  'Equal',
  'Where',
  'Transpose',
  'Reshape',
  'Squeeze',
  'Unsqueeze',
  'Concat',
  'Gather',
  'GatherND',
  'Slice',
  'Shape',
  'Constant',
  'ConstantOfShape',
  'Expand',
  'Identity',
  'Dropout',
  'Cast',
];

const LIMITS = { nodes: 100_000, initializers: 100_000, rank: 8 };
const D = onnx.TensorProto.DataType;

/** A decoded graph: its nodes in order, initializer values, the one sequence input and the one output. */
export interface Graph {
  nodes: T.INodeProto[];
  attributes: Map<T.INodeProto, Attributes>;
  initializers: Map<string, Value>;
  /** Initializers held as float64 (DOUBLE), so the model keeps float64. */
  double: boolean;
  input: { name: string; dims: (number | null)[]; double: boolean };
  /** A second input of per-row lengths (as exportOnnx writes), fed full lengths. */
  lengths: string | null;
  output: string;
}

/**
 * Decodes an ONNX model and checks what it claims before allocating for it: node and initializer
 * counts, every initializer's rank, shape and byte count against its data type, and the inputs
 * and outputs a recurrent model has. `fail` throws the caller's one-line error.
 */
export function readGraph(bytes: Uint8Array, fail: (m: string) => never): Graph {
  let model: T.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch {
    return fail('not an ONNX protobuf (truncated or another format?)');
  }
  const graph = model.graph ?? fail('no graph — not an ONNX model');
  const opset = Number(model.opsetImport?.find((o) => !o.domain || o.domain === 'ai.onnx')?.version ?? 0);
  if (opset < 9) fail(`opset ${opset || 'unknown'}; @lstm reads opsets 9 and later — export with opset_version=14`);
  const nodes = graph.node ?? [];
  if (nodes.length > LIMITS.nodes || (graph.initializer?.length ?? 0) > LIMITS.initializers)
    fail('more nodes or initializers than any recurrent model has');
  const unsupported = [...new Set(nodes.map((n) => n.opType ?? '').filter((op) => !SUPPORTED.includes(op)))];
  if (unsupported.length)
    fail(
      `operators ${unsupported.map((op) => JSON.stringify(op)).join(', ')} are not supported; a recurrent model here is made of ${SUPPORTED.join(', ')}`,
    );
  const foreign = nodes.find((n) => n.domain && n.domain !== 'ai.onnx');
  if (foreign)
    fail(`node ${foreign.name ?? foreign.opType} is from the operator set '${foreign.domain}'; only the standard ONNX operators are read`);
  let double = false;
  const initializers = new Map<string, Value>();
  for (const t of graph.initializer ?? []) {
    double ||= t.dataType === D.DOUBLE;
    initializers.set(t.name ?? '', readTensor(t, fail));
  }
  const inputs = (graph.input ?? []).filter((i) => !initializers.has(i.name ?? ''));
  const describe = (i: T.IValueInfoProto) => ({
    name: i.name ?? '',
    elem: i.type?.tensorType?.elemType ?? 0,
    dims: (i.type?.tensorType?.shape?.dim ?? []).map((d) =>
      d.dimValue !== undefined && d.dimValue !== null && Number(d.dimValue) > 0 ? Number(d.dimValue) : null,
    ),
  });
  const floats: number[] = [D.FLOAT, D.DOUBLE, D.FLOAT16, D.BFLOAT16];
  const sequences = inputs.map(describe).filter((i) => i.dims.length === 3 && floats.includes(i.elem));
  const lengths = inputs.map(describe).filter((i) => i.dims.length === 1 && (i.elem === D.INT32 || i.elem === D.INT64));
  const [sequence] = sequences;
  if (sequences.length !== 1 || inputs.length !== 1 + Math.min(lengths.length, 1) || !sequence)
    fail(
      `inputs ${inputs.map((i) => `'${i.name}'`).join(', ') || 'none'}; a recurrent model takes one float sequence [batch, time, features] (and at most per-row lengths)`,
    );
  if (sequence.dims.some((d) => d !== null && d > MAX_VALUES))
    fail(`input '${sequence.name}' claims dimensions [${sequence.dims.join(', ')}]`);
  const outputs = graph.output ?? [];
  if (outputs.length !== 1)
    fail(
      `${outputs.length} outputs (${outputs.map((o) => `'${o.name}'`).join(', ')}); a model here has one — export only the head's output`,
    );
  const attributes = new Map(nodes.map((n) => [n, new Map((n.attribute ?? []).map((a) => [a.name ?? '', a]))]));
  return {
    nodes,
    attributes,
    initializers,
    double,
    input: { name: sequence.name, dims: sequence.dims, double: sequence.elem === D.DOUBLE },
    lengths: lengths[0]?.name ?? null,
    output: outputs[0]?.name ?? '',
  };
}

/** Runs every node on one input; returns every value the graph computes, by name. */
export function runGraph(graph: Graph, x: Value, fail: (m: string) => never): Map<string, Value> {
  const values = new Map(graph.initializers);
  // No value of a recurrent model's graph outgrows its weights or its per-step states many times
  // over: a larger one comes from a damaged or hostile file, and is refused before it grows further.
  const weights = [...graph.initializers.values()].reduce((n, v) => n + v.data.length, 0);
  const hidden = Math.min(1 << 16, Math.max(1, ...graph.nodes.map((n) => Number(graph.attributes.get(n)?.get('hidden_size')?.i ?? 0))));
  const [batch = 1, steps = 1] = x.dims;
  const budget = Math.max(1 << 16, 16 * weights, 8 * batch * steps * hidden);
  values.set(graph.input.name, x);
  if (graph.lengths) values.set(graph.lengths, value([batch], new Float64Array(batch).fill(steps), true));
  for (const node of graph.nodes) {
    const inputs = (node.input ?? []).map((name) => {
      if (!name) return undefined;
      const v = values.get(name);
      if (!v) return fail(`node ${node.name || node.opType} reads '${name}', which nothing before it computes`);
      return v;
    });
    let outputs: Value[];
    try {
      outputs = runNode(node, inputs, graph.attributes.get(node) ?? NO_ATTRIBUTES, (t) => readTensor(t, fail));
    } catch (error) {
      if (!(error instanceof GraphError)) throw error;
      return fail(`node ${node.name || node.opType} (${node.opType}) cannot be evaluated: ${error.message}`);
    }
    (node.output ?? []).forEach((name, k) => {
      const out = outputs[k];
      if (out && out.data.length > budget)
        fail(
          `node ${node.name || node.opType} makes a tensor of shape [${out.dims.join(', ')}], far more than the model's weights and states`,
        );
      if (name && out) values.set(name, out);
    });
  }
  return values;
}

/** An initializer or constant's values, after checking its shape and byte count against its type. */
export function readTensor(t: T.ITensorProto, fail: (m: string) => never): Value {
  const name = t.name ? `'${t.name}'` : 'a constant';
  const dims = (t.dims ?? []).map(Number);
  if (dims.length > LIMITS.rank || dims.some((d) => !Number.isSafeInteger(d) || d < 0) || sizeOf(dims) > MAX_VALUES)
    fail(`initializer ${name} claims shape [${dims.join(', ')}]`);
  const size = sizeOf(dims);
  const raw = t.rawData?.length ? t.rawData : null;
  const view = raw ? new DataView(raw.buffer, raw.byteOffset, raw.byteLength) : null;
  const readRaw = (bytes: number, read: (at: number) => number, integer: boolean): Value => {
    if (raw!.length !== size * bytes) fail(`initializer ${name} holds ${raw!.length} bytes for shape [${dims.join(', ')}]`);
    return value(
      dims,
      Float64Array.from({ length: size }, (_, i) => read(i * bytes)),
      integer,
    );
  };
  const fromList = (list: ArrayLike<unknown> | null | undefined, integer: boolean, map: (v: number) => number = (v) => v): Value => {
    const data = Float64Array.from(Array.from(list ?? [], (v) => map(Number(v))));
    if (data.length !== size) fail(`initializer ${name} holds ${data.length} values for shape [${dims.join(', ')}]`);
    return value(dims, data, integer);
  };
  switch (t.dataType) {
    case D.FLOAT:
      return view ? readRaw(4, (at) => view.getFloat32(at, true), false) : fromList(t.floatData, false);
    case D.DOUBLE:
      return view ? readRaw(8, (at) => view.getFloat64(at, true), false) : fromList(t.doubleData, false);
    case D.FLOAT16:
      return view ? readRaw(2, (at) => halfToNumber(view.getUint16(at, true)), false) : fromList(t.int32Data, false, halfToNumber);
    case D.BFLOAT16: {
      const widen = (bits: number) => new Float32Array(new Uint32Array([bits << 16]).buffer)[0] ?? 0;
      return view ? readRaw(2, (at) => widen(view.getUint16(at, true)), false) : fromList(t.int32Data, false, widen);
    }
    case D.INT64:
      return view ? readRaw(8, (at) => Number(view.getBigInt64(at, true)), true) : fromList(t.int64Data, true);
    case D.INT32:
      return view ? readRaw(4, (at) => view.getInt32(at, true), true) : fromList(t.int32Data, true);
    case D.BOOL:
    case D.UINT8:
      return view ? readRaw(1, (at) => view.getUint8(at), true) : fromList(t.int32Data, true);
    default:
      return fail(`initializer ${name} has data type ${t.dataType}; weights are read as float32, float64, float16 or bfloat16`);
  }
}
