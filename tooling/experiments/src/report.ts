/**
 * Writes docs/results/<experiment>.md and its SVG charts from the runs' metrics.jsonl files
 * (tooling/experiments/runs/<experiment>-<cell>/), comparing with the published figures.
 * Usage: pnpm --filter @lstm/experiments report e1|e4
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lineChart, type Line } from './chart.js';
import {
  docs,
  extreme,
  load,
  restored,
  resumedAfter,
  summaryOf,
  updateExperiments,
  updateReadme,
  where,
  type Report,
  type Row,
} from './runs.js';

const pct = (v: number | undefined) => (v === undefined ? '—' : `${(v * 100).toFixed(1)}%`);
const COLORS: Record<string, string> = { lstm: '#1f77b4', gru: '#2ca02c', rnn: '#d62728' };

function e1(): Report {
  const lstm = load('e1-lstm');
  const rnn = load('e1-rnn');
  if (!lstm) throw new Error('no E1 LSTM run: run tooling/experiments/e1.sh first');
  mkdirSync(docs, { recursive: true });
  const published: [number, number][] = [
    [1, 0.641],
    [5, 0.905],
    [8, 0.941],
    [17, 0.957],
    [100, 0.941],
  ];
  const lines: Line[] = [
    { name: 'LSTM test', color: COLORS.lstm!, points: lstm.map((r) => [r.epoch!, r.test_accuracy!]) },
    { name: 'LSTM train', color: COLORS.lstm!, dashed: true, points: lstm.map((r) => [r.epoch!, r.train_accuracy!]) },
    ...(rnn
      ? [
          { name: 'RNN test', color: COLORS.rnn!, points: rnn.map((r) => [r.epoch!, r.test_accuracy!] as [number, number]) },
          {
            name: 'RNN train',
            color: COLORS.rnn!,
            dashed: true,
            points: rnn.map((r) => [r.epoch!, r.train_accuracy!] as [number, number]),
          },
        ]
      : []),
    { name: 'published (test)', color: '#000', points: published },
  ];
  writeFileSync(
    join(docs, 'e1-accuracy.svg'),
    lineChart(lines, {
      title: 'E1: first-last, T = 30 — accuracy',
      xLabel: 'epoch',
      yLabel: 'accuracy',
      yMin: 0.2,
      yMax: 1,
      references: [
        { y: 0.25, label: 'chance (4 classes)', color: '#999' },
        { y: 0.5, label: 'last step only', color: '#e377c2' },
      ],
    }),
  );
  const lossLines: Line[] = [
    { name: 'LSTM train', color: COLORS.lstm!, dashed: true, points: lstm.map((r) => [r.epoch!, r.train_loss!]) },
    { name: 'LSTM test', color: COLORS.lstm!, points: lstm.map((r) => [r.epoch!, r.test_loss!]) },
    ...(rnn ? [{ name: 'RNN test', color: COLORS.rnn!, points: rnn.map((r) => [r.epoch!, r.test_loss!] as [number, number]) }] : []),
  ];
  writeFileSync(
    join(docs, 'e1-loss.svg'),
    lineChart(lossLines, { title: 'E1 — cross-entropy', xLabel: 'epoch', yLabel: 'loss (log scale)', log: true }),
  );
  const at = (rows: Row[] | null, epoch: number) => rows?.find((r) => r.epoch === epoch);
  const first94 = lstm.find((r) => r.test_accuracy! >= 0.94);
  const peak = extreme(lstm, 'test_accuracy', 'max');
  const bestValidation = restored('e1-lstm', lstm, 'validation_accuracy', 'max');
  const last = lstm.at(-1)!;
  const train100 = lstm.find((r) => r.train_accuracy! >= 0.9995);
  const rnnPeak = rnn && extreme(rnn, 'test_accuracy', 'max');
  const rnnBreak = rnn?.find((r) => r.test_accuracy! >= 0.9);
  const publishedAt: Record<number, string> = {
    1: '62.4% / 64.1%',
    5: '— / 90.5%',
    8: '— / ≥ 94% (first)',
    17: '— / 95.7% (peak)',
    50: '100% / —, train loss 0.0020',
    100: '— / 94.1%, train loss 0.0003, test loss 0.3073',
  };
  const epochs = [...new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 15, 17, 20, 25, 30, 40, 50, 60, 70, 80, 90, 100, last.epoch!])].sort(
    (x, y) => x - y,
  );
  const table = [
    '| epoch | published train / test | ours: LSTM train / test accuracy | LSTM train / test loss | RNN test accuracy |',
    '|---|---|---|---|---|',
    ...epochs
      .filter((e) => e <= last.epoch! || publishedAt[e])
      .map((e) => {
        const r = at(lstm, e);
        const ours = r ? `${pct(r.train_accuracy)} / ${pct(r.test_accuracy)}` : 'not run';
        const loss = r ? `${r.train_loss!.toFixed(4)} / ${r.test_loss!.toFixed(4)}` : '—';
        return `| ${e} | ${publishedAt[e] ?? ''} | ${ours} | ${loss} | ${pct(at(rnn, e)?.test_accuracy)} |`;
      }),
  ];
  const at5 = at(lstm, 5);
  const first90 = lstm.find((r) => r.test_accuracy! >= 0.9);
  const minTestLoss = extreme(lstm, 'test_loss', 'min');
  const mark = (ok: boolean) => (ok ? '**Met**:' : '**Missed**:');
  const targets = [
    `- ${mark(peak.test_accuracy! >= 0.957)} Peak test accuracy ≥ 95.7%: ${pct(peak.test_accuracy)} (epoch ${peak.epoch}).`,
    `- ${mark((at5?.test_accuracy ?? 0) >= 0.9)} ≥ 90% by epoch 5: ${pct(at5?.test_accuracy)} at epoch 5 (${pct(at(lstm, 4)?.test_accuracy)} at epoch 4); first ≥ 90% at epoch ${first90?.epoch ?? '—'}.`,
    `- ${mark(bestValidation.test_accuracy! > 0.941)} Early stopping beats the published final 94.1%: ${pct(bestValidation.test_accuracy)}.`,
    ...(rnnPeak
      ? [
          `- ${mark(rnnPeak.test_accuracy! < 0.6)} The vanilla RNN stays near chance for the first step (50%): best ${pct(rnnPeak.test_accuracy)}.`,
        ]
      : []),
  ];
  const overfit =
    last.test_loss! > 2 * minTestLoss.test_loss!
      ? `Over-fitting after the peak, as published: test loss rises from ${minTestLoss.test_loss!.toFixed(4)} (epoch ${minTestLoss.epoch}) to ${last.test_loss!.toFixed(4)} at epoch ${last.epoch}.`
      : `Unlike the article, our run does not over-fit: test loss is ${minTestLoss.test_loss!.toFixed(4)} at its lowest (epoch ${minTestLoss.epoch}) and ${last.test_loss!.toFixed(4)} at epoch ${last.epoch}, and test accuracy stays within ${((peak.test_accuracy! - last.test_accuracy!) * 100).toFixed(1)} points of its peak. The train loss (measured with dropout on) ends at ${last.train_loss!.toFixed(4)}, far from the article's 0.0003: with continuous markers and dropout 0.3 the model never memorises the 5,000 training sequences. The article does not publish its encoding, so which difference matters cannot be settled here; early stopping (on by default in the trainer) guards against it either way (the trainer restores the best-validation weights by default).`;
  const resumed = resumedAfter('e1-lstm');
  const rnnVerdict = !rnnPeak
    ? '- Vanilla RNN: not run yet.'
    : `- **Vanilla RNN**, same protocol (2 layers, hidden 128, tanh), ${rnn!.length} epochs: best test accuracy ${pct(rnnPeak.test_accuracy)}
  (epoch ${rnnPeak.epoch}), final ${pct(rnn!.at(-1)!.test_accuracy)}${
    rnn!.at(-1)!.train_accuracy! > rnn!.at(-1)!.test_accuracy! + 0.1
      ? ` while its train accuracy climbs to ${pct(rnn!.at(-1)!.train_accuracy)} (it memorises the 5,000 training sequences instead)`
      : ''
  }. ${
    rnnPeak.test_accuracy! < 0.6
      ? 'That is the 50% that reading the last step alone gives: it never learns to use step 1. The LSTM does.'
      : rnnBreak
        ? `It sits at the 50% that the last step alone gives for ${rnnBreak.epoch! - 1} epochs, then learns to use step 1: ${pct(rnnBreak.test_accuracy)} at epoch ${rnnBreak.epoch} (the LSTM passed 90% at epoch ${first90?.epoch ?? '—'}). Unlike the article's, our vanilla RNN does solve the task, given this many epochs: the article's "cannot" holds for the first ${rnnBreak.epoch! - 1} epochs of this run, not for all 100.`
        : 'It gets above the 50% that the last step alone gives, so it uses step 1 in part.'
  }`;
  const summary = `the LSTM peaks at ${pct(peak.test_accuracy)} test accuracy (published 95.7%) and, with the best-validation weights
(epoch ${bestValidation.epoch}), tests at ${pct(bestValidation.test_accuracy)} (published final 94.1%); it reaches ${pct(at5?.test_accuracy)} at epoch 5 (published 90.5%).${
    !rnnPeak
      ? ''
      : rnnBreak
        ? ` A vanilla RNN under the same protocol sits at 50% (the last step alone) until epoch ${rnnBreak.epoch! - 1}, then learns the task too (${pct(rnnPeak.test_accuracy)} at its peak).`
        : ` A vanilla RNN under the same protocol peaks at ${pct(rnnPeak.test_accuracy)} — the last step alone gives 50%.`
  }`;
  const page = `# E1 — long-range classification (first-last, T = 30)

Reproduces E1 (spec §5) with the published protocol, through the \`lstm\` command:
\`tooling/experiments/e1.sh\` runs it (resumable), \`pnpm --filter @lstm/experiments report e1\` writes this page.

**Protocol** (published): 2-layer LSTM, hidden 128, dropout 0.3, Adam lr 1e-3 halved every 20 epochs
(\`--step-size 20 --gamma 0.5\`), gradient clipping at norm 1.0, 5,000 training sequences, ${lstm.length} of 100 epochs run${resumed.length ? ` (stopped and resumed from its checkpoint after epoch${resumed.length > 1 ? 's' : ''} ${resumed.join(' and ')})` : ''}.
Computed on ${where('e1-lstm')} (\`BACKEND\` and \`THREADS\` in \`e1.sh\`; every backend is exact to float32 round-off, so another
one gives a statistically equivalent run, not the same digits).
**Our choices where the article is silent**: the task encoding below; minibatches of 32; a separate validation set of
1,000 sequences for model selection (early stopping), and a test set of 1,000; forget-gate bias initialised to 2
(\`--forget-bias 2\`, spec §3 and E5: the gradient to step 1 passes 29 forget gates, and at σ(2) = 0.88 each
keeps most of it; the vanilla RNN has no forget gate); seed 1 for data, initialisation, dropout and shuffling.
Our model has 199,684 parameters; the article reports 204,290 for its own input encoding and head.

**Task encoding** (\`@lstm/tasks\` \`firstLast\`, defaults): one feature per step; x₁ and x₃₀ are drawn from
N(0, 1) and the 28 steps between are N(0, 1) noise too, so the two informative steps look exactly like the
noise and only their position marks them. Class = 2·[x₁ > 0] + [x₃₀ > 0] (4 balanced classes; chance 25%;
reading the last step alone gives 50%). \`--classes 9, 16, …\` cuts each marker into 3, 4, … equiprobable bins;
\`--noise\` sets the noise's standard deviation; \`--markers levels\` puts x₁, x₃₀ at fixed levels (±1) instead —
an easier variant that a vanilla RNN can solve by latching the marker in a saturated unit, which is why it is
not the default.

Train loss and accuracy are averaged over each epoch's minibatches as they are trained, with dropout on
(as the usual PyTorch loop reports them); validation and test are evaluated after the epoch, dropout off —
which is why the train curve can sit below the test curve.

![accuracy](e1-accuracy.svg)

![loss](e1-loss.svg)

## Against the targets

${targets.join('\n')}

The start is slower than the article's (epoch 1: ${pct(at(lstm, 1)?.test_accuracy)} test against 64.1%): our first and last steps look exactly like
the noise, so the network must first find *where* the information is; once it has, it passes the article's figures
from epoch ${first94?.epoch ?? '—'} on. We report the epoch-5 miss as measured, from a single seed (1), with no tuning against it.

${overfit}

## Epoch by epoch against the article

${table.join('\n')}

- First epoch with test accuracy ≥ 94%: **${first94 ? first94.epoch : 'none'}** (published: 8).
- Peak test accuracy: **${pct(peak.test_accuracy)} at epoch ${peak.epoch}** (published: 95.7% at epoch 17).
- 100% train accuracy first at epoch ${train100?.epoch ?? '—'} (published: by epoch 50).
- **Early stopping** (epoch ${bestValidation.epoch}, chosen on the validation set and restored by the trainer):
  test accuracy **${pct(bestValidation.test_accuracy)}**, against the published final 94.1%.
- Final epoch ${last.epoch}: train loss ${last.train_loss!.toFixed(4)}, test loss ${last.test_loss!.toFixed(4)}, test accuracy ${pct(last.test_accuracy)}.
${rnnVerdict}
`;
  return { page, summary };
}

function e4(): Report {
  const cells = ['lstm', 'gru', 'rnn'].map((cell) => ({ cell, rows: load(`e4-${cell}`) })).filter((c) => c.rows);
  if (!cells.length) throw new Error('no E4 run: run tooling/experiments/e4.sh first');
  const baseline = summaryOf(`e4-${cells[0]!.cell}`).baselines?.['predict-the-mean mse'] ?? 1 / 6;
  mkdirSync(docs, { recursive: true });
  const lines: Line[] = cells.map(({ cell, rows }) => ({
    name: `${cell.toUpperCase()} test`,
    color: COLORS[cell]!,
    points: rows!.map((r) => [r.epoch!, r.test_mse!] as [number, number]),
  }));
  writeFileSync(
    join(docs, 'e4-mse.svg'),
    lineChart(lines, {
      title: 'E4: adding problem, T = 50 — test MSE',
      xLabel: 'epoch',
      yLabel: 'MSE (log scale)',
      log: true,
      references: [
        { y: baseline, label: 'predict the mean', color: '#999' },
        { y: baseline / 10, label: '10% of that', color: '#e377c2' },
      ],
    }),
  );
  const results = cells.map(({ cell, rows: r }) => {
    const best = restored(`e4-${cell}`, r!, 'validation_loss', 'min');
    return {
      cell: cell.toUpperCase(),
      epochs: r!.length,
      best,
      ratio: best.test_mse! / baseline,
      under: r!.find((x) => x.test_mse! < baseline / 10),
    };
  });
  const rows = results.map(
    ({ cell, epochs, best, ratio, under }) =>
      `| ${cell} | ${epochs} | ${best.test_mse!.toFixed(5)} (epoch ${best.epoch}) | ${(ratio * 100).toFixed(ratio < 0.01 ? 2 : 1)}% | ${under ? under.epoch : 'never'} |`,
  );
  const learnt = results.filter((x) => x.ratio < 0.1).map((x) => x.cell);
  const failed = results.filter((x) => x.ratio >= 0.1).map((x) => `${x.cell} (${(x.ratio * 100).toFixed(0)}% of the baseline)`);
  const verdict = `${learnt.length ? `Below 10% of the baseline: ${learnt.join(', ')}.` : 'No cell got below 10% of the baseline.'}${failed.length ? ` Not below it: ${failed.join(', ')}.` : ''}`;
  const summary = results
    .map(({ cell, ratio }) => `${cell} ${(ratio * 100).toFixed(ratio < 0.01 ? 2 : 1)}%`)
    .join(', ')
    .concat(' of the predict-the-mean error at their best-validation epochs');
  const page = `# E4 — the adding problem (T = 50)

Reproduces E4 (spec §5): pairs (value, marker) over T = 50 steps, the target is the sum of the two
marked values (one marker in each half). \`tooling/experiments/e4.sh\` runs it through the \`lstm\` command
(resumable); \`pnpm --filter @lstm/experiments report e4\` writes this page.

**Protocol** (the article publishes none; the same for all three cells): 1 layer, hidden 64, Adam lr 3e-3,
gradient clipping at norm 1.0, minibatches of 32, 10,000 training / 1,000 validation / 1,000 test sequences, seed 1.
Computed on ${where('e4-lstm')} (\`BACKEND\` and \`THREADS\` in \`e4.sh\`).
The reference error is predicting the mean sum (1.0): test MSE ${baseline.toFixed(4)} (≈ 1/6). "Learnt" means below
10% of it, ${(baseline / 10).toFixed(4)}.

![test MSE](e4-mse.svg)

| cell | epochs | best test MSE (by validation) | of the baseline | first epoch below 10% |
|---|---|---|---|---|
${rows.join('\n')}

${verdict}
`;
  return { page, summary };
}

const which = process.argv[2];
const pages: Record<string, () => Report> = { e1, e4 };
const make = which ? pages[which] : undefined;
if (!which || !make) {
  console.error(`usage: report ${Object.keys(pages).join('|')}`);
  process.exit(2);
}
const { page, summary } = make();
writeFileSync(join(docs, `${which}.md`), page);
updateReadme(which, summary);
updateExperiments(which, summary);
console.error(`wrote docs/results/${which}.md and its summary in README.md and apps/site/docs/experiments.md`);
