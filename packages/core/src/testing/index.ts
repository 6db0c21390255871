import { afterAll, beforeAll, describe } from 'vitest';
import { registerBackend, setBackend } from '../registry.js';
import { engine } from '../engine.js';
import type { Backend } from '../backend.js';
import type { ConformanceOptions } from './conformance/context.js';
import { lifetimeSuite } from './conformance/lifetimes.js';
import { primitiveSuite } from './conformance/primitives.js';
import { recurrentSuite } from './conformance/recurrent.js';
import { optimizerSuite } from './conformance/optimizer.js';
import { workedExampleSuite } from './conformance/worked-examples.js';

export { type ConformanceOptions, toleranceFor } from './conformance/context.js';
export { compareGradients, maxRelativeDifference, normwiseError, numericGradient, type GradientComparison } from './gradcheck.js';
export { type FuzzReport, type Mutant, runFuzz, safetensorsMutants } from './fuzz.js';
export { countingBackend } from './counting-backend.js';
export { nullBackend, type NullBackendStats } from './null-backend.js';
export {
  CELL_CASES,
  GRADIENT_OF,
  caseName,
  makeProblem,
  probeLoss,
  runBackward,
  runForward,
  toTensors,
  type CellCase,
  type Problem,
} from './recurrent-problems.js';

/**
 * The one conformance suite every backend runs, from its `conformance.test.ts`:
 * @example
 *   describeBackendConformance({ factory: cpu(), capabilities: { readSync: true, dtypes: ['float32', 'float64'], floatPrecision: 32 } });
 */
export function describeBackendConformance(options: ConformanceOptions): void {
  describe(`@lstm backend conformance: ${options.factory.name}`, () => {
    let previous: Backend | null = null;
    beforeAll(async () => {
      previous = engine.active;
      registerBackend(options.factory);
      await setBackend(options.factory.name);
    });
    afterAll(() => {
      engine.active = previous;
    });
    lifetimeSuite(options);
    primitiveSuite(options);
    recurrentSuite(options);
    optimizerSuite(options);
    workedExampleSuite(options);
  });
}
