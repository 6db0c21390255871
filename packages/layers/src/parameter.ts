import { add, keep, moveTensors, type Tensor } from '@lstm/core';

/**
 * A trainable tensor under its PyTorch name, with the gradient accumulated by backward passes
 * (summed, as in PyTorch, until `zeroGrad`). The parameter owns both tensors.
 */
export class Parameter {
  grad: Tensor | null = null;

  constructor(
    readonly name: string,
    public value: Tensor,
  ) {
    keep(value);
  }

  get shape(): readonly number[] {
    return this.value.shape;
  }

  /** Adds `gradient` to `grad` and takes ownership of it. */
  accumulate(gradient: Tensor): void {
    keep(gradient);
    if (!this.grad) {
      this.grad = gradient;
      return;
    }
    const total = keep(add(this.grad, gradient));
    this.grad.dispose();
    gradient.dispose();
    this.grad = total;
  }

  /** Replaces the value (an optimizer step) and takes ownership of the new tensor. */
  assign(value: Tensor): void {
    keep(value);
    if (value !== this.value) this.value.dispose();
    this.value = value;
  }

  zeroGrad(): void {
    this.grad?.dispose();
    this.grad = null;
  }

  dispose(): void {
    this.zeroGrad();
    this.value.dispose();
  }
}

/** Anything with parameters: layers and models. */
export interface Module {
  parameters(): Parameter[];
}

/**
 * Moves a module's parameters and their gradients to another registered backend, all or
 * nothing (see core's `moveTensors`); then `await setBackend(name)` and carry on training.
 */
export async function moveModule(module: Module, backend: string): Promise<void> {
  await moveTensors(
    module.parameters().flatMap((p) => (p.grad ? [p.value, p.grad] : [p.value])),
    backend,
  );
}

/** `{ name: tensor }` of a module's values, PyTorch's state_dict. */
export function stateDict(module: Module): Record<string, Tensor> {
  return Object.fromEntries(module.parameters().map((p) => [p.name, p.value]));
}

/** Total number of scalar parameters. */
export function parameterCount(module: Module): number {
  return module.parameters().reduce((total, p) => total + p.value.size, 0);
}

export function zeroGrad(module: Module): void {
  for (const p of module.parameters()) p.zeroGrad();
}
