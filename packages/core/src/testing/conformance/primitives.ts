import { describe, expect, it } from 'vitest';
import { tensor, fill } from '../../ops/create.js';
import { abs, add, div, exp, log, maximum, mul, neg, relu, sigmoid, sqrt, sub, tanh } from '../../ops/elementwise.js';
import { matMul } from '../../ops/mat-mul.js';
import { argMax, max, sum } from '../../ops/reduce.js';
import { cast, concat, gather, reshape, scatterAdd, slice, transpose } from '../../ops/shape-ops.js';
import { memory, tidy } from '../../registry.js';
import { Rng } from '../../random.js';
import type { Tensor } from '../../tensor.js';
import { maxRelativeDifference } from '../gradcheck.js';
import { type ConformanceOptions, DeferredChecks, toleranceFor } from './context.js';

function randomValues(rng: Rng, size: number): number[] {
  return Array.from({ length: size }, () => rng.uniform(-2, 2));
}

const list = (values: ArrayLike<number>): number[] => Array.from(values);

/** Primitive kernels: element-wise, MatMul, reductions, layout, gather, fill and cast. */
export function primitiveSuite({ capabilities }: ConformanceOptions): void {
  for (const dtype of capabilities.dtypes) {
    const tolerance = toleranceFor(dtype, capabilities);
    const close = (actual: ArrayLike<number>, expected: ArrayLike<number>) =>
      expect(maxRelativeDifference(actual, expected)).toBeLessThanOrEqual(tolerance);

    describe(`element-wise (${dtype})`, () => {
      const unaryCases: [string, (x: Tensor) => Tensor, (v: number) => number][] = [
        ['neg', neg, (v) => -v],
        ['exp', exp, Math.exp],
        ['log', log, Math.log],
        ['sqrt', sqrt, Math.sqrt],
        ['abs', abs, Math.abs],
        ['tanh', tanh, Math.tanh],
        ['sigmoid', sigmoid, (v) => 1 / (1 + Math.exp(-v))],
        ['relu', relu, (v) => Math.max(v, 0)],
      ];
      for (const [name, op, reference] of unaryCases) {
        it(`${name} matches Math on sizes 0, 1 and 7, and propagates NaN`, async () => {
          const rng = new Rng(1);
          const checks = new DeferredChecks();
          for (const size of [0, 1, 7]) {
            const input = randomValues(rng, size).map((v) => (name === 'log' || name === 'sqrt' ? Math.abs(v) + 0.1 : v));
            tidy(() => checks.on(op(tensor(input, [size], dtype)), (v) => close(v, input.map(reference))));
          }
          tidy(() => checks.on(op(tensor([Number.NaN], [1], dtype)), (v) => expect(Number.isNaN(v[0]!)).toBe(true)));
          await checks.run();
        });
      }

      it('binary ops broadcast: equal shapes, scalar, row vector, column × row', async () => {
        const checks = new DeferredChecks();
        tidy(() => {
          const a = tensor(
            [
              [1, 2, 3],
              [4, 5, 6],
            ],
            undefined,
            dtype,
          );
          checks.on(add(a, tensor([10, 20, 30], undefined, dtype)), (v) => close(v, [11, 22, 33, 14, 25, 36]));
          checks.on(sub(a, 1), (v) => close(v, [0, 1, 2, 3, 4, 5]));
          checks.on(mul(a, a), (v) => close(v, [1, 4, 9, 16, 25, 36]));
          checks.on(div(a, tensor([[2], [4]], undefined, dtype)), (v) => close(v, [0.5, 1, 1.5, 1, 1.25, 1.5]));
          const outer = mul(tensor([[1], [2]], undefined, dtype), tensor([[3, 4, 5]], undefined, dtype));
          expect(outer.shape).toEqual([2, 3]);
          checks.on(outer, (v) => close(v, [3, 4, 5, 6, 8, 10]));
          checks.on(maximum(tensor([1, -1, 3], undefined, dtype), 0), (v) => close(v, [1, 0, 3]));
          expect(() => add(a, tensor([1, 2], undefined, dtype))).toThrow(/do not broadcast/);
        });
        await checks.run();
      });

      it('Infinity and NaN flow through arithmetic', async () => {
        const checks = new DeferredChecks();
        tidy(() =>
          checks.on(add(tensor([Infinity, Number.NaN, 1], undefined, dtype), tensor([1, 1, -Infinity], undefined, dtype)), (out) => {
            expect(out[0]).toBe(Infinity);
            expect(Number.isNaN(out[1]!)).toBe(true);
            expect(out[2]).toBe(-Infinity);
          }),
        );
        await checks.run();
      });

      it('leaves inputs untouched, leaks nothing and reads the same both ways', async () => {
        const before = memory().numTensors;
        const input = [0.5, -1.5, 2.25];
        const x = tensor(input, undefined, dtype);
        tidy(() => {
          tanh(x);
          add(x, x);
          sum(x);
          matMul(reshape(x, [1, 3]), reshape(x, [3, 1]));
        });
        close(await x.read(), input);
        if (capabilities.readSync) expect(Array.from(await x.read())).toEqual(Array.from(x.readSync()));
        x.dispose();
        expect(memory().numTensors).toBe(before);
      });
    });

    describe(`matMul (${dtype})`, () => {
      const naive = (a: number[], b: number[], M: number, N: number, K: number, tA: boolean, tB: boolean) => {
        const out = new Array<number>(M * N).fill(0);
        for (let m = 0; m < M; m++)
          for (let n = 0; n < N; n++)
            for (let k = 0; k < K; k++) {
              out[m * N + n]! += a[tA ? k * M + m : m * K + k]! * b[tB ? n * K + k : k * N + n]!;
            }
        return out;
      };
      for (const [M, N, K] of [
        [1, 1, 1],
        [5, 7, 3],
        [8, 12, 16],
        [9, 4, 33],
        [3, 0, 2],
        [2, 3, 0],
        [67, 70, 37], // several tiles of a GPU's tiled product, with ragged edges
      ] as const) {
        it(`[${M}×${K}]·[${K}×${N}] in all four transpose modes`, async () => {
          const checks = new DeferredChecks();
          const rng = new Rng(M * 100 + N * 10 + K);
          const a = randomValues(rng, M * K);
          const b = randomValues(rng, K * N);
          for (const tA of [false, true])
            for (const tB of [false, true]) {
              tidy(() => {
                const out = matMul(tensor(a, tA ? [K, M] : [M, K], dtype), tensor(b, tB ? [N, K] : [K, N], dtype), {
                  transposeA: tA,
                  transposeB: tB,
                });
                expect(out.shape).toEqual([M, N]);
                checks.on(out, (v) => close(v, naive(a, b, M, N, K, tA, tB)));
              });
            }
          await checks.run();
        });
      }
      it('rejects mismatched inner sizes with both shapes in the message', () => {
        tidy(() => expect(() => matMul(fill([2, 3], 1, dtype), fill([2, 3], 1, dtype))).toThrow(/\[2, 3\].*\[2, 3\]/));
      });
    });

    describe(`reductions and layout (${dtype})`, () => {
      it('sum and max along each axis, with keepDims', async () => {
        const checks = new DeferredChecks();
        tidy(() => {
          const x = tensor(
            [
              [1, 5, 3],
              [4, 2, 6],
            ],
            undefined,
            dtype,
          );
          checks.on(sum(x, 0), (v) => close(v, [5, 7, 9]));
          checks.on(sum(x, 1), (v) => close(v, [9, 12]));
          checks.on(sum(x), (v) => close(v, [21]));
          checks.on(max(x, 1), (v) => close(v, [5, 6]));
          expect(sum(x, 1, true).shape).toEqual([2, 1]);
          checks.on(max(x, -2), (v) => close(v, [4, 5, 6]));
        });
        await checks.run();
      });
      it('argMax picks the first maximum along an axis, as values of the dtype', async () => {
        const checks = new DeferredChecks();
        tidy(() => {
          const x = tensor(
            [
              [1, 5, 5, -2],
              [7, 2, 6, 7],
              [-3, -1, -2, -9],
            ],
            undefined,
            dtype,
          );
          checks.on(argMax(x), (v) => expect(list(v)).toEqual([1, 0, 1]));
          expect(argMax(x).dtype).toBe(dtype);
          checks.on(argMax(x, 0), (v) => expect(list(v)).toEqual([1, 0, 1, 1]));
          expect(argMax(x, 1, true).shape).toEqual([3, 1]);
          checks.on(argMax(tensor([[4]], undefined, dtype)), (v) => expect(list(v)).toEqual([0]));
        });
        await checks.run();
      });
      it('transpose, slice and concat move values where expected', async () => {
        const checks = new DeferredChecks();
        tidy(() => {
          const x = tensor(
            Array.from({ length: 24 }, (_, i) => i),
            [2, 3, 4],
            dtype,
          );
          const t = transpose(x, [2, 0, 1]);
          expect(t.shape).toEqual([4, 2, 3]);
          checks.on(t, (v) => expect(list(v).slice(0, 6)).toEqual([0, 4, 8, 12, 16, 20]));
          const matrix = tensor(
            [
              [1, 2, 3],
              [4, 5, 6],
            ],
            undefined,
            dtype,
          );
          checks.on(transpose(matrix), (v) => expect(list(v)).toEqual([1, 4, 2, 5, 3, 6]));
          // Axes of length 1 move nothing: the rest is a copy, or a transpose of what remains.
          const column = reshape(matrix, [2, 1, 3]);
          checks.on(transpose(column, [1, 0, 2]), (v) => expect(list(v)).toEqual([1, 2, 3, 4, 5, 6]));
          checks.on(transpose(column, [2, 1, 0]), (v) => expect(list(v)).toEqual([1, 4, 2, 5, 3, 6]));
          checks.on(transpose(reshape(x, [1, 2, 3, 4]), [3, 0, 1, 2]), (v) => expect(list(v).slice(0, 6)).toEqual([0, 4, 8, 12, 16, 20]));
          const s = slice(x, [1, 1, 2], [1, 2, -1]);
          expect(s.shape).toEqual([1, 2, 2]);
          checks.on(s, (v) => expect(list(v)).toEqual([18, 19, 22, 23]));
          const c = concat([slice(x, [0, 0, 0], [2, 3, 1]), slice(x, [0, 0, 3], [2, 3, 1])], 2);
          checks.on(c, (v) => expect(list(v)).toEqual([0, 3, 4, 7, 8, 11, 12, 15, 16, 19, 20, 23]));
          expect(() => slice(x, [0, 0, 0], [3, 1, 1])).toThrow(/outside axis 0/);
        });
        await checks.run();
      });
      it("gather and scatterAdd are each other's adjoint", async () => {
        const checks = new DeferredChecks();
        tidy(() => {
          const table = tensor(
            [
              [1, 2],
              [3, 4],
              [5, 6],
            ],
            undefined,
            dtype,
          );
          checks.on(gather(table, [2, 0, 2]), (v) => expect(list(v)).toEqual([5, 6, 1, 2, 5, 6]));
          const updates = tensor(
            [
              [1, 1],
              [2, 2],
              [3, 3],
            ],
            undefined,
            dtype,
          );
          checks.on(scatterAdd(updates, Int32Array.from([2, 0, 2]), 3), (v) => expect(list(v)).toEqual([2, 2, 0, 0, 4, 4]));
          expect(() => gather(table, [3])).toThrow(/outside the table's 3 rows/);
        });
        await checks.run();
      });
      it('fill and cast', async () => {
        const checks = new DeferredChecks();
        tidy(() => {
          checks.on(fill([2, 2], 3.5, dtype), (v) => expect(list(v)).toEqual([3.5, 3.5, 3.5, 3.5]));
          const other = dtype === 'float32' ? 'float64' : 'float32';
          if (capabilities.dtypes.includes(other)) {
            const converted = cast(tensor([0.25, -2], undefined, dtype), other);
            expect(converted.dtype).toBe(other);
            checks.on(converted, (v) => expect(list(v)).toEqual([0.25, -2]));
          }
        });
        await checks.run();
      });
    });
  }
}
