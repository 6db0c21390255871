import { describeBackendConformance } from '@lstm/core/testing';
import { tfjs } from './index.js';

// The unchanged suite every backend runs, on both tfjs backends Node offers (WebGL runs it in
// Chromium: see browser/).
describeBackendConformance({
  factory: tfjs({ backend: 'cpu' }),
  capabilities: { readSync: true, dtypes: ['float32'], floatPrecision: 32 },
});
describeBackendConformance({
  factory: tfjs({ backend: 'wasm' }),
  capabilities: { readSync: true, dtypes: ['float32'], floatPrecision: 32 },
});
describeBackendConformance({
  factory: tfjs({ backend: 'wasm', name: 'tfjs-wasm-reference', fused: false }),
  capabilities: { readSync: true, dtypes: ['float32'], floatPrecision: 32 },
});
