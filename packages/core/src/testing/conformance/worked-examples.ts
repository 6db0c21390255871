import { describe, expect, it } from 'vitest';
import { tensor } from '../../ops/create.js';
import { lstmBackward, lstmForward } from '../../ops/recurrent.js';
import { tidy } from '../../registry.js';
import { type ConformanceOptions, DeferredChecks } from './context.js';

const logit = (p: number) => Math.log(p / (1 - p));

/**
 * An LSTM whose gates are exactly the given values: x_t carries the pre-activations, W_ih is
 * the identity, W_hh and the biases are zero, so gate k at step t is act(x_t[k]).
 */
function gatesAsInputs(steps: { i: number[]; f: number[]; g: number[]; o: number[] }[]) {
  const H = steps[0]!.i.length;
  const x = steps.flatMap(({ i, f, g, o }) => [...i.map(logit), ...f.map(logit), ...g.map(Math.atanh), ...o.map(logit)]);
  const identity = Array.from({ length: 16 * H * H }, (_, k) => (Math.floor(k / (4 * H)) === k % (4 * H) ? 1 : 0));
  return { x, identity, H, T: steps.length };
}

/** spec §4.5: the worked examples, run through the backend's LSTM kernels. */
export function workedExampleSuite({ capabilities }: ConformanceOptions): void {
  const dtype = capabilities.dtypes.includes('float64') ? 'float64' : 'float32';
  describe('spec §4.5 worked examples', () => {
    it('one cell update: f = 0.9, i = 0.3, g = 0.5, c = [1, 2, 3] → [1.05, 1.95, 2.85]', async () => {
      const checks = new DeferredChecks();
      const { x, identity, H } = gatesAsInputs([{ i: [0.3, 0.3, 0.3], f: [0.9, 0.9, 0.9], g: [0.5, 0.5, 0.5], o: [0.5, 0.5, 0.5] }]);
      tidy(() => {
        const weights = {
          weightIh: tensor(identity, [4 * H, 4 * H], dtype),
          weightHh: tensor(new Array(4 * H * H).fill(0), [4 * H, H], dtype),
          biasIh: tensor(new Array(4 * H).fill(0), [4 * H], dtype),
          biasHh: tensor(new Array(4 * H).fill(0), [4 * H], dtype),
        };
        const { c } = lstmForward(
          tensor(x, [1, 1, 4 * H], dtype),
          weights,
          tensor([0, 0, 0], [1, 3], dtype),
          tensor([1, 2, 3], [1, 3], dtype),
        );
        checks.on(c, (values) =>
          values.forEach((value, j) => {
            expect(value).toBeCloseTo([1.05, 1.95, 2.85][j]!, 5);
          }),
        );
      });
      await checks.run();
    });

    it('three-step trace: cell states, direct-path ∂L/∂c_t for L = Σh₃, cumulative forget product', async () => {
      const checks = new DeferredChecks();
      const { x, identity, H, T } = gatesAsInputs([
        { f: [0.9, 0.8], i: [0.3, 0.4], g: [0.5, -0.2], o: [0.5, 0.5] },
        { f: [0.85, 0.9], i: [0.4, 0.4], g: [0.3, 0.3], o: [0.5, 0.5] }, // i ⊙ g = [0.12, 0.12]
        { f: [0.8, 0.85], i: [0.5, 0.4], g: [0.2, 0.3], o: [0.8, 0.75] }, // i ⊙ g = [0.10, 0.12]
      ]);
      tidy(() => {
        const weights = {
          weightIh: tensor(identity, [4 * H, 4 * H], dtype),
          weightHh: tensor(new Array(4 * H * H).fill(0), [4 * H, H], dtype),
          biasIh: tensor(new Array(4 * H).fill(0), [4 * H], dtype),
          biasHh: tensor(new Array(4 * H).fill(0), [4 * H], dtype),
        };
        const input = tensor(x, [1, T, 4 * H], dtype);
        const h0 = tensor([0, 0], [1, 2], dtype);
        const c0 = tensor([0.5, -0.3], [1, 2], dtype);
        const forward = lstmForward(input, weights, h0, c0, { record: true });
        checks.on(forward.cells!, (cells) =>
          [0.6, -0.32, 0.63, -0.168, 0.604, -0.0228].forEach((expected, k) => {
            expect(cells[k]).toBeCloseTo(expected, 6);
          }),
        );
        // L = sum(h_3): with W_hh = 0 the full gradient is the direct path through f.
        const grads = lstmBackward(input, weights, h0, c0, forward as never, { dh: tensor([1, 1], [1, 2], dtype) }, { record: true });
        const expected = [
          [0.3854, 0.5735],
          [0.4535, 0.6372],
          [0.5668, 0.7496],
        ];
        checks.on(grads.dcSteps!, (dc) =>
          expected.flat().forEach((value, k) => {
            expect(Math.abs(dc[k]! - value)).toBeLessThan(6e-5);
          }),
        );
        checks.on(grads.dc0, (dc0) =>
          dc0.forEach((value, j) => {
            expect(Math.abs(value - [0.3469, 0.4588][j]!)).toBeLessThan(6e-5);
          }),
        );
        checks.on(forward.gates!, (gates) => {
          const product = [0, 1].map((j) => [0, 1, 2].reduce((p, t) => p * gates[t * 4 * H + H + j]!, 1));
          product.forEach((value) => {
            expect(value).toBeCloseTo(0.612, 6);
          });
        });
      });
      await checks.run();
    });
  });
}
