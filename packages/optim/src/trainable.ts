import type { Tensor } from '@lstm/core';

/**
 * What an optimizer updates: a value, its accumulated gradient, and a way to replace the
 * value. @lstm/layers' Parameter has exactly this shape; optim depends on core only.
 */
export interface Trainable {
  readonly name?: string;
  value: Tensor;
  grad: Tensor | null;
  assign(value: Tensor): void;
}
