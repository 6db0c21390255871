/**
 * The LSTM variants' training speed on backend-wasm against the standard LSTM's (issue 23: each at
 * ≥ 50 %), interleaved in rounds like the rest of `pnpm bench`. Alone: `pnpm --filter @lstm/bench
 * bench:variants [--quick]`.
 */
import { LSTM_VARIANTS, type LstmVariant } from '@lstm/core';
import { wasm } from '@lstm/backend-wasm';
import { benchLstmJs } from './lstm-js.js';
import { Rounds, showRatio, type Contestant } from './rounds.js';
import { REFERENCE, type Result } from './workload.js';

/** Every variant but the aliases (vanilla = peephole, np = standard), a pinned forget gate, and LayerNorm-LSTM. */
const FORMS: { label: string; cell?: 'ln-lstm'; variant?: LstmVariant; pin?: { f?: number } }[] = [
  ...(Object.keys(LSTM_VARIANTS) as LstmVariant[])
    .filter((v) => v !== 'vanilla' && v !== 'np')
    .map((variant) => ({ label: variant, variant })),
  { label: 'standard, pin f=1', pin: { f: 1 } },
  // Composed from core's ops, not fused: shown for what it costs, outside the ≥ 0.50× target.
  { label: 'ln-lstm', cell: 'ln-lstm' },
];

export async function benchVariants(rounds: number, seconds: number, log: (result: Result, round: number) => void): Promise<string[]> {
  const factory = wasm();
  const contestants: Contestant[] = FORMS.map((form) => ({
    library: `@lstm backend-wasm, LSTM ${form.label}`,
    workload: REFERENCE,
    run: (s) =>
      benchLstmJs(REFERENCE, s, factory, `@lstm backend-wasm, LSTM ${form.label}`, {
        cell: form.cell,
        variant: form.variant,
        pin: form.pin,
      }),
  }));
  const measured = new Rounds();
  await measured.run(contestants, rounds, seconds, log);
  const base = '@lstm backend-wasm, LSTM standard';
  const lines = [
    `LSTM variants on backend-wasm (${REFERENCE.name} workload: H = ${REFERENCE.hiddenSize}, ${REFERENCE.numLayers} layers, T = ${REFERENCE.steps}, batch ${REFERENCE.batch}; ${rounds} interleaved rounds):`,
    '',
    '| variant | train seq/s | ÷ standard (train) | target |',
    '|---|---|---|---|',
  ];
  for (const c of contestants) {
    const rate = measured.value(REFERENCE.name, c.library, 'trainSequencesPerSecond');
    const ratio = measured.ratio(REFERENCE.name, c.library, base, 'trainSequencesPerSecond');
    const met = c.library.endsWith('ln-lstm')
      ? 'none (composed, not fused)'
      : ratio
        ? ratio.median >= 0.5
          ? 'met (≥ 0.50×)'
          : 'NOT met (≥ 0.50×)'
        : '—';
    lines.push(
      `| ${c.library.split('LSTM ')[1]} | ${rate?.median.toFixed(1) ?? '—'} | ${c.library === base ? '—' : showRatio(ratio)} | ${c.library === base ? '' : met} |`,
    );
  }
  return lines;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const quick = process.argv.includes('--quick');
  const lines = await benchVariants(quick ? 2 : 4, quick ? 0.3 : 0.8, (r, round) =>
    console.error(`  round ${round}  ${r.library.padEnd(44)} train ${r.trainSequencesPerSecond?.toFixed(1)} seq/s`),
  );
  console.log(lines.join('\n'));
}
