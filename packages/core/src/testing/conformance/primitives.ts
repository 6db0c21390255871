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
import { type ConformanceOptions, toleranceFor } from './context.js';

function randomValues(rng: Rng, size: number): number[] {
  return Array.from({ length: size }, () => rng.uniform(-2, 2));
}

function values(t: Tensor): number[] {
  return Array.from(t.readSync());
}

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
        it(`${name} matches Math on sizes 0, 1 and 7, and propagates NaN`, () => {
          const rng = new Rng(1);
          for (const size of [0, 1, 7]) {
            const input = randomValues(rng, size).map((v) => (name === 'log' || name === 'sqrt' ? Math.abs(v) + 0.1 : v));
            tidy(() => close(values(op(tensor(input, [size], dtype))), input.map(reference)));
          }
          tidy(() => expect(Number.isNaN(values(op(tensor([Number.NaN], [1], dtype)))[0]!)).toBe(true));
        });
      }

      it('binary ops broadcast: equal shapes, scalar, row vector, column × row', () => {
        tidy(() => {
          const a = tensor(
            [
              [1, 2, 3],
              [4, 5, 6],
            ],
            undefined,
            dtype,
          );
          close(values(add(a, tensor([10, 20, 30], undefined, dtype))), [11, 22, 33, 14, 25, 36]);
          close(values(sub(a, 1)), [0, 1, 2, 3, 4, 5]);
          close(values(mul(a, a)), [1, 4, 9, 16, 25, 36]);
          close(values(div(a, tensor([[2], [4]], undefined, dtype))), [0.5, 1, 1.5, 1, 1.25, 1.5]);
          const outer = mul(tensor([[1], [2]], undefined, dtype), tensor([[3, 4, 5]], undefined, dtype));
          expect(outer.shape).toEqual([2, 3]);
          close(values(outer), [3, 4, 5, 6, 8, 10]);
          close(values(maximum(tensor([1, -1, 3], undefined, dtype), 0)), [1, 0, 3]);
          expect(() => add(a, tensor([1, 2], undefined, dtype))).toThrow(/do not broadcast/);
        });
      });

      it('Infinity and NaN flow through arithmetic', () => {
        tidy(() => {
          const out = values(add(tensor([Infinity, Number.NaN, 1], undefined, dtype), tensor([1, 1, -Infinity], undefined, dtype)));
          expect(out[0]).toBe(Infinity);
          expect(Number.isNaN(out[1]!)).toBe(true);
          expect(out[2]).toBe(-Infinity);
        });
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
        close(values(x), input);
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
      ] as const) {
        it(`[${M}×${K}]·[${K}×${N}] in all four transpose modes`, () => {
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
                close(values(out), naive(a, b, M, N, K, tA, tB));
              });
            }
        });
      }
      it('rejects mismatched inner sizes with both shapes in the message', () => {
        tidy(() => expect(() => matMul(fill([2, 3], 1, dtype), fill([2, 3], 1, dtype))).toThrow(/\[2, 3\].*\[2, 3\]/));
      });
    });

    describe(`reductions and layout (${dtype})`, () => {
      it('sum and max along each axis, with keepDims', () => {
        tidy(() => {
          const x = tensor(
            [
              [1, 5, 3],
              [4, 2, 6],
            ],
            undefined,
            dtype,
          );
          close(values(sum(x, 0)), [5, 7, 9]);
          close(values(sum(x, 1)), [9, 12]);
          close(values(sum(x)), [21]);
          close(values(max(x, 1)), [5, 6]);
          expect(sum(x, 1, true).shape).toEqual([2, 1]);
          close(values(max(x, -2)), [4, 5, 6]);
        });
      });
      it('argMax picks the first maximum along an axis, as values of the dtype', () => {
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
          expect(values(argMax(x))).toEqual([1, 0, 1]);
          expect(argMax(x).dtype).toBe(dtype);
          expect(values(argMax(x, 0))).toEqual([1, 0, 1, 1]);
          expect(argMax(x, 1, true).shape).toEqual([3, 1]);
          expect(values(argMax(tensor([[4]], undefined, dtype)))).toEqual([0]);
        });
      });
      it('transpose, slice and concat move values where expected', () => {
        tidy(() => {
          const x = tensor(
            Array.from({ length: 24 }, (_, i) => i),
            [2, 3, 4],
            dtype,
          );
          const t = transpose(x, [2, 0, 1]);
          expect(t.shape).toEqual([4, 2, 3]);
          expect(values(t).slice(0, 6)).toEqual([0, 4, 8, 12, 16, 20]);
          expect(
            values(
              transpose(
                tensor(
                  [
                    [1, 2, 3],
                    [4, 5, 6],
                  ],
                  undefined,
                  dtype,
                ),
              ),
            ),
          ).toEqual([1, 4, 2, 5, 3, 6]);
          const s = slice(x, [1, 1, 2], [1, 2, -1]);
          expect(s.shape).toEqual([1, 2, 2]);
          expect(values(s)).toEqual([18, 19, 22, 23]);
          const c = concat([slice(x, [0, 0, 0], [2, 3, 1]), slice(x, [0, 0, 3], [2, 3, 1])], 2);
          expect(values(c)).toEqual([0, 3, 4, 7, 8, 11, 12, 15, 16, 19, 20, 23]);
          expect(() => slice(x, [0, 0, 0], [3, 1, 1])).toThrow(/outside axis 0/);
        });
      });
      it("gather and scatterAdd are each other's adjoint", () => {
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
          expect(values(gather(table, [2, 0, 2]))).toEqual([5, 6, 1, 2, 5, 6]);
          expect(
            values(
              scatterAdd(
                tensor(
                  [
                    [1, 1],
                    [2, 2],
                    [3, 3],
                  ],
                  undefined,
                  dtype,
                ),
                Int32Array.from([2, 0, 2]),
                3,
              ),
            ),
          ).toEqual([2, 2, 0, 0, 4, 4]);
          expect(() => gather(table, [3])).toThrow(/outside the table's 3 rows/);
        });
      });
      it('fill and cast', () => {
        tidy(() => {
          expect(values(fill([2, 2], 3.5, dtype))).toEqual([3.5, 3.5, 3.5, 3.5]);
          const other = dtype === 'float32' ? 'float64' : 'float32';
          if (capabilities.dtypes.includes(other)) {
            const converted = cast(tensor([0.25, -2], undefined, dtype), other);
            expect(converted.dtype).toBe(other);
            expect(values(converted)).toEqual([0.25, -2]);
          }
        });
      });
    });
  }
}
