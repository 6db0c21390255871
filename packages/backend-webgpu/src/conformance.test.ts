import { describeBackendConformance } from '@lstm/core/testing';
import { webgpu } from './index.js';

// The unchanged suite on Dawn (Node): a real GPU where the machine has one, SwiftShader's Vulkan
// driver (CPU-emulated) on CI. No synchronous reads on a GPU, so the capability says no. Core's
// reference compositions run over these primitives inside it (every "fused equals composed" case).
describeBackendConformance({ factory: webgpu(), capabilities: { readSync: false, dtypes: ['float32'], floatPrecision: 32 } });
