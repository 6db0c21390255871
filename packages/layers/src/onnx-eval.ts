import type { onnx as T } from 'onnx-proto';
import { runRecurrentNode } from './onnx-recurrent.js';
import { axisOf, binary, broadcastDims, broadcastTo, gather, make, matMul, reshape, slice, transpose } from './onnx-ops.js';
import { type Attributes, GraphError, sizeOf, type Value, value } from './onnx-value.js';

/**
 * A small float64 interpreter of the ONNX operators a recurrent model's graph is made of, so an
 * import can run the whole graph — shape arithmetic, initial-state builders, weight reshuffles
 * and the recurrent nodes themselves — and compare it with the model it builds. It is written
 * from the operator specifications, not from our kernels, so it is an independent reference.
 */

const ints = (v: Value | undefined) => Array.from(v?.data ?? []);

/** Runs one node; `input(k)` is its k-th input (undefined when absent), `tensor` decodes a TensorProto. */
export function runNode(
  node: T.INodeProto,
  inputs: (Value | undefined)[],
  attributes: Attributes,
  tensor: (t: T.ITensorProto) => Value,
): Value[] {
  const need = (k: number) =>
    inputs[k] ??
    (() => {
      throw new GraphError(`${node.opType} without input ${k}`);
    })();
  const int = (name: string, fallback: number) => Number(attributes.get(name)?.i ?? fallback);
  const intList = (name: string) => attributes.get(name)?.ints?.map(Number);
  const axesFrom = (k: number) => intList('axes') ?? ints(inputs[k]);
  switch (node.opType) {
    case 'Identity':
    case 'Dropout':
      return [need(0)];
    case 'Cast': {
      const to = int('to', 1);
      const integer = ![1, 10, 11, 16].includes(to); // FLOAT, FLOAT16, DOUBLE, BFLOAT16
      const v = need(0);
      return [value(v.dims, integer ? v.data.map(Math.trunc) : Float64Array.from(v.data, (d) => (to === 1 ? Math.fround(d) : d)), integer)];
    }
    case 'Constant': {
      const t = attributes.get('value')?.t;
      if (t) return [tensor(t)];
      const f = attributes.get('value_float')?.f;
      if (f !== undefined && f !== null) return [value([], Float64Array.of(f))];
      const i = attributes.get('value_int')?.i;
      if (i !== undefined && i !== null) return [value([], Float64Array.of(Number(i)), true)];
      const list = intList('value_ints');
      if (list) return [value([list.length], Float64Array.from(list), true)];
      throw new GraphError('a Constant of a kind not supported (value, value_float, value_int, value_ints are)');
    }
    case 'Shape': {
      const v = need(0);
      const rank = v.dims.length;
      const start = int('start', 0);
      const end = attributes.get('end') ? int('end', rank) : rank;
      const dims = v.dims.slice(start < 0 ? start + rank : start, end < 0 ? end + rank : end);
      return [value([dims.length], Float64Array.from(dims), true)];
    }
    case 'Gather':
      return [gather(need(0), need(1), int('axis', 0))];
    case 'Unsqueeze': {
      const v = need(0);
      const rank = v.dims.length + axesFrom(1).length;
      const axes = axesFrom(1)
        .map((a) => axisOf(a, rank))
        .sort((a, b) => a - b);
      const dims = [...v.dims];
      for (const a of axes) dims.splice(a, 0, 1);
      return [value(dims, v.data, v.integer)];
    }
    case 'Squeeze': {
      const v = need(0);
      const axes =
        inputs[1] || attributes.get('axes')
          ? axesFrom(1).map((a) => axisOf(a, v.dims.length))
          : v.dims.flatMap((d, k) => (d === 1 ? [k] : []));
      if (axes.some((a) => v.dims[a] !== 1)) throw new GraphError(`Squeeze of a dimension that is not 1 in [${v.dims.join(', ')}]`);
      return [
        value(
          v.dims.filter((_, k) => !axes.includes(k)),
          v.data,
          v.integer,
        ),
      ];
    }
    case 'Concat': {
      const parts = inputs.filter((v): v is Value => v !== undefined);
      const first = parts[0] ?? need(0);
      const a = axisOf(int('axis', 0), first.dims.length);
      const dims = [...first.dims];
      dims[a] = parts.reduce((n, p) => n + (p.dims[a] ?? 0), 0);
      const outer = sizeOf(first.dims.slice(0, a));
      const data: number[] = [];
      for (let o = 0; o < outer; o++)
        for (const p of parts) {
          const block = sizeOf(p.dims.slice(a));
          for (let k = 0; k < block; k++) data.push(p.data[o * block + k] ?? 0);
        }
      return [
        value(
          dims,
          Float64Array.from(data),
          parts.every((p) => p.integer),
        ),
      ];
    }
    case 'Slice': {
      const v = need(0);
      if (attributes.get('starts')) {
        const starts = intList('starts') ?? [];
        return [slice(v, starts, intList('ends') ?? [], intList('axes') ?? starts.map((_, k) => k), [])];
      }
      const starts = ints(need(1));
      return [slice(v, starts, ints(need(2)), inputs[3] ? ints(inputs[3]) : starts.map((_, k) => k), ints(inputs[4]))];
    }
    case 'Reshape':
      return [reshape(need(0), ints(need(1)), int('allowzero', 0) === 1)];
    case 'Transpose': {
      const v = need(0);
      return [transpose(v, intList('perm') ?? v.dims.map((_, k) => v.dims.length - 1 - k))];
    }
    case 'Expand': {
      const v = need(0);
      return [broadcastTo(v, broadcastDims(v.dims, ints(need(1))))];
    }
    case 'ConstantOfShape': {
      const t = attributes.get('value')?.t;
      const fill = t ? tensor(t) : value([1], Float64Array.of(0));
      return [make(ints(need(0)), fill.integer, () => fill.data[0] ?? 0)];
    }
    case 'Add':
      return [binary(need(0), need(1), (a, b) => a + b)];
    case 'Sub':
      return [binary(need(0), need(1), (a, b) => a - b)];
    case 'Mul':
      return [binary(need(0), need(1), (a, b) => a * b)];
    case 'Div': {
      const [a, b] = [need(0), need(1)];
      return [binary(a, b, a.integer && b.integer ? (p, q) => Math.trunc(p / q) : (p, q) => p / q)];
    }
    case 'Equal':
      return [{ ...binary(need(0), need(1), (a, b) => (a === b ? 1 : 0)), integer: true }];
    case 'Where': {
      const [c, a, b] = [need(0), need(1), need(2)];
      const dims = broadcastDims(broadcastDims(c.dims, a.dims), b.dims);
      const [cc, aa, bb] = [broadcastTo(c, dims), broadcastTo(a, dims), broadcastTo(b, dims)];
      return [make(dims, a.integer && b.integer, (i) => (cc.data[i] ? (aa.data[i] ?? 0) : (bb.data[i] ?? 0)))];
    }
    case 'MatMul':
      return [matMul(need(0), need(1))];
    case 'Gemm': {
      let a = need(0);
      let b = need(1);
      if (int('transA', 0)) a = transpose(a, [1, 0]);
      if (int('transB', 0)) b = transpose(b, [1, 0]);
      const alpha = attributes.get('alpha')?.f ?? 1;
      const beta = attributes.get('beta')?.f ?? 1;
      const product = matMul(a, b);
      const scaled = value(
        product.dims,
        product.data.map((p) => p * alpha),
      );
      return [inputs[2] ? binary(scaled, inputs[2], (p, c) => p + beta * c) : scaled];
    }
    case 'GatherND': {
      // batch_dims = 1 with one index per row: out[b] = data[b, indices[b, 0]] (what exportOnnx writes).
      const [data, indices] = [need(0), need(1)];
      if (int('batch_dims', 0) !== 1 || indices.dims.length !== 2 || indices.dims[1] !== 1)
        throw new GraphError('GatherND other than one index per row with batch_dims = 1');
      const [B, N] = data.dims as [number, number];
      const inner = sizeOf(data.dims.slice(2));
      return [
        make([B, ...data.dims.slice(2)], data.integer, (i) => {
          const b = Math.floor(i / inner);
          let index = indices.data[b] ?? 0;
          if (index < 0) index += N;
          if (index < 0 || index >= N) throw new GraphError(`GatherND index ${indices.data[b]} outside ${N}`);
          return data.data[(b * N + index) * inner + (i % inner)] ?? 0;
        }),
      ];
    }
    case 'LSTM':
    case 'GRU':
    case 'RNN':
      return runRecurrentNode(node.opType, inputs, attributes);
    default:
      throw new GraphError(`operator ${node.opType}`);
  }
}
