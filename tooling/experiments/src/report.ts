/**
 * Writes docs/results/<experiment>.md and its SVG charts from the runs' metrics.jsonl files
 * (tooling/experiments/runs/<experiment>-<cell>/), comparing with the published figures.
 * Usage: pnpm --filter @lstm/experiments report e1|e4
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lineChart, type Line } from './chart.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const runs = join(root, 'tooling', 'experiments', 'runs');
const docs = join(root, 'docs', 'results');
type Row = Record<string, number>;

function load(name: string): Row[] | null {
  const path = join(runs, name, 'metrics.jsonl');
  if (!existsSync(path)) return null;
  return readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Row);
}

const pct = (v: number | undefined) => (v === undefined ? '—' : `${(v * 100).toFixed(1)}%`);
const COLORS: Record<string, string> = { lstm: '#1f77b4', gru: '#2ca02c', rnn: '#d62728' };

function e1(): string {
  const lstm = load('e1-lstm');
  const rnn = load('e1-rnn');
  if (!lstm) throw new Error('no E1 LSTM run: run tooling/experiments/e1.sh first');
  mkdirSync(docs, { recursive: true });
  const published: [number, number][] = [[1, 0.641], [5, 0.905], [8, 0.941], [17, 0.957], [100, 0.941]];
  const lines: Line[] = [
    { name: 'LSTM test', color: COLORS.lstm!, points: lstm.map((r) => [r.epoch!, r.test_accuracy!]) },
    { name: 'LSTM train', color: COLORS.lstm!, dashed: true, points: lstm.map((r) => [r.epoch!, r.train_accuracy!]) },
    ...(rnn ? [{ name: 'RNN test', color: COLORS.rnn!, points: rnn.map((r) => [r.epoch!, r.test_accuracy!] as [number, number]) },
      { name: 'RNN train', color: COLORS.rnn!, dashed: true, points: rnn.map((r) => [r.epoch!, r.train_accuracy!] as [number, number]) }] : []),
    { name: 'published (test)', color: '#000', points: published },
  ];
  writeFileSync(join(docs, 'e1-accuracy.svg'), lineChart(lines, { title: 'E1: first-last, T = 30 — accuracy', xLabel: 'epoch', yLabel: 'accuracy', yMin: 0.2, yMax: 1, references: [{ y: 0.25, label: 'chance (4 classes)', color: '#999' }, { y: 0.5, label: 'last step only', color: '#e377c2' }] }));
  const lossLines: Line[] = [
    { name: 'LSTM train', color: COLORS.lstm!, dashed: true, points: lstm.map((r) => [r.epoch!, r.train_loss!]) },
    { name: 'LSTM test', color: COLORS.lstm!, points: lstm.map((r) => [r.epoch!, r.test_loss!]) },
    ...(rnn ? [{ name: 'RNN test', color: COLORS.rnn!, points: rnn.map((r) => [r.epoch!, r.test_loss!] as [number, number]) }] : []),
  ];
  writeFileSync(join(docs, 'e1-loss.svg'), lineChart(lossLines, { title: 'E1 — cross-entropy', xLabel: 'epoch', yLabel: 'loss (log scale)', log: true }));
  const at = (rows: Row[] | null, epoch: number) => rows?.find((r) => r.epoch === epoch);
  const first94 = lstm.find((r) => r.test_accuracy! >= 0.94);
  const peak = lstm.reduce((a, r) => (r.test_accuracy! > a.test_accuracy! ? r : a));
  const bestValidation = lstm.reduce((a, r) => (r.validation_accuracy! > a.validation_accuracy! ? r : a));
  const last = lstm.at(-1)!;
  const train100 = lstm.find((r) => r.train_accuracy! >= 0.9995);
  const rnnPeak = rnn?.reduce((a, r) => (r.test_accuracy! > a.test_accuracy! ? r : a));
  const table = [
    '| epoch | published (test) | ours: LSTM train / test | ours: RNN test |',
    '|---|---|---|---|',
    ...[[1, '62.4% train / 64.1%'], [5, '90.5%'], [8, '94.1% (first ≥ 94%)'], [17, '95.7% (peak)'], [50, '100% train, loss 0.0020'], [100, '94.1%; train loss 0.0003, test loss 0.3073']].map(([e, p]) => {
      const r = at(lstm, e as number);
      return `| ${e} | ${p} | ${r ? `${pct(r.train_accuracy)} / ${pct(r.test_accuracy)}${e === 50 || e === 100 ? `; train loss ${r.train_loss!.toFixed(4)}, test loss ${r.test_loss!.toFixed(4)}` : ''}` : 'not run'} | ${pct(at(rnn, e as number)?.test_accuracy)} |`;
    }),
  ];
  return `# E1 — long-range classification (first-last, T = 30)

Reproduces SPEC §4 E1 (seed 000) with the published protocol, through the \`lstm\` command:
\`tooling/experiments/e1.sh\` runs it (resumable), \`pnpm --filter @lstm/experiments report e1\` writes this page.

**Protocol** (published): 2-layer LSTM, hidden 128, dropout 0.3, Adam lr 1e-3 halved every 20 epochs
(\`--step-size 20 --gamma 0.5\`), gradient clipping at norm 1.0, 5,000 training sequences, ${lstm.length} of 100 epochs run.
**Our choices where the seed is silent**: the task encoding below; minibatches of 32; a separate validation set of
1,000 sequences for model selection (early stopping), and a test set of 1,000; forget-gate bias initialised to 1
(SPEC E5 practice; without it the gradient to step 1 passes 29 forget gates near 0.5 and the LSTM sat at 50%
for the 3 epochs we tried); seed 1 for data, initialisation, dropout and shuffling.
Our model has 199,684 parameters; the article reports 204,290 for its own input encoding and head.

**Task encoding** (\`@lstm/tasks\` \`firstLast\`, defaults): one feature per step; steps 1 and 30 hold ±1
(the class bits), the 28 steps between are N(0, 1) noise — so ±1-sized values are common in the noise and only
the position marks the informative steps. Class = 2·[x₁ > 0] + [x₃₀ > 0] (4 balanced classes; chance 25%;
reading the last step alone gives 50%). \`--classes 9, 16, …\` uses more levels; \`--noise\` sets the noise;
\`--markers gaussian\` draws x₁, x₃₀ from N(0, 1) too (a much harder variant).

![accuracy](e1-accuracy.svg)

![loss](e1-loss.svg)

## Epoch by epoch against the article

${table.join('\n')}

- First epoch with test accuracy ≥ 94%: **${first94 ? first94.epoch : 'none'}** (published: 8).
- Peak test accuracy: **${pct(peak.test_accuracy)} at epoch ${peak.epoch}** (published: 95.7% at epoch 17).
- 100% train accuracy first at epoch ${train100?.epoch ?? '—'} (published: by epoch 50).
- **Early stopping** (best validation accuracy, epoch ${bestValidation.epoch}, weights restored by the trainer):
  test accuracy **${pct(bestValidation.test_accuracy)}**, against the published final 94.1%.
- Final epoch ${last.epoch}: train loss ${last.train_loss!.toFixed(4)}, test loss ${last.test_loss!.toFixed(4)}, test accuracy ${pct(last.test_accuracy)}.
${rnnPeak ? `- **Vanilla RNN**, same protocol (2 layers, hidden 128, tanh): best test accuracy ${pct(rnnPeak.test_accuracy)} over ${rnn!.length} epochs —
  the 50% that the last step alone gives; it never uses step 1. The LSTM does.` : '- Vanilla RNN: not run yet.'}
`;
}

function e4(): string {
  const cells = ['lstm', 'gru', 'rnn'].map((cell) => ({ cell, rows: load(`e4-${cell}`) })).filter((c) => c.rows);
  if (!cells.length) throw new Error('no E4 run: run tooling/experiments/e4.sh first');
  const summary = JSON.parse(readFileSync(join(runs, `e4-${cells[0]!.cell}.summary.json`), 'utf8') || '{}') as { baselines?: Record<string, number> };
  const baseline = summary.baselines?.['predict-the-mean mse'] ?? 1 / 6;
  mkdirSync(docs, { recursive: true });
  const lines: Line[] = cells.map(({ cell, rows }) => ({ name: `${cell.toUpperCase()} test`, color: COLORS[cell]!, points: rows!.map((r) => [r.epoch!, r.test_mse!] as [number, number]) }));
  writeFileSync(join(docs, 'e4-mse.svg'), lineChart(lines, {
    title: 'E4: adding problem, T = 50 — test MSE', xLabel: 'epoch', yLabel: 'MSE (log scale)', log: true,
    references: [{ y: baseline, label: 'predict the mean', color: '#999' }, { y: baseline / 10, label: '10% of that', color: '#e377c2' }],
  }));
  const rows = cells.map(({ cell, rows: r }) => {
    const best = r!.reduce((a, x) => (x.validation_loss! < a.validation_loss! ? x : a));
    const under = r!.find((x) => x.test_mse! < baseline / 10);
    return `| ${cell.toUpperCase()} | ${r!.length} | ${best.test_mse!.toFixed(5)} (epoch ${best.epoch}) | ${((best.test_mse! / baseline) * 100).toFixed(1)}% | ${under ? under.epoch : 'never'} |`;
  });
  return `# E4 — the adding problem (T = 50)

Reproduces SPEC §4 E4 (seed 001): pairs (value, marker) over T = 50 steps, the target is the sum of the two
marked values (one marker in each half). \`tooling/experiments/e4.sh\` runs it through the \`lstm\` command
(resumable); \`pnpm --filter @lstm/experiments report e4\` writes this page.

**Protocol** (the seed publishes none; the same for all three cells): 1 layer, hidden 64, Adam lr 3e-3,
gradient clipping at norm 1.0, minibatches of 32, 10,000 training / 1,000 validation / 1,000 test sequences, seed 1.
The reference error is predicting the mean sum (1.0): test MSE ${baseline.toFixed(4)} (≈ 1/6). "Learnt" means below
10% of it, ${(baseline / 10).toFixed(4)}.

![test MSE](e4-mse.svg)

| cell | epochs | best test MSE (by validation) | of the baseline | first epoch below 10% |
|---|---|---|---|---|
${rows.join('\n')}

The LSTM and the GRU get far below the baseline; the vanilla RNN stays at it — the gradient from the target
does not reach the marked steps across ~25–50 tanh steps.
`;
}

const which = process.argv[2];
const pages: Record<string, () => string> = { e1, e4 };
if (!which || !pages[which]) {
  console.error(`usage: report ${Object.keys(pages).join('|')}`);
  process.exit(2);
}
writeFileSync(join(docs, `${which}.md`), pages[which]!());
console.error(`wrote docs/results/${which}.md`);
