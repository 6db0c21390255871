import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LSTM_VARIANTS } from '@lstm/core';
import { describe, expect, it } from 'vitest';
import { cli, expectOneLineMistake } from './cli.test-helper.js';
import { train, type TrainOptions } from './train.js';

const dir = mkdtempSync(join(tmpdir(), 'lstm-cli-variants-'));
const lstm = cli(dir);

/** Every named variant but the aliases (vanilla = peephole, np = standard), two pinned forms, and LayerNorm-LSTM. */
const RUNS: { label: string; cell?: string; variant?: string; pin?: string[] }[] = [
  ...Object.keys(LSTM_VARIANTS)
    .filter((v) => v !== 'vanilla' && v !== 'np')
    .map((variant) => ({ label: variant, variant })),
  { label: 'pin f=1', pin: ['f=1'] },
  { label: 'peephole, pin o=1', variant: 'peephole', pin: ['o=1'] },
  { label: 'ln-lstm', cell: 'ln-lstm' },
];

/** A test-sized first-last run (T = 30), as `lstm train` runs it, in this process. */
function options(out: string, backend: string, run: (typeof RUNS)[number]): TrainOptions {
  return {
    task: 'first-last',
    seqLen: 30,
    classes: 4,
    trainSize: 256,
    validationSize: 64,
    testSize: 64,
    cell: run.cell ?? 'lstm',
    ...(run.variant ? { variant: run.variant } : {}),
    ...(run.pin ? { pin: run.pin } : {}),
    hidden: 8,
    layers: 1,
    epochs: 4,
    batchSize: 32,
    optimizer: 'adam',
    lr: 0.01,
    seed: 3,
    backend,
    out,
    force: true,
    quiet: true,
  };
}

const curve = (out: string): number[] =>
  readFileSync(join(out, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line).train_loss as number);

describe('every LSTM variant, pinned gate and LayerNorm-LSTM trains with lstm train (issue 23)', () => {
  for (const backend of ['cpu', 'wasm', 'tfjs-wasm']) {
    it(`on ${backend}: first-last, T = 30, every variant's training loss falls`, { timeout: 240_000 }, async () => {
      for (const run of RUNS) {
        const out = join(dir, `${backend}-${run.label.replace(/\W+/g, '-')}`);
        await train(options(out, backend, run));
        const losses = curve(out);
        expect(losses, `${run.label} on ${backend}`).toHaveLength(4);
        expect(losses.every(Number.isFinite), `${run.label} on ${backend}`).toBe(true);
        expect(losses.at(-1)!, `${run.label} on ${backend}: ${losses.join(', ')}`).toBeLessThan(losses[0]!);
      }
    });
  }

  it('their model files are read by lstm info and lstm eval; ONNX export takes the ones its operators can express', () => {
    const cifg = join(dir, 'cpu-cifg', 'model.safetensors');
    const pinned = join(dir, 'cpu-peephole-pin-o-1', 'model.safetensors');
    const peephole = join(dir, 'cpu-peephole', 'model.safetensors');
    const info = lstm('info', pinned);
    expect(info.code, info.stderr).toBe(0);
    expect(info.stdout).toMatch(/architecture: peephole LSTM \(o pinned to 1\)/);
    expect(info.stdout).toMatch(/rnn\.weight_ih_l0 +\[24, 1\]/); // i, f, g: the pinned o has no rows
    expect(info.stdout).toMatch(/rnn\.peephole_l0 +\[16\]/); // p_i, p_f
    expect(info.stdout).toMatch(/no PyTorch module/);
    const evaluated = lstm('eval', '--model', cifg, '--json');
    expect(evaluated.code, evaluated.stderr).toBe(0);
    expect(JSON.parse(evaluated.stdout).test_accuracy).toBeGreaterThanOrEqual(0);
    expectOneLineMistake(
      lstm('export', '--model', pinned, '--onnx', join(dir, 'pinned.onnx')),
      1,
      /ONNX's LSTM operator cannot express the peephole LSTM with o pinned to 1; export a standard, peephole or cifg LSTM/,
    );
    for (const [file, out] of [
      [peephole, 'peephole.onnx'],
      [cifg, 'cifg.onnx'], // ONNX's input_forget
    ] as const) {
      const exported = lstm('export', '--model', file, '--onnx', join(dir, out));
      expect(exported.code, exported.stderr).toBe(0);
    }
    // The x-ray draws every form: the pinned o at its constant, CIFG's f as 1 − i, FGR's loop.
    const xray = (file: string) => {
      const r = lstm('viz', 'cell', '--model', file, '--json', '--out', join(dir, 'xray.svg'));
      expect(r.code, r.stderr).toBe(0);
      return { values: JSON.parse(r.stdout).values as Record<string, number[]>, svg: readFileSync(join(dir, 'xray.svg'), 'utf8') };
    };
    const pinnedXray = xray(pinned);
    expect(pinnedXray.values.o).toEqual([1]);
    expect(pinnedXray.svg).toContain('o = 1 (pinned)');
    expect(pinnedXray.svg).toContain('(peephole LSTM with o pinned to 1)');
    const cifgXray = xray(cifg);
    expect(cifgXray.values.f![0]).toBeCloseTo(1 - cifgXray.values.i![0]!, 6);
    expect(cifgXray.svg).toContain('f = 1 − i');
    const fgr = join(dir, 'cpu-fgr', 'model.safetensors');
    expect(xray(fgr).svg).toContain('R_o [i, f, o]_{t−1}');
    const fgrInfo = lstm('info', fgr);
    expect(fgrInfo.code, fgrInfo.stderr).toBe(0);
    expect(fgrInfo.stdout).toMatch(/architecture: fgr LSTM/);
    expect(fgrInfo.stdout).toMatch(/rnn\.weight_gg_l0 +\[24, 24\]/); // i, f, o ← i, f, o of the previous step
    expectOneLineMistake(
      lstm('export', '--model', fgr, '--onnx', join(dir, 'fgr.onnx')),
      1,
      /ONNX's LSTM operator cannot express the fgr LSTM; export a standard, peephole or cifg LSTM/,
    );
    const layerNorm = join(dir, 'cpu-ln-lstm', 'model.safetensors');
    const lnInfo = lstm('info', layerNorm);
    expect(lnInfo.code, lnInfo.stderr).toBe(0);
    expect(lnInfo.stdout).toMatch(/architecture: LN-LSTM/);
    expect(lnInfo.stdout).toMatch(/rnn\.ln_cell_weight_l0 +\[8\]/);
    expect(lnInfo.stdout).toMatch(/no PyTorch module \(the LN-LSTM is not in torch\.nn\)/);
    expectOneLineMistake(
      lstm('export', '--model', layerNorm, '--onnx', join(dir, 'ln.onnx')),
      1,
      /ONNX has no LN-LSTM operator; export an LSTM, a GRU or an RNN/,
    );
  });

  it('refuses a pin that names no learned gate, or a value outside [0, 1], in one line', () => {
    const base = ['train', '--task', 'first-last', '--train-size', '64', '--epochs', '1', '--out', join(dir, 'refused'), '--force'];
    // Every variant is also a --cell shorthand (one sweep grid spans variants and cells).
    const shorthand = lstm(...base, '--cell', 'nig');
    expect(shorthand.code, shorthand.stderr).toBe(0);
    expect(lstm('info', join(dir, 'refused', 'model.safetensors')).stdout).toMatch(/architecture: nig LSTM/);
    expectOneLineMistake(
      lstm(...base, '--cell', 'nig', '--variant', 'nfg'),
      2,
      /--cell nig is the LSTM variant nig; give --cell lstm --variant nfg instead/,
    );
    expectOneLineMistake(lstm(...base, '--variant', 'nfg', '--pin', 'f=0.5'), 1, /variant 'nfg' has no learned gate f to pin/);
    expectOneLineMistake(
      lstm(...base, '--variant', 'fgr', '--pin', 'f=1'),
      1,
      /variant 'fgr' feeds every gate of i, f, o back into the others/,
    );
    expectOneLineMistake(lstm(...base, '--pin', 'o=1.5'), 1, /pin o=1.5 is not a gate value; give a number in \[0, 1\]/);
    expectOneLineMistake(lstm(...base, '--pin', 'f'), 2, /--pin f: write GATE=VALUE, e.g. --pin f=1/);
    expectOneLineMistake(lstm(...base, '--cell', 'gru', '--variant', 'nig'), 2, /--variant applies to LSTMs/);
    expectOneLineMistake(
      lstm(...base, '--variant', 'nfg', '--forget-bias', '1'),
      2,
      /this LSTM's forget gate is pinned or absent — drop --forget-bias/,
    );
    expectOneLineMistake(lstm(...base, '--pin', 'f=1', '--forget-bias', '1'), 2, /this LSTM's forget gate is pinned or absent/);
  });
});
