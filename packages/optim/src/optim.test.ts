import { readFileSync } from 'node:fs';
import { registerBackend, setBackendSync, tensor, tidy, type Tensor } from '@lstm/core';
import { cpu } from '@lstm/backend-cpu';
import { Parameter, SequenceClassifier, softmaxCrossEntropy } from '@lstm/layers';
import { describe, expect, it } from 'vitest';
import { Adam, AdamW } from './adam.js';
import { clipGradNorm, clipGradValue } from './clip.js';
import type { Optimizer } from './optimizer.js';
import { RMSprop } from './rmsprop.js';
import { CosineAnnealingLR, ExponentialLR, ReduceLROnPlateau, StepLR, type Schedule } from './schedules.js';
import { SGD } from './sgd.js';

registerBackend(cpu());
setBackendSync('cpu');

interface OptimFixture {
  shapes: Record<string, number[]>;
  init: Record<string, number[]>;
  grads: Record<string, number[]>[];
  runs: Record<string, { optimizer: string; options: TorchOptions; trajectory: Record<string, number[]>[] }>;
  clip: Record<string, { norm: number; grads: Record<string, number[]> }>;
  clipValue: Record<string, Record<string, number[]>>;
  schedules: Record<string, number[]>;
  plateauMetrics: number[];
}

interface TorchOptions {
  lr: number;
  betas?: [number, number];
  eps?: number;
  weight_decay?: number;
  momentum?: number;
  dampening?: number;
  nesterov?: boolean;
  alpha?: number;
  centered?: boolean;
}

/** Builds our optimizer from torch's class name and keyword arguments. */
function build(name: string, ps: Parameter[], o: TorchOptions): Optimizer {
  const common = { lr: o.lr, weightDecay: o.weight_decay };
  switch (name) {
    case 'Adam':
      return new Adam(ps, { ...common, betas: o.betas, eps: o.eps });
    case 'AdamW':
      return new AdamW(ps, { ...common, betas: o.betas, eps: o.eps });
    case 'SGD':
      return new SGD(ps, { ...common, momentum: o.momentum, dampening: o.dampening, nesterov: o.nesterov });
    case 'RMSprop':
      return new RMSprop(ps, { ...common, alpha: o.alpha, eps: o.eps, momentum: o.momentum, centered: o.centered });
    default:
      throw new Error(`no optimizer for fixture ${name}`);
  }
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

const worst = (a: Float64Array | Float32Array, e: number[]) =>
  Math.max(...e.map((v, i) => Math.abs(a[i]! - v) / Math.max(Math.abs(v), 1e-3)));

describe('optimizers match torch.optim step for step (float64)', () => {
  for (const [label, run] of Object.entries(fixture.runs)) {
    it(`${label} (${run.optimizer}): ${run.trajectory.length} steps`, () => {
      const ps = parameters();
      const optimizer = build(run.optimizer, ps, run.options);
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

describe('clipping and schedules match PyTorch', () => {
  for (const [value, expected] of Object.entries(fixture.clipValue)) {
    it(`clipGradValue(${value}) clamps like clip_grad_value_`, () => {
      const ps = parameters();
      setGrads(ps, fixture.grads[3]!);
      clipGradValue(ps, Number(value));
      for (const p of ps) expect(worst(p.grad!.readSync(), expected[p.name]!)).toBeLessThan(1e-15);
    });
  }

  const schedules: Record<string, (o: { lr: number }) => Schedule> = {
    step: (o) => new StepLR(o, 3, 0.5),
    exponential: (o) => new ExponentialLR(o, 0.9),
    cosine: (o) => new CosineAnnealingLR(o, 10, 1e-3),
    plateau: (o) => new ReduceLROnPlateau(o, { mode: 'min', factor: 0.5, patience: 2, threshold: 1e-4, cooldown: 1, minLr: 0.02 }),
  };
  for (const [name, expected] of Object.entries(fixture.schedules)) {
    it(`${name}: the learning rate of ${expected.length} epochs`, () => {
      const optimizer = { lr: 0.1 };
      const schedule = schedules[name]!(optimizer);
      const lrs = fixture.plateauMetrics.map((metric) => {
        schedule.step(metric);
        return optimizer.lr;
      });
      lrs.forEach((lr, epoch) => {
        expect(Math.abs(lr - expected[epoch]!) / expected[epoch]!, `epoch ${epoch + 1}`).toBeLessThan(1e-12);
      });
    });
    it(`${name}: resumes from its saved state`, () => {
      const first = { lr: 0.1 };
      const schedule = schedules[name]!(first);
      for (const metric of fixture.plateauMetrics.slice(0, 7)) schedule.step(metric);
      const resumed = { lr: 0.1 };
      const again = schedules[name]!(resumed);
      again.loadState(JSON.parse(JSON.stringify(schedule.state())));
      for (const metric of fixture.plateauMetrics.slice(7)) {
        schedule.step(metric);
        again.step(metric);
        expect(resumed.lr).toBe(first.lr);
      }
    });
  }

  it('ReduceLROnPlateau refuses a step without the metric', () => {
    expect(() => new ReduceLROnPlateau({ lr: 1 }).step()).toThrow(/needs the monitored metric/);
  });
});

describe('optimizer state', () => {
  it('resumes bit for bit from state() / loadState()', () => {
    const run = fixture.runs['rmsprop-centered-momentum']!;
    const straight = parameters();
    const a = build(run.optimizer, straight, run.options);
    const resumed = parameters();
    const b = build(run.optimizer, resumed, run.options);
    fixture.grads.forEach((g, step) => {
      setGrads(straight, g);
      a.step();
      if (step < 2) {
        setGrads(resumed, g);
        b.step();
      }
    });
    const c = build(run.optimizer, resumed, run.options);
    c.loadState(b.state());
    for (const g of fixture.grads.slice(2)) {
      setGrads(resumed, g);
      c.step();
    }
    for (let i = 0; i < straight.length; i++)
      expect(Array.from(resumed[i]!.value.readSync())).toEqual(Array.from(straight[i]!.value.readSync()));
  });

  it('rejects a state whose slots do not match the parameters', () => {
    const optimizer = new Adam(parameters());
    expect(() => optimizer.loadState({ step: 1, slots: { w: { m: new Float64Array(3), v: new Float64Array(3) } } })).toThrow(
      /slot 'm' of 'w' has 3 values, expected 12/,
    );
  });
});

describe('training is reproducible', () => {
  const bits = (t: Tensor) => Array.from(new Uint32Array(Float32Array.from(t.readSync()).buffer));
  const run = (seed: number) => {
    const model = new SequenceClassifier({ inputSize: 3, hiddenSize: 6, numLayers: 2, dropout: 0.3, numClasses: 3, seed });
    const optimizer = new Adam(model.parameters(), { lr: 0.01 });
    for (let step = 0; step < 3; step++) {
      tidy(() => {
        const x = tensor(
          Array.from({ length: 4 * 5 * 3 }, (_, k) => Math.sin(k * 0.37 + step)),
          [4, 5, 3],
        );
        const { output: logits, cache } = model.forward(x, { training: true });
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
