import { describeBackendConformance } from '@lstm/core/testing';
import { webgpu } from './index.js';

// The unchanged suite on Dawn (Node): a real GPU where the machine has one, SwiftShader's Vulkan
// driver (CPU-emulated) on CI. No synchronous reads on a GPU, so the capability says no.
describeBackendConformance({ factory: webgpu(), capabilities: { readSync: false, dtypes: ['float32'], floatPrecision: 32 } });
describeBackendConformance({
  factory: webgpu({ name: 'webgpu-reference', fused: false }),
  capabilities: { readSync: false, dtypes: ['float32'], floatPrecision: 32 },
});
