import { describeBackendConformance } from '@lstm/core/testing';
import { webgpu } from '../index.js';

// The unchanged conformance suite on navigator.gpu in a real browser (Chromium with
// --enable-unsafe-webgpu; on CI its adapter is SwiftShader, a CPU-emulated GPU).
describeBackendConformance({ factory: webgpu(), capabilities: { readSync: false, dtypes: ['float32'], floatPrecision: 32 } });
