import { describe, expect, it } from 'vitest';
import { tensor } from '../../ops/create.js';
import { lstmForward } from '../../ops/recurrent.js';
import { memory, tidy } from '../../registry.js';
import type { Tensor } from '../../tensor.js';
import { compareGradients, maxRelativeDifference, numericGradient } from '../gradcheck.js';
import { CELL_CASES, GRADIENT_OF, caseName, makeProblem, probeLoss, runBackward, runForward, toTensors } from '../recurrent-problems.js';
import { type ConformanceOptions, DeferredChecks, toleranceFor } from './context.js';

const CONFIGS = [
  { label: 'forward in time', reverse: false, lengths: null },
  { label: 'reversed', reverse: true, lengths: null },
  { label: 'variable lengths', reverse: false, lengths: Int32Array.from([4, 1, 3]) },
  { label: 'variable lengths, reversed', reverse: true, lengths: Int32Array.from([2, 4, 1]) },
] as const;

/**
 * Fused recurrent kernels: equal to core's reference composition (forward, backward, per-step
 * introspection), correct by finite differences in float64, padded steps inert, no leaks.
 */
export function recurrentSuite({ capabilities }: ConformanceOptions): void {
  for (const dtype of capabilities.dtypes) {
    const tolerance = toleranceFor(dtype, capabilities);
    for (const cellCase of CELL_CASES) {
      describe(`${caseName(cellCase)} sequence kernels (${dtype})`, () => {
        for (const config of CONFIGS) {
          it(`fused equals composed: ${config.label}`, async () => {
            const problem = makeProblem(cellCase, { B: 3, T: 4, I: 3, H: 5 }, 7);
            const checks = new DeferredChecks();
            tidy(() => {
              const t = toTensors(problem, dtype);
              const options = { reverse: config.reverse, lengths: config.lengths, record: true };
              const fused = runForward(problem, t, options);
              const composed = runForward(problem, t, { ...options, reference: true });
              for (const name of Object.keys(composed)) {
                expect(fused[name], `forward output ${name}`).toBeDefined();
                expect(fused[name]!.shape, name).toEqual(composed[name]!.shape);
                checks.on([fused[name]!, composed[name]!], (a, b) =>
                  expect(maxRelativeDifference(a, b), `forward ${name}`).toBeLessThanOrEqual(tolerance),
                );
              }
              if (cellCase.gateActivation === 'hardSigmoid') {
                // The problem reaches both clipped ranges, where the derivative is 0, and the slope between.
                checks.on(composed.gates!, (gates) =>
                  expect(gates.some((g) => g === 0) && gates.some((g) => g === 1) && gates.some((g) => g > 0 && g < 1)).toBe(true),
                );
              }
              const fusedGrads = runBackward(problem, t, fused, options);
              const composedGrads = runBackward(problem, t, composed, { ...options, reference: true });
              for (const name of Object.keys(composedGrads)) {
                expect(fusedGrads[name], `backward output ${name}`).toBeDefined();
                checks.on([fusedGrads[name]!, composedGrads[name]!], (a, b) =>
                  expect(maxRelativeDifference(a, b), `backward ${name}`).toBeLessThanOrEqual(tolerance),
                );
              }
            });
            await checks.run();
          });
        }

        if (dtype === 'float64' && capabilities.readSync) {
          for (const config of [CONFIGS[0], CONFIGS[3]]) {
            it(`gradients match central finite differences: ${config.label}`, () => {
              const problem = makeProblem(cellCase, { B: 3, T: 4, I: 2, H: 3 }, 11);
              const options = { reverse: config.reverse, lengths: config.lengths };
              const analytic = tidy(() => {
                const t = toTensors(problem, dtype);
                const grads = runBackward(problem, t, runForward(problem, t, { ...options, record: true }), options);
                return Object.fromEntries(Object.entries(grads).map(([name, g]) => [name, g!.readSync()]));
              });
              for (const [input, gradName] of Object.entries(GRADIENT_OF)) {
                if (!problem.values[input]) continue;
                const numeric = numericGradient(
                  (values) =>
                    tidy(() => {
                      const t = toTensors(problem, dtype, { [input]: values });
                      return probeLoss(problem, runForward(problem, t, { ...options, record: false }));
                    }),
                  problem.values[input]!,
                  1e-5,
                );
                const { maxRelativeError } = compareGradients(analytic[gradName]!, numeric);
                expect(maxRelativeError, `∂L/∂${input}`).toBeLessThan(1e-6);
              }
            });
          }
        }

        it('records per-step values only when asked, and leaks nothing', async () => {
          const problem = makeProblem(cellCase, { B: 2, T: 3, I: 2, H: 4 }, 3);
          const before = memory().numTensors;
          const checks = new DeferredChecks();
          tidy(() => {
            const t = toTensors(problem, dtype);
            const plain = runForward(problem, t, { record: false });
            expect(plain.gates).toBeUndefined();
            expect(plain.cells).toBeUndefined();
            const recorded = runForward(problem, t, { record: true });
            if (cellCase.cell !== 'rnn') expect(recorded.gates!.shape).toEqual([2, 3, t.weightIh!.shape[0]!]);
            checks.on([plain.y!, recorded.y!], (a, b) => expect(maxRelativeDifference(a, b)).toBe(0));
            const grads = runBackward(problem, t, recorded, { record: true });
            expect(grads.dhSteps!.shape).toEqual([2, 3, 4]);
            expect(runBackward(problem, t, recorded, { record: false }).dhSteps).toBeUndefined();
          });
          await checks.run();
          expect(memory().numTensors).toBe(before);
        });

        it('padded steps write zeros and leave the final state at the last valid step', async () => {
          const problem = makeProblem(cellCase, { B: 2, T: 4, I: 2, H: 3 }, 5);
          const checks = new DeferredChecks();
          tidy(() => {
            const t = toTensors(problem, dtype);
            const padded = runForward(problem, t, { lengths: Int32Array.from([2, 4]) });
            checks.on([padded.y!, padded.h!], (y, h) => {
              expect(Array.from(y.subarray(6, 12)).every((v) => v === 0)).toBe(true); // row 0, steps 2 and 3 (±0)
              // Row 0's final state equals its output at step 1.
              expect(maxRelativeDifference(h.subarray(0, 3), y.subarray(3, 6))).toBe(0);
            });
          });
          await checks.run();
        });

        it('leaves its inputs untouched', async () => {
          const problem = makeProblem(cellCase, { B: 2, T: 3, I: 2, H: 3 }, 9);
          const checks = new DeferredChecks();
          tidy(() => {
            const t = toTensors(problem, dtype);
            runBackward(problem, t, runForward(problem, t, { record: true }), {});
            const byName: Record<string, Tensor | undefined> = { ...t };
            for (const [name, values] of Object.entries(problem.values)) {
              const input = byName[name];
              if (!input) throw new Error(`no tensor '${name}'`);
              checks.on(input, (v) => expect(maxRelativeDifference(v, values), name).toBeLessThanOrEqual(tolerance));
            }
          });
          await checks.run();
        });
      });
    }

    describe(`recurrent input validation (${dtype})`, () => {
      it('names the wrong tensor and the expected shape', () => {
        const problem = makeProblem({ cell: 'lstm', variant: 'standard' }, { B: 2, T: 3, I: 2, H: 3 }, 1);
        tidy(() => {
          const t = toTensors(problem, dtype);
          const w = { weightIh: t.weightIh!, weightHh: t.weightHh!, biasIh: t.biasIh!, biasHh: t.biasHh! };
          expect(() => lstmForward(tensor([1, 2], [2], dtype), w, t.h0!, t.c0!)).toThrow(
            /input x must be \[batch, time, features\], got \[2\]/,
          );
          expect(() => lstmForward(t.x!, w, tensor(new Array(3).fill(0), [1, 3], dtype), t.c0!)).toThrow(
            /h0 must be \[2, 3\], got \[1, 3\]/,
          );
          expect(() => lstmForward(t.x!, { ...w, weightIh: t.weightHh! }, t.h0!, t.c0!)).toThrow(
            /weightIh must be \[12, 2\], got \[12, 3\]/,
          );
          expect(() => lstmForward(t.x!, w, t.h0!, t.c0!, { lengths: [3, 5] })).toThrow(/lengths\[1\] = 5 must be an integer in \[1, 3\]/);
          expect(() => lstmForward(t.x!, w, t.h0!, t.c0!, { variant: 'peephole' })).toThrow(/peephole weights of shape \[9\]/);
        });
      });
    });
  }
}
