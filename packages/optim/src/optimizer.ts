import { ValueError, keep, moveTensors, prefetch, tensor, tidy, type FloatArray, type Tensor } from '@lstm/core';
import type { Trainable } from './trainable.js';

/** Everything an optimizer needs to resume: its step count and per-parameter slots, by name. */
export interface OptimizerState {
  step: number;
  slots: Record<string, Record<string, FloatArray>>;
}

/**
 * What every optimizer shares: the parameters, a learning rate a schedule may change, per-
 * parameter state tensors ("slots": momentum, moments…) that survive tidy(), and
 * save/restore of that state by parameter name.
 */
export abstract class Optimizer {
  lr: number;
  protected stepCount = 0;
  private readonly slots = new Map<Trainable, Record<string, Tensor>>();

  constructor(
    readonly parameters: readonly Trainable[],
    lr: number,
    what: string,
  ) {
    if (!(lr > 0) || !Number.isFinite(lr)) throw new ValueError(`${what}: lr must be a positive number, got ${lr}`);
    this.lr = lr;
  }

  /** Applies one update to every parameter that has a gradient. */
  step(): void {
    this.stepCount++;
    for (const parameter of this.parameters) {
      const grad = parameter.grad;
      if (!grad) continue;
      tidy(() => {
        const previous = this.slots.get(parameter);
        const { value, slots } = this.update(parameter.value, grad, previous);
        parameter.assign(value);
        for (const slot of Object.values(previous ?? {})) slot.dispose();
        for (const slot of Object.values(slots)) keep(slot);
        this.slots.set(parameter, slots);
      });
    }
  }

  /** One parameter's update: the new value and the new slots (previous = undefined on its first step). */
  protected abstract update(
    p: Tensor,
    g: Tensor,
    previous: Record<string, Tensor> | undefined,
  ): { value: Tensor; slots: Record<string, Tensor> };

  /** Clears every parameter's gradient. */
  zeroGrad(): void {
    for (const parameter of this.parameters) {
      parameter.grad?.dispose();
      parameter.grad = null;
    }
  }

  /** Moves the optimizer's state (momentum, moments…) to another registered backend, all or nothing. */
  async to(backend: string): Promise<this> {
    await moveTensors(
      [...this.slots.values()].flatMap((slots) => Object.values(slots)),
      backend,
    );
    return this;
  }

  /**
   * Reads the state to the host where the backend reads asynchronously (core's `prefetch`), so
   * that `state()` works there too.
   */
  prefetch(): Promise<void> {
    return prefetch([...this.slots.values()].flatMap((slots) => Object.values(slots)));
  }

  /** A copy of the optimizer's state (for checkpoints). */
  state(): OptimizerState {
    const slots: OptimizerState['slots'] = {};
    this.parameters.forEach((p, i) => {
      const own = this.slots.get(p);
      if (own) slots[nameOf(p, i)] = Object.fromEntries(Object.entries(own).map(([k, t]) => [k, t.readSync().slice()]));
    });
    return { step: this.stepCount, slots };
  }

  /** Restores a state from state(); every slot must match its parameter's size. */
  loadState(state: OptimizerState): void {
    const restored = new Map<Trainable, Record<string, Tensor>>();
    this.parameters.forEach((p, i) => {
      const own = state.slots[nameOf(p, i)];
      if (!own) return;
      const slots: Record<string, Tensor> = {};
      for (const [k, values] of Object.entries(own)) {
        if (values.length !== p.value.size)
          throw new ValueError(`optimizer state: slot '${k}' of '${nameOf(p, i)}' has ${values.length} values, expected ${p.value.size}`);
        slots[k] = keep(tensor(values, p.value.shape, p.value.dtype));
      }
      restored.set(p, slots);
    });
    this.dispose();
    for (const [p, slots] of restored) this.slots.set(p, slots);
    this.stepCount = state.step;
  }

  dispose(): void {
    for (const slots of this.slots.values()) for (const t of Object.values(slots)) t.dispose();
    this.slots.clear();
  }
}

function nameOf(p: Trainable, index: number): string {
  return p.name ?? `#${index}`;
}
