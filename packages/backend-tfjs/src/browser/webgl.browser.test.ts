import { describeBackendConformance } from '@lstm/core/testing';
import { tfjs } from '../index.js';

// The unchanged conformance suite on WebGL2 in a real browser (Chromium; SwiftShader on CI).
// WebGL reads synchronously only with a pipeline stall, so the capability says no.
describeBackendConformance({
  factory: tfjs({ backend: 'webgl' }),
  capabilities: { readSync: false, dtypes: ['float32'], floatPrecision: 32 },
});
