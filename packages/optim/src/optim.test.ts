import { readFileSync } from 'node:fs';
import { registerBackend, setBackendSync, tensor, tidy, type Tensor } from '@lstm/core';
import { cpu } from '@lstm/backend-cpu';
import { Parameter, SequenceClassifier, softmaxCrossEntropy } from '@lstm/layers';
import { describe, expect, it } from 'vitest';
import { Adam } from './adam.js';
import { clipGradNorm } from './clip.js';

registerBackend(cpu());
setBackendSync('cpu');

interface OptimFixture {
  shapes: Record<string, number[]>;
  init: Record<string, number[]>;
  grads: Record<string, number[]>[];
  runs: Record<string, { options: { lr: number; betas?: [number, number]; eps?: number; weight_decay?: number }; trajectory: Record<string, number[]>[] }>;
  clip: Record<string, { norm: number; grads: Record<string, number[]> }>;
}

const fixture: OptimFixture = JSON.parse(readFileSync(new URL('./__fixtures__/optimizers.json', import.meta.url), 'utf8'));

function parameters(): Parameter[] {
  return Object.entries(fixture.shapes).map(([name, shape]) => new Parameter(name, tensor(fixture.init[name]!, shape, 'float64')));
}

function setGrads(ps: Parameter[], grads: Record<string, number[]>): void {
  for (const p of ps) {
    p.zeroGrad();
    p.accumulate(tensor(grads[p.name]!, p.shape, 'float64'));
  }
}

const worst = (a: Float64Array | Float32Array, e: number[]) => Math.max(...e.map((v, i) => Math.abs(a[i]! - v) / Math.max(Math.abs(v), 1e-3)));

describe('optimizers match torch.optim step for step (float64)', () => {
  for (const [label, run] of Object.entries(fixture.runs)) {
    it(`${label}: ${run.trajectory.length} steps`, () => {
      const ps = parameters();
      const optimizer = new Adam(ps, { lr: run.options.lr, betas: run.options.betas, eps: run.options.eps, weightDecay: run.options.weight_decay, decoupled: label === 'adamw' });
      run.trajectory.forEach((expected, step) => {
        setGrads(ps, fixture.grads[step]!);
        optimizer.step();
        for (const p of ps) expect(worst(p.value.readSync(), expected[p.name]!), `${p.name} after step ${step + 1}`).toBeLessThan(1e-12);
      });
    });
  }

  for (const [maxNorm, expected] of Object.entries(fixture.clip)) {
    it(`clipGradNorm(${maxNorm}) returns the pre-clip norm and rescales like PyTorch`, () => {
      const ps = parameters();
      setGrads(ps, fixture.grads[2]!);
      expect(clipGradNorm(ps, Number(maxNorm))).toBeCloseTo(expected.norm, 12);
      for (const p of ps) expect(worst(p.grad!.readSync(), expected.grads[p.name]!)).toBeLessThan(1e-12);
    });
  }
});

describe('training is reproducible', () => {
  const bits = (t: Tensor) => Array.from(new Uint32Array(Float32Array.from(t.readSync()).buffer));
  const run = (seed: number) => {
    const model = new SequenceClassifier({ inputSize: 3, hiddenSize: 6, numLayers: 2, dropout: 0.3, numClasses: 3, seed });
    const optimizer = new Adam(model.parameters(), { lr: 0.01 });
    for (let step = 0; step < 3; step++) {
      tidy(() => {
        const x = tensor(Array.from({ length: 4 * 5 * 3 }, (_, k) => Math.sin(k * 0.37 + step)), [4, 5, 3]);
        const { logits, cache } = model.forward(x, { training: true });
        model.backward(softmaxCrossEntropy(logits, [0, 1, 2, 1]).grad, cache);
        clipGradNorm(model.parameters(), 1);
        optimizer.step();
        optimizer.zeroGrad();
      });
    }
    return model.parameters().flatMap((p) => bits(p.value));
  };
  it('the same seed trains to bit-identical weights; another seed does not', () => {
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
  });
});
