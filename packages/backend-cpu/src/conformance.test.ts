import { describeBackendConformance } from '@lstm/core/testing';
import { cpu } from './index.js';

describeBackendConformance({ factory: cpu(), capabilities: { readSync: true, dtypes: ['float32', 'float64'], floatPrecision: 32 } });

// The same suite with the fused kernels left out: core's reference compositions must pass it
// too, which is what lets a new backend work before it is fast.
describeBackendConformance({
  factory: cpu({ name: 'cpu-reference', fused: false }),
  capabilities: { readSync: true, dtypes: ['float64'], floatPrecision: 32 },
});

// Two threads with the parallel path forced on every product, however small.
describeBackendConformance({
  factory: cpu({ name: 'cpu-threads', threads: 2, parallelMinWork: 0 }),
  capabilities: { readSync: true, dtypes: ['float32', 'float64'], floatPrecision: 32 },
});
