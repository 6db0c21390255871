import { Rng, adamUpdate, registerBackend, setBackendSync, tensor, tidy, type AdamUpdateAttrs, type DType } from '@lstm/core';
import { describe, expect, it } from 'vitest';
import { cpu } from './index.js';

// The fused Adam kernel against core's composition on this backend: the same bits, not only the
// same values to a tolerance (the conformance suite checks that much on every backend).
registerBackend(cpu());
registerBackend(cpu({ name: 'cpu-composed', fused: false }));

const attrs: AdamUpdateAttrs = {
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  lr: 3e-3,
  stepSize: 3e-3 / (1 - 0.9 ** 5),
  correction2Sqrt: Math.sqrt(1 - 0.999 ** 5),
  weightDecay: 0,
  decoupled: false,
};

function step(backend: string, dtype: DType, extra: Partial<AdamUpdateAttrs>, moments: boolean): Float64Array[] {
  setBackendSync(backend);
  const rng = new Rng(3);
  const values = (lo: number, hi: number) => Array.from({ length: 1001 }, () => rng.uniform(lo, hi));
  return tidy(() => {
    const [param, grad, m, v] = [values(-1, 1), values(-1, 1), values(-0.1, 0.1), values(0, 0.01)].map((x) => tensor(x, [1001], dtype));
    const out = adamUpdate(param!, grad!, moments ? { m: m!, v: v! } : undefined, { ...attrs, ...extra });
    return [out.param, out.m, out.v].map((t) => Float64Array.from(t.readSync()));
  });
}

describe('backend-cpu fused AdamUpdate (issue 26)', () => {
  for (const dtype of ['float32', 'float64'] as const)
    for (const [label, extra, moments] of [
      ['first step', {}, false],
      ['later step', {}, true],
      ['L2 decay', { weightDecay: 0.01 }, true],
      ['AdamW', { weightDecay: 0.01, decoupled: true }, true],
    ] as const)
      it(`${label} (${dtype}): the composition's bits`, () => {
        const fused = step('cpu', dtype, extra, moments);
        const composed = step('cpu-composed', dtype, extra, moments);
        for (const [k, values] of fused.entries()) expect(Array.from(values)).toEqual(Array.from(composed[k]!));
      });
});
