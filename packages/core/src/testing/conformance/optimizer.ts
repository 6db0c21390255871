import { describe, expect, it } from 'vitest';
import type { AdamUpdateAttrs } from '../../kernel-names.js';
import { tensor } from '../../ops/create.js';
import { adamUpdate } from '../../ops/optim.js';
import { Rng } from '../../random.js';
import { referenceKernels } from '../../reference/index.js';
import { memory, tidy } from '../../registry.js';
import { maxRelativeDifference } from '../gradcheck.js';
import { type ConformanceOptions, DeferredChecks, toleranceFor } from './context.js';

const STEP = 3;
const BASE: AdamUpdateAttrs = {
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  lr: 0.01,
  stepSize: 0.01 / (1 - 0.9 ** STEP),
  correction2Sqrt: Math.sqrt(1 - 0.999 ** STEP),
  weightDecay: 0,
  decoupled: false,
};
const CASES: [string, Partial<AdamUpdateAttrs>, boolean][] = [
  ['first step (no moments)', {}, false],
  ['later step', {}, true],
  ['L2 weight decay', { weightDecay: 0.1 }, true],
  ['decoupled weight decay (AdamW)', { weightDecay: 0.1, decoupled: true }, true],
];

/** The optional fused optimizer kernel: equal to core's composition of primitives. */
export function optimizerSuite({ capabilities }: ConformanceOptions): void {
  for (const dtype of capabilities.dtypes) {
    const tolerance = toleranceFor(dtype, capabilities);
    describe(`AdamUpdate (${dtype})`, () => {
      for (const [label, attrs, withMoments] of CASES) {
        it(`fused equals composed: ${label}`, async () => {
          const checks = new DeferredChecks();
          const rng = new Rng(11);
          const shape = [7, 5]; // 35 values: SIMD lanes and a scalar tail
          const make = (lo: number, hi: number) =>
            tensor(
              Array.from({ length: 35 }, () => rng.uniform(lo, hi)),
              shape,
              dtype,
            );
          const before = memory().numTensors;
          tidy(() => {
            const param = make(-1, 1);
            const grad = make(-1, 1);
            const moments = withMoments ? { m: make(-0.1, 0.1), v: make(0, 0.01) } : undefined;
            const full = { ...BASE, ...attrs };
            const fused = adamUpdate(param, grad, moments, full);
            const composed = referenceKernels.AdamUpdate({ param, grad, ...moments }, full);
            for (const name of ['param', 'm', 'v'] as const) {
              expect(fused[name].shape, name).toEqual(shape);
              checks.on([fused[name], composed[name]], (a, b) => expect(maxRelativeDifference(a, b), name).toBeLessThanOrEqual(tolerance));
            }
            checks.on([fused.param, param], (a, b) => expect(maxRelativeDifference(a, b), 'the parameter moved').toBeGreaterThan(0));
          });
          await checks.run();
          expect(memory().numTensors).toBe(before);
        });
      }
    });
  }
}
