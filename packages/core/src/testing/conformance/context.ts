import type { BackendCapabilities, BackendFactory } from '../../backend.js';
import type { DType, FloatArray } from '../../dtype.js';
import { keep } from '../../registry.js';
import type { Tensor } from '../../tensor.js';

export interface ConformanceOptions {
  /** The backend under test, e.g. cpu(). */
  factory: BackendFactory;
  /** Its capabilities: they decide which checks run (never a list of test names). */
  capabilities: BackendCapabilities;
}

/** Tolerance (relative) for comparing a backend's results with an exact reference. */
export function toleranceFor(dtype: DType, capabilities: BackendCapabilities): number {
  if (dtype === 'float64') return 1e-9;
  return capabilities.floatPrecision === 16 ? 1e-2 : 1e-4;
}

/**
 * Assertions on tensor values, run once the values are read asynchronously — so the one suite runs
 * on backends that cannot read synchronously (WebGPU) as on those that can. Inside a `tidy`,
 * `checks.on([a, b], (va, vb) => …)` keeps the tensors; `await checks.run()` reads them, runs the
 * assertions in order and frees the tensors.
 */
export class DeferredChecks {
  readonly #pending: { tensors: Tensor[]; assert: (...values: FloatArray[]) => void }[] = [];

  on(tensors: Tensor | readonly Tensor[], assert: (...values: FloatArray[]) => void): void {
    const list: readonly Tensor[] = Array.isArray(tensors) ? tensors : [tensors as Tensor];
    this.#pending.push({ tensors: list.map((t) => keep(t)), assert });
  }

  async run(): Promise<void> {
    const pending = this.#pending.splice(0);
    try {
      for (const { tensors, assert } of pending) assert(...(await Promise.all(tensors.map((t) => t.read()))));
    } finally {
      for (const { tensors } of pending) for (const t of tensors) t.dispose();
    }
  }
}
