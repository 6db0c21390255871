import { registerBackend, setBackendSync, type FloatArray } from '@lstm/core';
import { cpu } from '@lstm/backend-cpu';

/** Registers and selects the CPU backend for a test file. */
export function useCpu(): void {
  registerBackend(cpu());
  setBackendSync('cpu');
}

/** Normwise relative error ‖a − e‖∞ / ‖e‖∞ (the measure the fixture bounds are stated in). */
export function normwiseError(actual: FloatArray | readonly number[], expected: readonly number[]): number {
  if (actual.length !== expected.length) return Infinity;
  let difference = 0, scale = 0;
  for (let i = 0; i < expected.length; i++) {
    difference = Math.max(difference, Math.abs(actual[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  if (Number.isNaN(difference)) return Infinity;
  return scale === 0 ? difference : difference / scale;
}
