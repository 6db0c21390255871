import { GraphError, MAX_VALUES, sizeOf, type Value, value } from './onnx-value.js';

/** Tensor arithmetic of the ONNX interpreter (onnx-eval.ts): numpy broadcasting, layouts, products, indexing. */

export const make = (dims: number[], integer: boolean, f: (i: number) => number) => {
  if (sizeOf(dims) > MAX_VALUES) throw new GraphError(`a tensor of shape [${dims.join(', ')}], more values than any recurrent model holds`);
  return value(
    dims,
    Float64Array.from({ length: sizeOf(dims) }, (_, i) => f(i)),
    integer,
  );
};

export function strides(dims: readonly number[]): number[] {
  const out = new Array<number>(dims.length).fill(1);
  for (let k = dims.length - 2; k >= 0; k--) out[k] = (out[k + 1] ?? 0) * (dims[k + 1] ?? 0);
  return out;
}

/** Numpy broadcasting of `values` to `dims`. */
export function broadcastTo(v: Value, dims: number[]): Value {
  const offset = dims.length - v.dims.length;
  if (offset < 0) throw new GraphError(`cannot broadcast [${v.dims.join(', ')}] to [${dims.join(', ')}]`);
  v.dims.forEach((d, k) => {
    if (d !== 1 && d !== dims[k + offset]) throw new GraphError(`cannot broadcast [${v.dims.join(', ')}] to [${dims.join(', ')}]`);
  });
  const source = strides(v.dims);
  const target = strides(dims);
  return make(dims, v.integer, (i) => {
    let at = 0;
    for (let k = offset; k < dims.length; k++)
      if (v.dims[k - offset] !== 1) at += (Math.floor(i / (target[k] ?? 0)) % (dims[k] ?? 0)) * (source[k - offset] ?? 0);
    return v.data[at] ?? 0;
  });
}

export function broadcastDims(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  return Array.from({ length: rank }, (_, k) => {
    const x = a[k - rank + a.length] ?? 1;
    const y = b[k - rank + b.length] ?? 1;
    if (x !== y && x !== 1 && y !== 1) throw new GraphError(`shapes [${a.join(', ')}] and [${b.join(', ')}] do not broadcast`);
    return x === 1 ? y : x;
  });
}

export function binary(a: Value, b: Value, f: (x: number, y: number) => number): Value {
  const dims = broadcastDims(a.dims, b.dims);
  const x = broadcastTo(a, dims);
  const y = broadcastTo(b, dims);
  const integer = a.integer && b.integer;
  return make(dims, integer, (i) => f(x.data[i] ?? 0, y.data[i] ?? 0));
}

export function transpose(v: Value, perm: number[]): Value {
  const dims = perm.map((p) => v.dims[p] ?? 0);
  const source = strides(v.dims);
  const target = strides(dims);
  return make(dims, v.integer, (i) => {
    let at = 0;
    for (let k = 0; k < dims.length; k++) at += (Math.floor(i / (target[k] ?? 0)) % (dims[k] ?? 0)) * (source[perm[k] ?? 0] ?? 0);
    return v.data[at] ?? 0;
  });
}

/** [..., M, K] × [..., K, N] with broadcast leading dimensions (1-D operands as in numpy). */
export function matMul(a: Value, b: Value): Value {
  const A = a.dims.length === 1 ? value([1, a.dims[0] ?? 0], a.data) : a;
  const B = b.dims.length === 1 ? value([b.dims[0] ?? 0, 1], b.data) : b;
  const [M, K] = A.dims.slice(-2) as [number, number];
  const [K2, N] = B.dims.slice(-2) as [number, number];
  if (K !== K2) throw new GraphError(`MatMul of [${a.dims.join(', ')}] and [${b.dims.join(', ')}]`);
  const lead = broadcastDims(A.dims.slice(0, -2), B.dims.slice(0, -2));
  const x = broadcastTo(A, [...lead, M, K]);
  const y = broadcastTo(B, [...lead, K, N]);
  const out = make([...lead, M, N], false, () => 0);
  for (let batch = 0; batch < sizeOf(lead); batch++)
    for (let m = 0; m < M; m++)
      for (let n = 0; n < N; n++) {
        let sum = 0;
        for (let k = 0; k < K; k++) sum += (x.data[batch * M * K + m * K + k] ?? 0) * (y.data[batch * K * N + k * N + n] ?? 0);
        out.data[batch * M * N + m * N + n] = sum;
      }
  const dims = [...lead, ...(a.dims.length === 1 ? [] : [M]), ...(b.dims.length === 1 ? [] : [N])];
  return value(dims, out.data);
}

export const axisOf = (axis: number, rank: number) => {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new GraphError(`axis ${axis} of a rank-${rank} tensor`);
  return a;
};

export function gather(v: Value, indices: Value, axis: number): Value {
  const a = axisOf(axis, v.dims.length);
  const dims = [...v.dims.slice(0, a), ...indices.dims, ...v.dims.slice(a + 1)];
  const inner = sizeOf(v.dims.slice(a + 1));
  const n = v.dims[a] ?? 0;
  return make(dims, v.integer, (i) => {
    const outer = Math.floor(i / (inner * indices.data.length));
    const k = Math.floor(i / inner) % indices.data.length;
    let index = indices.data[k] ?? 0;
    if (index < 0) index += n;
    if (index < 0 || index >= n) throw new GraphError(`Gather index ${indices.data[k]} outside ${n}`);
    return v.data[(outer * n + index) * inner + (i % inner)] ?? 0;
  });
}

export function slice(v: Value, starts: number[], ends: number[], axes: number[], steps: number[]): Value {
  const begin = v.dims.map(() => 0);
  const step = v.dims.map(() => 1);
  const dims = [...v.dims];
  axes.forEach((axis, k) => {
    const a = axisOf(axis, v.dims.length);
    const n = v.dims[a] ?? 0;
    const s = steps[k] ?? 1;
    if (s === 0) throw new GraphError('Slice step 0');
    const clamp = (x: number, low: number, high: number) => Math.min(Math.max(x < 0 ? x + n : x, low), high);
    const start = s > 0 ? clamp(starts[k] ?? 0, 0, n) : clamp(starts[k] ?? 0, -1, n - 1);
    const end = s > 0 ? clamp(ends[k] ?? 0, 0, n) : clamp(ends[k] ?? 0, -1, n - 1);
    begin[a] = start;
    step[a] = s;
    dims[a] = Math.max(0, Math.ceil((end - start) / s));
  });
  const source = strides(v.dims);
  const target = strides(dims);
  return make(dims, v.integer, (i) => {
    let at = 0;
    for (let k = 0; k < dims.length; k++)
      at += ((begin[k] ?? 0) + (Math.floor(i / (target[k] ?? 0)) % (dims[k] ?? 0)) * (step[k] ?? 0)) * (source[k] ?? 0);
    return v.data[at] ?? 0;
  });
}

export function reshape(v: Value, shape: number[], allowZero: boolean): Value {
  const dims = shape.map((d, k) => (d === 0 && !allowZero ? (v.dims[k] ?? 0) : d));
  const unknown = dims.indexOf(-1);
  if (unknown >= 0) dims[unknown] = sizeOf(v.dims) / -sizeOf(dims);
  if (sizeOf(dims) !== sizeOf(v.dims) || dims.some((d) => !Number.isInteger(d) || d < 0))
    throw new GraphError(`Reshape of [${v.dims.join(', ')}] to [${shape.join(', ')}]`);
  return value(dims, v.data, v.integer);
}
