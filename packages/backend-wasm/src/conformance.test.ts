import { describeBackendConformance } from '@lstm/core/testing';
import { wasm } from './index.js';

// The unchanged suite every backend runs: fused kernels, and core's reference compositions over
// the wasm primitives.
describeBackendConformance({ factory: wasm(), capabilities: { readSync: true, dtypes: ['float32'], floatPrecision: 32 } });
describeBackendConformance({
  factory: wasm({ name: 'wasm-reference', fused: false }),
  capabilities: { readSync: true, dtypes: ['float32'], floatPrecision: 32 },
});
