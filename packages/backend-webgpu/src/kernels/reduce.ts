import type { KernelTable, ReduceAttrs, ReduceInputs, TensorInfo } from '@lstm/core';
import type { GpuContext } from '../context.js';
import { IS_NAN, bufferOf, f32, header, output, params } from './wgsl.js';

const LANES = 64;
const MAX_GROUPS = 65535;

/**
 * Sum, Max and ArgMax over one axis, viewing x as [outer, length, inner]: one workgroup of 64
 * threads per output value, each thread striding along the axis, then a tree in workgroup memory.
 * Max lets NaN win and ArgMax keeps the first maximum, as backend-cpu does.
 */
const OPS = {
  Sum: { index: false, combine: 'acc = acc + v;', merge: 'acc = acc + other;' },
  Max: { index: false, combine: 'if (v > acc || is_nan(v)) { acc = v; }', merge: 'if (other > acc || is_nan(other)) { acc = other; }' },
  ArgMax: {
    index: true,
    combine: 'if (v > acc || (at == NONE && !is_nan(v))) { acc = v; at = k; }',
    merge: 'if (other > acc || (other == acc && otherAt < at) || (at == NONE && otherAt != NONE)) { acc = other; at = otherAt; }',
  },
} as const;

function program(op: keyof typeof OPS): string {
  const { combine, merge, index } = OPS[op];
  const init = op === 'Sum' ? '0.0' : 'u.negativeInfinity'; // −∞ is no WGSL constant: it comes as a uniform
  return `${header(['outer: u32', 'length: u32', 'inner: u32', 'groupsX: u32', 'negativeInfinity: f32'], ['X'], ['out'])}
${IS_NAN}
const NONE: u32 = 0xffffffffu;
var<workgroup> values: array<f32, ${LANES}>;
var<workgroup> places: array<u32, ${LANES}>;
@compute @workgroup_size(${LANES})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let slot = wg.y * u.groupsX + wg.x;
  let valid = slot < u.outer * u.inner;
  let o = slot / max(u.inner, 1u);
  let base = o * u.length * u.inner + (slot - o * u.inner);
  var acc = ${init};
  var at = NONE;
  if (valid) {
    for (var k = lid.x; k < u.length; k += ${LANES}u) {
      let v = X[base + k * u.inner];
      ${combine}
    }
  }
  values[lid.x] = acc;
  places[lid.x] = at;
  workgroupBarrier();
  for (var half = ${LANES / 2}u; half > 0u; half = half / 2u) {
    if (lid.x < half) {
      let other = values[lid.x + half];
      let otherAt = places[lid.x + half];
      ${merge}
      values[lid.x] = acc;
      places[lid.x] = at;
    }
    workgroupBarrier();
  }
  if (lid.x == 0u && valid) { out[slot] = ${index ? 'f32(select(at, 0u, at == NONE))' : 'acc'}; }
}`;
}

export function reduceKernels(ctx: GpuContext): Partial<KernelTable> {
  const kernel =
    (op: keyof typeof OPS) =>
    ({ x }: ReduceInputs, { axis, keepDims }: ReduceAttrs): TensorInfo => {
      const outer = x.shape.slice(0, axis).reduce((p, d) => p * d, 1);
      const inner = x.shape.slice(axis + 1).reduce((p, d) => p * d, 1);
      const shape = keepDims ? x.shape.map((d, i) => (i === axis ? 1 : d)) : x.shape.filter((_, i) => i !== axis);
      const out = output(ctx, shape);
      const slots = outer * inner;
      if (slots === 0) return out;
      const groupsY = Math.ceil(slots / MAX_GROUPS);
      const groupsX = Math.ceil(slots / groupsY);
      ctx.dispatch({
        key: `reduce.${op}`,
        code: () => program(op),
        params: params(outer, x.shape[axis]!, inner, groupsX, f32(Number.NEGATIVE_INFINITY)),
        inputs: [bufferOf(x)],
        outputs: [out.handle.buffer],
        workgroups: [groupsX, groupsY],
      });
      return out;
    };
  return { Sum: kernel('Sum'), Max: kernel('Max'), ArgMax: kernel('ArgMax') };
}
