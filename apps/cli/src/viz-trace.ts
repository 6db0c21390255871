import { lstmBackward, lstmForward, tensor, tidy } from '@lstm/core';
import { traceFigure, type TraceStep } from '@lstm/viz';
import { selectBackend } from './build.js';
import { emit } from './viz.js';

/** spec §4.5's three steps (H = 2): the gates given directly, c_0 = [0.5, −0.3], L = Σ h_3. */
const STEPS = [
  { f: [0.9, 0.8], i: [0.3, 0.4], g: [0.5, -0.2], o: [0.5, 0.5] },
  { f: [0.85, 0.9], i: [0.4, 0.4], g: [0.3, 0.3], o: [0.5, 0.5] },
  { f: [0.8, 0.85], i: [0.5, 0.4], g: [0.2, 0.3], o: [0.8, 0.75] },
];
const C0 = [0.5, -0.3];

const logit = (p: number) => Math.log(p / (1 - p));

/**
 * `lstm viz trace` (spec §4.5, E2f): the worked cell trace computed by the backend's own LSTM
 * kernels — an LSTM whose gates are exactly the given values (x_t carries the pre-activations,
 * W_ih is the identity, W_hh and the biases are zero) — with the direct-path ∂L/∂c_t of its
 * backward (W_hh = 0 leaves only the path through the cell).
 */
export async function vizTrace(o: { out?: string; json?: boolean; backend?: string }): Promise<void> {
  await selectBackend(o.backend);
  const H = 2;
  const T = STEPS.length;
  const x = STEPS.flatMap(({ i, f, g, o: out }) => [...i.map(logit), ...f.map(logit), ...g.map(Math.atanh), ...out.map(logit)]);
  const identity = Array.from({ length: 16 * H * H }, (_, k) => (Math.floor(k / (4 * H)) === k % (4 * H) ? 1 : 0));
  const { cells, dcSteps, dc0 } = tidy(() => {
    const weights = {
      weightIh: tensor(identity, [4 * H, 4 * H], 'float64'),
      weightHh: tensor(new Array(4 * H * H).fill(0), [4 * H, H], 'float64'),
      biasIh: tensor(new Array(4 * H).fill(0), [4 * H], 'float64'),
      biasHh: tensor(new Array(4 * H).fill(0), [4 * H], 'float64'),
    };
    const input = tensor(x, [1, T, 4 * H], 'float64');
    const h0 = tensor([0, 0], [1, H], 'float64');
    const c0 = tensor(C0, [1, H], 'float64');
    const forward = lstmForward(input, weights, h0, c0, { record: true });
    const saved = { y: forward.y, gates: forward.gates!, cells: forward.cells! };
    const backward = lstmBackward(input, weights, h0, c0, saved, { dh: tensor([1, 1], [1, H], 'float64') }, { record: true });
    return {
      cells: Array.from(forward.cells!.readSync()),
      dcSteps: Array.from(backward.dcSteps!.readSync()),
      dc0: Array.from(backward.dc0.readSync()),
    };
  });
  const at = (values: number[], t: number) => values.slice(t * H, (t + 1) * H);
  const steps: TraceStep[] = [
    { f: [], write: [], c: C0, dc: dc0 },
    ...STEPS.map((s, t) => ({ f: s.f, write: s.i.map((i, j) => i * s.g[j]!), c: at(cells, t), dc: at(dcSteps, t) })),
  ];
  const forgetProduct = [0, 1].map((j) => STEPS.reduce((p, s) => p * s.f[j]!, 1));
  const svg = traceFigure(steps, {
    title: 'spec §4.5: three steps of an LSTM cell, L = Σ h₃ (computed by the backend’s kernels)',
    forgetProduct,
  });
  if (o.json) process.stdout.write(`${JSON.stringify({ steps, forgetProduct })}\n`);
  emit(
    svg,
    o.out,
    () =>
      steps.map(
        (s, t) => `c${t} = [${s.c.map((v) => v.toFixed(4)).join(', ')}]   ∂L/∂c${t} = [${s.dc.map((v) => v.toFixed(4)).join(', ')}]`,
      ),
    o.json,
  );
}
