import { engine } from '../engine.js';
import { ShapeError, ValueError } from '../errors.js';
import { formatShape } from '../shape.js';
import type { Tensor } from '../tensor.js';

/**
 * Matrix product of rank-2 tensors: op(a) · op(b), where op transposes when asked.
 * @example matMul(x, weight, { transposeB: true })  // x Wᵀ, PyTorch's Linear
 */
export function matMul(a: Tensor, b: Tensor, options: { transposeA?: boolean; transposeB?: boolean } = {}): Tensor {
  const transposeA = options.transposeA ?? false;
  const transposeB = options.transposeB ?? false;
  if (a.rank !== 2 || b.rank !== 2)
    throw new ShapeError(`matMul: expected rank-2 tensors, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  if (a.dtype !== b.dtype) throw new ValueError(`matMul: dtypes differ (${a.dtype} and ${b.dtype}); cast one with cast()`);
  const inner = transposeA ? a.shape[0] : a.shape[1];
  const innerB = transposeB ? b.shape[1] : b.shape[0];
  if (inner !== innerB) {
    throw new ShapeError(
      `matMul: inner sizes differ: ${formatShape(a.shape)}${transposeA ? 'ᵀ' : ''} · ${formatShape(b.shape)}${transposeB ? 'ᵀ' : ''} (${inner} vs ${innerB})`,
    );
  }
  return engine.run('MatMul', { a, b }, { transposeA, transposeB });
}
