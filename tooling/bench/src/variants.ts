/**
 * The LSTM variants' training speed on backend-wasm against the standard LSTM's (issue 23: each at
 * ≥ 50 %), interleaved in rounds like the rest of `pnpm bench`. Alone: `pnpm --filter @lstm/bench
 * bench:variants [--quick]`.
 */
import { LSTM_VARIANTS, type LstmForm, type LstmVariant, lstmGateRows } from '@lstm/core';
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

/**
 * Multiply-adds of one step of one row through the recurrent layers: the learned gate blocks'
 * projections, and FGR's [3H, 3H] gate recurrence. Training multiplies forward and backward alike.
 */
function stepWork(form: LstmForm): number {
  const { inputSize, hiddenSize: H, numLayers } = REFERENCE;
  let work = 0;
  for (let layer = 0; layer < numLayers; layer++) {
    work += lstmGateRows(form).length * H * ((layer === 0 ? inputSize : H) + H);
    if (form.gateRecurrence) work += 9 * H * H;
  }
  return work;
}

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
    '| variant | train seq/s | ÷ standard (train) | standard ÷ its work | target |',
    '|---|---|---|---|---|',
  ];
  for (const [k, c] of contestants.entries()) {
    const form = FORMS[k]!;
    const rate = measured.value(REFERENCE.name, c.library, 'trainSequencesPerSecond');
    const ratio = measured.ratio(REFERENCE.name, c.library, base, 'trainSequencesPerSecond');
    // The speed its arithmetic allows: the standard LSTM's multiply-adds over this form's.
    const bound = form.cell
      ? null
      : stepWork(LSTM_VARIANTS.standard) / stepWork({ ...LSTM_VARIANTS[form.variant ?? 'standard'], ...form.pin });
    const met = form.cell
      ? 'none (composed, not fused)'
      : ratio
        ? ratio.median >= 0.5
          ? 'met (≥ 0.50×)'
          : `NOT met (≥ 0.50×)${bound! < 0.5 ? `: its arithmetic allows ${bound!.toFixed(2)}×` : ''}`
        : '—';
    lines.push(
      `| ${c.library.split('LSTM ')[1]} | ${rate?.median.toFixed(1) ?? '—'} | ${c.library === base ? '—' : showRatio(ratio)} | ${bound ? `${bound.toFixed(2)}×` : '—'} | ${c.library === base ? '' : met} |`,
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
