import type { BackendCapabilities, BackendFactory } from '../../backend.js';
import type { DType } from '../../dtype.js';

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
