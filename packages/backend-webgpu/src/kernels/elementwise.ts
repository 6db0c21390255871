import type {
  AdamUpdateAttrs,
  AdamUpdateInputs,
  AdamUpdateOutputs,
  BinaryAttrs,
  BinaryInputs,
  CastAttrs,
  CastInputs,
  FillAttrs,
  KernelTable,
  TensorInfo,
  UnaryInputs,
} from '@lstm/core';
import { ValueError, sizeOf, stridesOf } from '@lstm/core';
import type { GpuContext } from '../context.js';
import { IS_NAN, MAIN_1D, bufferOf, f32, grid1d, header, output, params } from './wgsl.js';

/**
 * tanh with a relative error of a few ulp everywhere: its odd Taylor series below 0.35 (where
 * 1 − e^{−2|x|} would cancel), (1 − e)/(1 + e) with e = e^{−2|x|} above, ±1 past 9.
 */
export const TANH = `fn tanh_exact(x: f32) -> f32 {
  let a = abs(x);
  if (a < 0.35) {
    let s = x * x;
    return x * (1.0 + s * (-1.0 / 3.0 + s * (2.0 / 15.0 + s * (-17.0 / 315.0 + s * (62.0 / 2835.0 + s * (-1382.0 / 155925.0 + s * (21844.0 / 6081075.0)))))));
  }
  if (a > 9.0) { return sign(x); }
  let e = exp(-2.0 * a);
  return sign(x) * (1.0 - e) / (1.0 + e);
}`;
export const SIGMOID = 'fn sigmoid(x: f32) -> f32 { return 1.0 / (1.0 + exp(-x)); }';

const UNARY: Record<string, string> = {
  Neg: '-x',
  Exp: 'exp(x)',
  Log: 'log(x)',
  Sqrt: 'sqrt(x)',
  Abs: 'abs(x)',
  Tanh: 'tanh_exact(x)',
  Sigmoid: 'sigmoid(x)',
  Relu: 'select(0.0, x, x > 0.0)',
};

// NaN in → NaN out, whatever the compiler assumes about NaN; ±∞ follow IEEE arithmetic.
const BINARY: Record<string, string> = {
  Add: 'a + b',
  Sub: 'a - b',
  Mul: 'a * b',
  Div: 'a / b',
  Maximum: 'select(select(b, a, a >= b), a, is_nan(a))', // NaN wins, as backend-cpu
};

function unary(ctx: GpuContext, op: string) {
  const code = () => `${header(['n: u32'], ['X'], ['out'])}
${IS_NAN}
${TANH}
${SIGMOID}
${MAIN_1D}
  if (i >= u.n) { return; }
  let x = X[i];
  out[i] = select(${UNARY[op]}, x, is_nan(x));
}`;
  return ({ x }: UnaryInputs): TensorInfo => {
    const out = output(ctx, x.shape);
    if (out.handle.size > 0) {
      ctx.dispatch({
        key: `unary.${op}`,
        code,
        params: params(out.handle.size),
        inputs: [bufferOf(x)],
        outputs: [out.handle.buffer],
        workgroups: grid1d(out.handle.size),
      });
    }
    return out;
  };
}

/** B's index for output index i: the same (0), one scalar (1), a trailing row (2), or NumPy broadcasting by strides (3). */
function binary(ctx: GpuContext, op: string) {
  const body = (index: string, bIndex: string) => `${header(['n: u32', 'rowLength: u32'], ['A', 'B'], ['out'])}
${IS_NAN}
${MAIN_1D}
  if (i >= u.n) { return; }
  ${index}
  let a = A[ia];
  let b = B[${bIndex}];
  out[i] = ${BINARY[op]};
}`;
  return ({ a, b }: BinaryInputs, { outShape }: BinaryAttrs): TensorInfo => {
    const out = output(ctx, outShape);
    const n = out.handle.size;
    if (n === 0) return out;
    const aSize = sizeOf(a.shape);
    const bSize = sizeOf(b.shape);
    let key: string;
    let code: () => string;
    if (aSize === n && (bSize === n || bSize === 1 || (b.shape.length <= 1 && outShape.at(-1) === bSize))) {
      const mode = bSize === n ? 'same' : bSize === 1 ? 'scalar' : 'row';
      const bIndex = mode === 'same' ? 'i' : mode === 'scalar' ? '0u' : 'i % u.rowLength';
      key = `binary.${op}.${mode}`;
      code = () => body('let ia = i;', bIndex);
    } else {
      const aStrides = broadcastStrides(a.shape, outShape);
      const bStrides = broadcastStrides(b.shape, outShape);
      const outStrides = stridesOf(outShape);
      const index = [
        'var rest = i;',
        'var ia = 0u;',
        'var ib = 0u;',
        ...outStrides.map(
          (stride, axis) =>
            `{ let c = rest / ${stride}u; rest -= c * ${stride}u; ia += c * ${aStrides[axis]}u; ib += c * ${bStrides[axis]}u; }`,
        ),
      ].join('\n  ');
      key = `binary.${op}.${outShape.join('x')}.${aStrides.join(',')}.${bStrides.join(',')}`;
      code = () => body(index, 'ib');
    }
    ctx.dispatch({
      key,
      code,
      params: params(n, Math.max(1, bSize)),
      inputs: [bufferOf(a), bufferOf(b)],
      outputs: [out.handle.buffer],
      workgroups: grid1d(n),
    });
    return out;
  };
}

function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const strides = stridesOf(shape);
  const offset = outShape.length - shape.length;
  return outShape.map((_, axis) => (axis < offset || shape[axis - offset] === 1 ? 0 : strides[axis - offset]!));
}

export function fillKernel(ctx: GpuContext) {
  const code = () => `${header(['n: u32', 'value: f32'], [], ['out'])}
${MAIN_1D}
  if (i < u.n) { out[i] = u.value; }
}`;
  return (buffer: GPUBuffer, size: number, value: number): void => {
    if (size > 0)
      ctx.dispatch({ key: 'fill', code, params: params(size, f32(value)), inputs: [], outputs: [buffer], workgroups: grid1d(size) });
  };
}

/** A copy of `size` values from one buffer into another at offsets (Cast, Concat, and the recurrent kernels' state). */
export function copyKernel(ctx: GpuContext) {
  const code = () => `${header(['n: u32', 'sourceOffset: u32', 'targetOffset: u32'], ['X'], ['out'])}
${MAIN_1D}
  if (i < u.n) { out[u.targetOffset + i] = X[u.sourceOffset + i]; }
}`;
  return (source: GPUBuffer, target: GPUBuffer, size: number, from = 0, to = 0): void => {
    if (size > 0)
      ctx.dispatch({ key: 'copy', code, params: params(size, from, to), inputs: [source], outputs: [target], workgroups: grid1d(size) });
  };
}

/** Adam's step in one pass, operation for operation as core's composition (reference/adam.ts). */
function adamKernel(ctx: GpuContext) {
  const code = (moments: boolean) => () =>
    `${header(
      [
        'n: u32',
        'decay: u32',
        'beta1: f32',
        'beta2: f32',
        'oneMinusBeta1: f32',
        'oneMinusBeta2: f32',
        'eps: f32',
        'negStepSize: f32',
        'correction2Sqrt: f32',
        'weightDecay: f32',
        'decayFactor: f32',
      ],
      moments ? ['P', 'G', 'M', 'V'] : ['P', 'G'],
      ['pOut', 'mOut', 'vOut'],
    )}
${MAIN_1D}
  if (i >= u.n) { return; }
  var p = P[i];
  var g = G[i];
  if (u.decay == 1u) { g = g + p * u.weightDecay; }
  if (u.decay == 2u) { p = p * u.decayFactor; }
  ${moments ? 'let m = M[i] * u.beta1 + g * u.oneMinusBeta1;' : 'let m = g * u.oneMinusBeta1;'}
  ${moments ? 'let v = V[i] * u.beta2 + (g * g) * u.oneMinusBeta2;' : 'let v = (g * g) * u.oneMinusBeta2;'}
  let denominator = sqrt(v) / u.correction2Sqrt + u.eps;
  pOut[i] = p + (m / denominator) * u.negStepSize;
  mOut[i] = m;
  vOut[i] = v;
}`;
  return ({ param, grad, m, v }: AdamUpdateInputs, a: AdamUpdateAttrs): AdamUpdateOutputs => {
    const outs = [output(ctx, param.shape), output(ctx, param.shape), output(ctx, param.shape)] as const;
    const n = outs[0].handle.size;
    const moments = m !== undefined && v !== undefined;
    if (n > 0) {
      ctx.dispatch({
        key: `adam.${moments}`,
        code: code(moments),
        params: params(
          n,
          a.weightDecay === 0 ? 0 : a.decoupled ? 2 : 1,
          ...[
            a.beta1,
            a.beta2,
            1 - a.beta1,
            1 - a.beta2,
            a.eps,
            -a.stepSize,
            a.correction2Sqrt,
            a.weightDecay,
            1 - a.lr * a.weightDecay,
          ].map(f32),
        ),
        inputs: moments ? [bufferOf(param), bufferOf(grad), bufferOf(m), bufferOf(v)] : [bufferOf(param), bufferOf(grad)],
        outputs: outs.map((o) => o.handle.buffer),
        workgroups: grid1d(n),
      });
    }
    return { param: outs[0], m: outs[1], v: outs[2] };
  };
}

export function elementwiseKernels(ctx: GpuContext, name: string): Partial<KernelTable> {
  const fill = fillKernel(ctx);
  const copy = copyKernel(ctx);
  const table: Record<string, unknown> = {};
  for (const op of Object.keys(UNARY)) table[op] = unary(ctx, op);
  for (const op of Object.keys(BINARY)) table[op] = binary(ctx, op);
  table.Fill = (_: Record<string, never>, { shape, dtype, value }: FillAttrs): TensorInfo => {
    if (dtype !== 'float32') throw new ValueError(`${name}: stores float32 only; use @lstm/backend-cpu for ${dtype}`);
    const out = output(ctx, shape);
    fill(out.handle.buffer, out.handle.size, value);
    return out;
  };
  table.Cast = ({ x }: CastInputs, { dtype }: CastAttrs): TensorInfo => {
    if (dtype !== 'float32') throw new ValueError(`${name}: stores float32 only; use @lstm/backend-cpu for ${dtype}`);
    const out = output(ctx, x.shape);
    copy(bufferOf(x), out.handle.buffer, out.handle.size);
    return out;
  };
  table.AdamUpdate = adamKernel(ctx);
  return table as Partial<KernelTable>;
}
