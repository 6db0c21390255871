import type { AdamUpdateAttrs, AdamUpdateInputs, AdamUpdateOutputs } from '@lstm/core';
import { type Context, optionalPtr, ptrOf, withFrame } from './context.js';

/**
 * Adam's update for one parameter in one pass (assembly/optim.ts) instead of a dozen primitive
 * calls. The constants are computed here in float64 exactly as core's composition computes them,
 * then rounded to float32 by the call, as the composition's scalar tensors are.
 */
export function adamUpdateKernel(ctx: Context) {
  return ({ param, grad, m, v }: AdamUpdateInputs, a: AdamUpdateAttrs): AdamUpdateOutputs =>
    withFrame(ctx, param.dtype, (frame) => {
      const result: AdamUpdateOutputs = { param: frame.output(param.shape), m: frame.output(param.shape), v: frame.output(param.shape) };
      const decay = a.weightDecay === 0 ? 0 : a.decoupled ? 2 : 1;
      const n = param.shape.reduce((x, y) => x * y, 1);
      const ins = [ptrOf(param), ptrOf(grad), optionalPtr(m), optionalPtr(v)];
      const outs = [result.param, result.m, result.v].map(ptrOf);
      const constants = [
        a.beta1,
        1 - a.beta1,
        a.beta2,
        1 - a.beta2,
        a.eps,
        -a.stepSize,
        a.correction2Sqrt,
        a.weightDecay,
        1 - a.lr * a.weightDecay,
      ];
      ctx.wasm.adamUpdate(n, decay, ...ins, ...outs, ...constants);
      return result;
    });
}
