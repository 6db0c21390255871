import type {
  ConcatAttrs,
  ConcatInputs,
  GatherAttrs,
  GatherInputs,
  KernelTable,
  ScatterAddAttrs,
  ScatterAddInputs,
  SliceAttrs,
  SliceInputs,
  TensorInfo,
  TransposeAttrs,
  TransposeInputs,
} from '@lstm/core';
import { stridesOf } from '@lstm/core';
import type { GpuContext } from '../context.js';
import { MAIN_1D, bufferOf, grid1d, header, indexBuffer, output, params } from './wgsl.js';

/**
 * Data movement: every output element reads its source through index arithmetic baked into the
 * program (the strides are part of its key). Gather and ScatterAdd take their host indices as a
 * u32 buffer; ScatterAdd sums each output row's sources in index order (a CSR list built on the
 * host), so it is deterministic and adds in backend-cpu's order — no float atomics.
 */

/** WGSL that turns output index `i` into the source index `source` (coordinates by output strides). */
function gatherIndex(outStrides: readonly number[], sourceStrides: readonly number[], base = 0): string {
  return [
    'var rest = i;',
    `var source = ${base}u;`,
    ...outStrides.map((stride, axis) => `{ let c = rest / ${stride}u; rest -= c * ${stride}u; source += c * ${sourceStrides[axis]}u; }`),
  ].join('\n  ');
}

function moveBy(ctx: GpuContext, key: string, x: TensorInfo, shape: readonly number[], index: string): TensorInfo {
  const out = output(ctx, shape);
  const n = out.handle.size;
  if (n === 0) return out;
  const code = () => `${header(['n: u32'], ['X'], ['out'])}
${MAIN_1D}
  if (i >= u.n) { return; }
  ${index}
  out[i] = X[source];
}`;
  ctx.dispatch({ key, code, params: params(n), inputs: [bufferOf(x)], outputs: [out.handle.buffer], workgroups: grid1d(n) });
  return out;
}

export function layoutKernels(ctx: GpuContext): Partial<KernelTable> {
  const Transpose = ({ x }: TransposeInputs, { perm }: TransposeAttrs): TensorInfo => {
    const shape = perm.map((axis) => x.shape[axis]!);
    const inStrides = stridesOf(x.shape);
    const sourceStrides = perm.map((axis) => inStrides[axis]!);
    const outStrides = stridesOf(shape);
    return moveBy(ctx, `transpose.${shape.join('x')}.${sourceStrides.join(',')}`, x, shape, gatherIndex(outStrides, sourceStrides));
  };

  const Slice = ({ x }: SliceInputs, { begin, size }: SliceAttrs): TensorInfo => {
    const inStrides = stridesOf(x.shape);
    const base = begin.reduce((sum, b, axis) => sum + b * inStrides[axis]!, 0);
    return moveBy(
      ctx,
      `slice.${size.join('x')}.${inStrides.join(',')}.${base}`,
      x,
      [...size],
      gatherIndex(stridesOf(size), inStrides, base),
    );
  };

  const copyBlocks = () => `${header(['outer: u32', 'chunk: u32', 'outRow: u32', 'offset: u32'], ['X'], ['out'])}
${MAIN_1D}
  if (i >= u.outer * u.chunk) { return; }
  let o = i / u.chunk;
  out[o * u.outRow + u.offset + (i - o * u.chunk)] = X[i];
}`;
  const Concat = ({ xs }: ConcatInputs, { axis }: ConcatAttrs): TensorInfo => {
    const first = xs[0]!;
    const outer = first.shape.slice(0, axis).reduce((p, d) => p * d, 1);
    const inner = first.shape.slice(axis + 1).reduce((p, d) => p * d, 1);
    const axisTotal = xs.reduce((p, x) => p + x.shape[axis]!, 0);
    const out = output(
      ctx,
      first.shape.map((d, i) => (i === axis ? axisTotal : d)),
    );
    let offset = 0;
    for (const x of xs) {
      const chunk = x.shape[axis]! * inner;
      if (outer * chunk > 0) {
        ctx.dispatch({
          key: 'concat',
          code: copyBlocks,
          params: params(outer, chunk, axisTotal * inner, offset),
          inputs: [bufferOf(x)],
          outputs: [out.handle.buffer],
          workgroups: grid1d(outer * chunk),
        });
      }
      offset += chunk;
    }
    return out;
  };

  const gatherRows = () => `${header(['n: u32', 'cols: u32'], ['X', 'rows: array<u32>'], ['out'])}
${MAIN_1D}
  if (i >= u.n) { return; }
  let r = i / u.cols;
  out[i] = X[rows[r] * u.cols + (i - r * u.cols)];
}`;
  const Gather = ({ x }: GatherInputs, { indices }: GatherAttrs): TensorInfo => {
    const cols = x.shape[1]!;
    const out = output(ctx, [indices.length, cols]);
    const n = out.handle.size;
    if (n === 0) return out;
    const rows = indexBuffer(ctx, indices);
    ctx.dispatch({
      key: 'gather',
      code: gatherRows,
      params: params(n, cols),
      inputs: [bufferOf(x), rows],
      outputs: [out.handle.buffer],
      workgroups: grid1d(n),
    });
    ctx.release(rows);
    return out;
  };

  const scatterRows = () => `${header(['n: u32', 'cols: u32'], ['U', 'starts: array<u32>', 'sources: array<u32>'], ['out'])}
${MAIN_1D}
  if (i >= u.n) { return; }
  let r = i / u.cols;
  let j = i - r * u.cols;
  var total = 0.0;
  for (var k = starts[r]; k < starts[r + 1u]; k++) { total += U[sources[k] * u.cols + j]; }
  out[i] = total;
}`;
  const ScatterAdd = ({ updates }: ScatterAddInputs, { indices, numRows }: ScatterAddAttrs): TensorInfo => {
    const cols = updates.shape[1]!;
    const out = output(ctx, [numRows, cols]);
    const n = out.handle.size;
    if (n === 0) return out;
    // CSR: for each output row, the update rows that land on it, in index order.
    const starts = new Uint32Array(numRows + 1);
    for (const row of indices) starts[row + 1]!++;
    for (let r = 0; r < numRows; r++) starts[r + 1]! += starts[r]!;
    const next = starts.slice(0, numRows);
    const sources = new Uint32Array(indices.length);
    indices.forEach((row, k) => {
      sources[next[row]!++] = k;
    });
    const startBuffer = indexBuffer(ctx, starts);
    const sourceBuffer = indexBuffer(ctx, sources);
    ctx.dispatch({
      key: 'scatterAdd',
      code: scatterRows,
      params: params(n, cols),
      inputs: [bufferOf(updates), startBuffer, sourceBuffer],
      outputs: [out.handle.buffer],
      workgroups: grid1d(n),
    });
    ctx.release(startBuffer);
    ctx.release(sourceBuffer);
    return out;
  };

  return { Transpose, Slice, Concat, Gather, ScatterAdd };
}
