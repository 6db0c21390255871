import { engine } from '../engine.js';
import { ShapeError } from '../errors.js';
import type { AdamUpdateAttrs } from '../kernel-names.js';
import { formatShape, shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { adamUpdateReference } from '../reference/adam.js';

// Installed here, where the kernel is dispatched (see ops/recurrent.ts for why).
engine.setReference('AdamUpdate', adamUpdateReference);

/**
 * One Adam step for one parameter: the backend's fused kernel, or core's composition of
 * primitives (the same float32 operations in the same order). Returns the new parameter and moments.
 */
export function adamUpdate(
  param: Tensor,
  grad: Tensor,
  moments: { m: Tensor; v: Tensor } | undefined,
  attrs: AdamUpdateAttrs,
): { param: Tensor; m: Tensor; v: Tensor } {
  for (const [name, t] of [
    ['grad', grad],
    ['m', moments?.m],
    ['v', moments?.v],
  ] as const) {
    if (t && !shapesEqual(t.shape, param.shape)) {
      throw new ShapeError(`adamUpdate: ${name} is ${formatShape(t.shape)} but the parameter is ${formatShape(param.shape)}`);
    }
  }
  return engine.run('AdamUpdate', { param, grad, m: moments?.m, v: moments?.v }, attrs);
}
