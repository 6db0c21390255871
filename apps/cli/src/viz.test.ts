import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerBackend, setBackendSync, tensor, tidy } from '@lstm/core';
import { cpu } from '@lstm/backend-cpu';
import { decodeModel } from '@lstm/layers';
import { firstLast } from '@lstm/tasks';
import { DOMParser } from '@xmldom/xmldom';
import { cli, expectOneLineMistake } from './cli.test-helper.js';
import { beforeAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'lstm-viz-'));
const at = (name: string) => join(dir, name);

const lstm = cli(dir);

const tiny = ['--task', 'first-last', '--seq-len', '7', '--train-size', '128', '--validation-size', '32', '--test-size', '32', '--quiet'];

/** Elements with `class` in a parsed SVG (which must parse as XML without a warning). */
function classed(svg: string, name: string): number {
  const errors: string[] = [];
  new DOMParser({ onError: (level, message) => errors.push(`${level} ${message}`) }).parseFromString(svg, 'image/svg+xml');
  expect(errors).toEqual([]);
  return svg.split(`class="${name}"`).length - 1;
}

/**
 * What layer 2 of the tiny LSTM records on test sequence `sample` of its own task (rebuilt from the
 * options stored in its file): the reference the figures' printed values are checked against.
 */
function layerTwoTrace(sample: number): {
  gates: Float32Array | Float64Array;
  cells: Float32Array | Float64Array;
  hidden: Float32Array | Float64Array;
} {
  registerBackend(cpu());
  setBackendSync('cpu');
  const file = decodeModel(readFileSync(at('lstm/model.safetensors')));
  const options = (file.metadata.task as { options: Record<string, number> }).options;
  const task = firstLast({
    steps: options.seqLen,
    trainSize: options.trainSize,
    validationSize: options.validationSize,
    testSize: options.testSize,
    seed: options.seed,
  });
  const x = task.test.inputs.slice(sample * 7, (sample + 1) * 7);
  return tidy(() => {
    const t = file.model.forward(tensor(x, [1, 7, 1]), { record: true }).trace![1]!;
    return { gates: t.gates!.readSync(), cells: t.cells!.readSync(), hidden: t.hidden.readSync() };
  });
}

beforeAll(() => {
  for (const [name, extra] of [
    ['lstm', ['--hidden', '6', '--layers', '2', '--epochs', '3']],
    ['gru', ['--cell', 'gru', '--hidden', '5', '--epochs', '2']],
    ['rnn', ['--cell', 'rnn', '--hidden', '5', '--epochs', '1']],
  ] as const) {
    const r = lstm('train', ...tiny, ...extra, '--out', at(name));
    if (r.code !== 0) throw new Error(r.stderr);
  }
  writeFileSync(at('fox.txt'), 'the quick brown fox jumps over the lazy dog. '.repeat(30));
  const text = lstm(
    'train',
    '--task',
    'text',
    '--data',
    at('fox.txt'),
    '--hidden',
    '12',
    '--epochs',
    '2',
    '--bptt',
    '16',
    '--batch-size',
    '4',
    '--quiet',
    '--out',
    at('text'),
  );
  if (text.code !== 0) throw new Error(text.stderr);
}, 120_000);

describe('lstm viz gates', () => {
  it('prints the same gate values the layer returns for the same test sequence', () => {
    const r = lstm(
      'viz',
      'gates',
      '--model',
      at('lstm/model.safetensors'),
      '--layer',
      '2',
      '--sample',
      '3',
      '--json',
      '--out',
      at('g.svg'),
    );
    expect(r.code, r.stderr).toBe(0);
    const shown = JSON.parse(r.stdout) as { steps: number; units: number; gates: Record<string, number[][]> };
    // PyTorch's gate order, then the cell and hidden states: every panel of the figure.
    expect(Object.keys(shown.gates)).toEqual(['i', 'f', 'g', 'o', 'c', 'h']);
    const trace = layerTwoTrace(3);
    const H = 6;
    for (const [g, k] of [
      ['i', 0],
      ['f', 1],
      ['g', 2],
      ['o', 3],
    ] as const) {
      for (let u = 0; u < shown.units; u++)
        for (let t = 0; t < 7; t++) expect(shown.gates[g]![u]![t]).toBeCloseTo(trace.gates[t * 4 * H + k * H + u]!, 6);
    }
    for (let u = 0; u < shown.units; u++)
      for (let t = 0; t < 7; t++) {
        expect(shown.gates.c![u]![t]).toBeCloseTo(trace.cells[t * H + u]!, 6);
        expect(shown.gates.h![u]![t]).toBeCloseTo(trace.hidden[t * H + u]!, 6);
      }
    const svg = readFileSync(at('g.svg'), 'utf8');
    // Sigmoid gates share a 0…1 bar; g, c and h each have their own diverging one.
    expect(svg).toContain('gate (0…1)');
    expect(svg).toContain('candidate (−1…1)');
    expect(svg).toContain('hidden state (−1…1)');
    expect(classed(svg, 'color-bar')).toBe(5); // i,f | g | o | c | h
    expect(classed(svg, 'cell')).toBe(6 * 6 * 7);
  });

  it('shows r, z (and n) for a GRU, and a PNG when asked', () => {
    const r = lstm('viz', 'gates', '--model', at('gru/model.safetensors'), '--gates', 'n,r,z', '--json', '--out', at('g.png'));
    expect(r.code, r.stderr).toBe(0);
    expect(Object.keys(JSON.parse(r.stdout).gates)).toEqual(['r', 'z', 'n']);
    expect(readFileSync(at('g.png')).subarray(1, 4).toString()).toBe('PNG');
  });

  it("puts a text model's characters under its steps", () => {
    const r = lstm('viz', 'gates', '--model', at('text/model.safetensors'), '--gates', 'f,c', '--json', '--out', at('text-gates.svg'));
    expect(r.code, r.stderr).toBe(0);
    const shown = JSON.parse(r.stdout) as { steps: number; characters: string[] };
    expect(shown.characters).toHaveLength(shown.steps);
    expect('the quick brown fox jumps over the lazy dog. '.repeat(30)).toContain(shown.characters.join(''));
    const svg = readFileSync(at('text-gates.svg'), 'utf8');
    // One label per column where there is room (spaces drawn as ␣), in the mono font.
    const labels = [...svg.matchAll(/<text [^>]*class="tick" font-family="DejaVu Sans Mono[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(labels.length).toBeGreaterThan(0);
    for (const label of labels) expect(label).toMatch(/^(.|␣)$/);
    expect(svg).toContain('input character');
  });

  it('takes a sequence of your own with --input', () => {
    writeFileSync(at('sequence.json'), JSON.stringify([[0.5], [-1], [0.2], [0.9]]));
    const r = lstm('viz', 'gates', '--model', at('lstm/model.safetensors'), '--input', at('sequence.json'), '--json');
    expect(r.code, r.stderr).toBe(0);
    const shown = JSON.parse(r.stdout) as { steps: number; gates: Record<string, number[][]> };
    expect(shown.steps).toBe(4);
    expect(shown.gates.f![0]).toHaveLength(4);
  });

  it('previews in the terminal within its width when no --out is given', () => {
    const r = lstm('viz', 'gates', '--model', at('lstm/model.safetensors'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('forget gate f');
    for (const line of r.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(160);
  });
});

describe('lstm viz cell', () => {
  it('x-rays one step of a trained first-last model: its values are the gates and states record: true returns', () => {
    const r = lstm(
      'viz',
      'cell',
      '--model',
      at('lstm/model.safetensors'),
      '--layer',
      '2',
      '--step',
      '4',
      '--units',
      '2,5',
      '--sample',
      '1',
      '--json',
      '--out',
      at('xray.svg'),
    );
    expect(r.code, r.stderr).toBe(0);
    const shown = JSON.parse(r.stdout) as { step: number; units: number[]; values: Record<string, number[]> };
    const trace = layerTwoTrace(1);
    const H = 6;
    const t = 3; // step 4
    [2, 5].forEach((unit, k) => {
      const u = unit - 1;
      expect(shown.values.i![k]).toBe(trace.gates[t * 4 * H + u]);
      expect(shown.values.f![k]).toBe(trace.gates[t * 4 * H + H + u]);
      expect(shown.values.g![k]).toBe(trace.gates[t * 4 * H + 2 * H + u]);
      expect(shown.values.o![k]).toBe(trace.gates[t * 4 * H + 3 * H + u]);
      expect(shown.values.c![k]).toBe(trace.cells[t * H + u]);
      expect(shown.values.c_prev![k]).toBe(trace.cells[(t - 1) * H + u]);
      expect(shown.values.h![k]).toBe(trace.hidden[t * H + u]);
      expect(shown.values.h_prev![k]).toBe(trace.hidden[(t - 1) * H + u]);
    });
    // What the figure draws is what was printed: each gate block carries its activations.
    const svg = readFileSync(at('xray.svg'), 'utf8');
    for (const g of ['i', 'f', 'g', 'o']) expect(svg).toContain(`data-gate="${g}" data-value="${shown.values[g]!.join(',')}"`);
    expect(svg).toContain(`data-name="c" data-value="${shown.values.c!.join(',')}"`);
  });

  it('draws each cell kind and the stacked and bidirectional layouts', { timeout: 180_000 }, () => {
    for (const cell of ['lstm', 'peephole', 'coupled', 'nig', 'nfg', 'nog', 'niaf', 'noaf', 'cifg', 'fgr', 'gru', 'rnn']) {
      const r = lstm('viz', 'cell', '--cell', cell, '--out', at(`cell-${cell}.svg`));
      expect(r.code, r.stderr).toBe(0);
      // Learned gates are blocks; a pinned or complement gate is a circle.
      expect(classed(readFileSync(at(`cell-${cell}.svg`), 'utf8'), 'gate'), cell).toBe(
        { lstm: 4, peephole: 4, coupled: 3, nig: 3, nfg: 3, nog: 3, niaf: 4, noaf: 4, cifg: 3, fgr: 4, gru: 3, rnn: 1 }[cell],
      );
    }
    expect(lstm('viz', 'cell', '--cell', 'fgr').stdout).toContain('o = σ(W_o x + U_o h_{t−1} + p_o ⊙ c_t + R_o [i, f, o]_{t−1} + b_o)');
    expectOneLineMistake(
      lstm('viz', 'cell', '--cell', 'ln-lstm'),
      2,
      /the LN-LSTM has no diagram yet; lstm viz gates --model draws its gates/,
    );
    const r = lstm('viz', 'cell', '--layers', '2', '--bidirectional', '--out', at('bidi.svg'));
    expect(r.code, r.stderr).toBe(0);
    const svg = readFileSync(at('bidi.svg'), 'utf8');
    expect(classed(svg, 'cell-box')).toBe(2 * 2 * 3);
    expect(classed(svg, 'concat')).toBe(2 * 3);
  });

  it('a diagram option beside --model is one line saying what --model draws', () => {
    expectOneLineMistake(
      lstm('viz', 'cell', '--model', at('lstm/model.safetensors'), '--layers', '2'),
      2,
      /with --model the x-ray draws the model's own cell/,
    );
  });

  it('a step past the sequence is one line naming the range', () => {
    expectOneLineMistake(
      lstm('viz', 'cell', '--model', at('lstm/model.safetensors'), '--step', '8'),
      2,
      /--step 8: the sequence has 7 steps \(1–7\)/,
    );
  });
});

describe('lstm viz curves', () => {
  it('overlays runs: one colour per run, a dash per split (train, validation, test), every epoch, the kept epochs and the baselines', () => {
    const r = lstm('viz', 'curves', '--run', at('lstm'), '--run', at('gru'), '--json', '--out', at('c.svg'));
    expect(r.code, r.stderr).toBe(0);
    const svg = readFileSync(at('c.svg'), 'utf8');
    expect(classed(svg, 'series')).toBe(6);
    const paths = [...svg.matchAll(/<path [^>]*class="series"[^>]*>/g)].map((m) => m[0]);
    const strokes = paths.map((p) => /stroke="([^"]+)"/.exec(p)![1]);
    expect(new Set(strokes.slice(0, 3)).size).toBe(1); // a run's three lines share its colour
    expect(strokes[0]).not.toBe(strokes[3]);
    expect(paths.map((p) => /stroke-dasharray="([^"]+)"/.exec(p)?.[1] ?? 'solid').slice(0, 3)).toEqual(['6 4', '1.5 3', 'solid']);
    expect(svg).toContain('data-points="3"');
    expect(svg).toContain('data-points="2"');
    expect(classed(svg, 'marker')).toBe(2);
    // first-last's baselines, stored by lstm train: chance 1/4 and the last step alone 1/2.
    expect(classed(svg, 'reference')).toBe(2);
    expect(svg).toContain('chance 25.0 %');
    const { runs } = JSON.parse(r.stdout) as { runs: { epochs: number[]; baselines: Record<string, number> }[] };
    expect(runs.map((run) => run.epochs)).toEqual([
      [1, 2, 3],
      [1, 2],
    ]);
    expect(runs[0]!.baselines).toEqual({ chance: 0.25, 'last-step': 0.5 });
  });

  it('draws any metric of metrics.jsonl, grad_norm included, on a log axis ticked at decades', () => {
    const r = lstm('viz', 'curves', '--run', at('lstm'), '--metric', 'grad_norm', '--json', '--out', at('gn.svg'));
    expect(r.code, r.stderr).toBe(0);
    const { runs } = JSON.parse(r.stdout) as { runs: { values: number[] }[] };
    const recorded = readFileSync(at('lstm/metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { grad_norm: number }).grad_norm);
    expect(runs[0]!.values).toEqual(recorded);
    const svg = readFileSync(at('gn.svg'), 'utf8');
    const ticks = [...svg.matchAll(/<g class="axis y">(.*?)<\/g><text/g)][0]![1]!;
    const labels = [...ticks.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(labels.length).toBeGreaterThanOrEqual(2);
    for (const label of labels) expect(label).toMatch(/^(1|10|10[⁻¹²³⁴⁵⁶⁷⁸⁹⁰]+)$/);
  });

  it('previews every line on one shared scale, with a key', () => {
    const r = lstm('viz', 'curves', '--run', at('lstm'), '--run', at('rnn'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/key: .* shared by every line/);
    expect(r.stdout.split('\n').filter((l) => / (train|validation|test) /.test(l))).toHaveLength(6);
  });

  it('marks the epoch the trainer chose (the model file holds it), for classes and for text alike (issue 20)', () => {
    for (const run of ['lstm', 'text']) {
      const chosen = JSON.parse(
        readFileSync(at(`${run}/model.safetensors`))
          .subarray(8, 8 + readFileSync(at(`${run}/model.safetensors`)).readUInt32LE(0))
          .toString(),
      ).__metadata__['lstm.training'];
      const best = (JSON.parse(chosen) as { best_epoch: number }).best_epoch;
      const records = readFileSync(at(`${run}/metrics.jsonl`), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, number>);
      expect(records.at(-1)?.best_epoch).toBe(best);
      // Whatever metric is drawn, the marker is the trainer's choice, not one made again by that metric.
      for (const metric of run === 'text' ? ['accuracy', 'loss', 'bpc'] : ['accuracy', 'loss']) {
        const r = lstm('viz', 'curves', '--run', at(run), '--metric', metric, '--json');
        expect(r.code, r.stderr).toBe(0);
        expect(JSON.parse(r.stdout).runs[0].best_epoch, `${run} ${metric}`).toBe(best);
      }
    }
  });
});

describe('lstm viz gradflow and decay (spec E2, article A3)', () => {
  type Flow = { cells: Record<string, { metrics: { first_to_last_ratio: number; effective_range: number } }> };
  const flow = (...args: string[]) => {
    const r = lstm('viz', 'gradflow', '--cells', 'rnn,lstm', '--seed', '1', '--json', ...args);
    expect(r.code, r.stderr).toBe(0);
    return (JSON.parse(r.stdout) as Flow).cells;
  };

  it('with a forget bias of 2 the LSTM keeps the gradient over all 50 steps; the RNN loses it', () => {
    const { rnn, lstm: cell } = flow('--forget-bias', '2', '--out', at('gradflow.svg'));
    expect(cell!.metrics.effective_range).toBeGreaterThan(rnn!.metrics.effective_range);
    expect(cell!.metrics.effective_range).toBe(50);
    expect(cell!.metrics.first_to_last_ratio / rnn!.metrics.first_to_last_ratio).toBeGreaterThan(1e6);
    expect(classed(readFileSync(at('gradflow.svg'), 'utf8'), 'series')).toBe(3); // rnn dx, lstm dx, lstm dc
  });

  it("with PyTorch's default initialisation an untrained LSTM vanishes like the RNN (article A3's own table)", () => {
    const { rnn, lstm: cell } = flow();
    expect(cell!.metrics.effective_range).toBeLessThan(10);
    expect(rnn!.metrics.effective_range).toBeLessThan(10);
  });

  it("forget-heatmap: an untrained LSTM's forget gates cluster around 0.5 (E2b)", () => {
    const r = lstm('viz', 'forget-heatmap', '--json', '--out', at('forget.svg'));
    const { mean, forget } = JSON.parse(r.stdout) as { mean: number; forget: number[][] };
    expect(forget).toHaveLength(32);
    expect(forget[0]).toHaveLength(50);
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.05);
    const middle = forget.flat().filter((f) => f >= 0.4 && f <= 0.6).length / (32 * 50);
    expect(middle).toBeGreaterThan(0.5);
    expect(classed(readFileSync(at('forget.svg'), 'utf8'), 'cell')).toBe(32 * 50);
  });

  it('explode: the norm grows by orders of magnitude with the recurrent scale; clipping keeps the update bounded (E2e)', () => {
    const r = lstm('viz', 'explode', '--train-steps', '4', '--json', '--out', at('explode.svg'));
    expect(r.code, r.stderr).toBe(0);
    const { scales, norms, training } = JSON.parse(r.stdout) as {
      scales: number[];
      norms: number[];
      training: { clip: number | null; norms: number[] }[];
    };
    expect(scales[0]).toBe(1);
    expect(norms.at(-1)! / norms[0]!).toBeGreaterThan(1000); // ×8 explodes over the default 100 steps
    expect(training.map((t) => t.clip)).toEqual([null, 1]);
    // Both runs start from the same weights and batch: the same first norm.
    expect(training[0]!.norms[0]).toBe(training[1]!.norms[0]);
    const svg = readFileSync(at('explode.svg'), 'utf8');
    expect(classed(svg, 'series')).toBe(1 + 2 + 2);
    expect(svg).toMatch(/W_hh × 1: /); // the unscaled norm, dashed
  });

  it('retention: f^k for each horizon, and the forget value that keeps 10 %', () => {
    const r = lstm('viz', 'retention', '--horizons', '10,100', '--json', '--out', at('retention.svg'));
    expect(r.code, r.stderr).toBe(0);
    const { forget, curves, needed } = JSON.parse(r.stdout) as {
      forget: number[];
      curves: { horizon: number; values: number[] }[];
      needed: { horizon: number; forget_for_10_percent: number }[];
    };
    for (const c of curves) for (const [k, f] of forget.entries()) expect(c.values[k]).toBeCloseTo(f ** c.horizon, 12);
    expect(needed[1]!.forget_for_10_percent ** 100).toBeCloseTo(0.1, 12);
    expect(classed(readFileSync(at('retention.svg'), 'utf8'), 'series')).toBe(2);
  });

  it('gradflow draws peephole and coupled cells beside the others, a colour per cell', () => {
    const { peephole, coupled } = flow('--cells', 'peephole,coupled', '--forget-bias', '2', '--out', at('gf-variants.svg'));
    expect(peephole!.metrics.effective_range).toBe(50);
    expect(coupled!.metrics.effective_range).toBeGreaterThan(4);
  });

  it('decay prints base^t for the vanilla factor and each forget gate', () => {
    const r = lstm('viz', 'decay', '--steps', '20', '--json');
    const { curves } = JSON.parse(r.stdout) as { curves: { base: number; values: number[] }[] };
    expect(curves.map((c) => c.base)).toEqual([0.585, 0.9, 0.95, 0.99]);
    for (const c of curves) expect(c.values[10]).toBeCloseTo(c.base ** 10, 12);
  });
});

describe('lstm viz trace (spec §4.5)', () => {
  it("prints spec §4.5's numbers, computed by the kernels, and draws four states", () => {
    const r = lstm('viz', 'trace', '--json', '--out', at('trace.svg'));
    expect(r.code, r.stderr).toBe(0);
    const { steps, forgetProduct } = JSON.parse(r.stdout) as { steps: { c: number[]; dc: number[] }[]; forgetProduct: number[] };
    const spec = {
      c: [
        [0.5, -0.3],
        [0.6, -0.32],
        [0.63, -0.168],
        [0.604, -0.0228],
      ],
      dc: [
        [0.3469, 0.4588],
        [0.3854, 0.5735],
        [0.4535, 0.6372],
        [0.5668, 0.7496],
      ],
    };
    steps.forEach((step, t) => {
      for (const [j, v] of step.c.entries()) expect(v).toBeCloseTo(spec.c[t]![j]!, 6);
      for (const [j, v] of step.dc.entries()) expect(Math.abs(v - spec.dc[t]![j]!)).toBeLessThan(6e-5);
    });
    for (const v of forgetProduct) expect(v).toBeCloseTo(0.612, 6);
    expect(classed(readFileSync(at('trace.svg'), 'utf8'), 'state')).toBe(4);
  });
});

describe('lstm viz connectivity (E3)', () => {
  it('colours every character up to the position by its saliency and boxes the predicted one', () => {
    const r = lstm(
      'viz',
      'connectivity',
      '--model',
      at('text/model.safetensors'),
      '--text',
      'the quick brown',
      '--position',
      '9',
      '--json',
      '--out',
      at('conn.svg'),
    );
    expect(r.code, r.stderr).toBe(0);
    const { rows } = JSON.parse(r.stdout) as { rows: { values: number[]; predicted: string }[] };
    expect(rows[0]!.values).toHaveLength(10);
    expect(rows[0]!.values.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
    const svg = readFileSync(at('conn.svg'), 'utf8');
    expect(classed(svg, 'char')).toBe(10);
    expect(classed(svg, 'predicted')).toBe(1);
  });

  it('prints the text itself in the terminal, shaded by saliency, with a key', () => {
    const r = lstm('viz', 'connectivity', '--model', at('text/model.safetensors'), '--text', 'the quick brown');
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[1]).toMatch(/^the·quick·brown \[.\]$/);
    expect(lines[2]).toHaveLength(15); // one shade per character
    expect(lines[2]!.trimEnd().at(-1)).toBe('@'); // the largest is the hottest
    expect(lines[3]).toMatch(/^key: ' ' cold … '@' hot/);
  });
});

describe('lstm viz mistakes: one line and a documented exit code', () => {
  const cases: [string, string[], number, RegExp][] = [
    ['an RNN has no gates', ['viz', 'gates', '--model', at('rnn/model.safetensors')], 2, /has no gates/],
    ['a layer the model lacks', ['viz', 'gates', '--model', at('lstm/model.safetensors'), '--layer', '3'], 2, /has 2 layer/],
    ['more units than the layer has', ['viz', 'gates', '--model', at('lstm/model.safetensors'), '--units', '7'], 2, /has 6 units/],
    ['a sample past the test split', ['viz', 'gates', '--model', at('lstm/model.safetensors'), '--sample', '32'], 2, /0–31/],
    [
      'an output that is neither .svg nor .png',
      ['viz', 'gates', '--model', at('lstm/model.safetensors'), '--out', at('g.gif')],
      2,
      /\.svg or \.png/,
    ],
    ['an unwritable output', ['viz', 'curves', '--run', at('lstm'), '--out', '/proc/x.svg'], 1, /\/proc/],
    ['a missing run folder', ['viz', 'curves', '--run', at('nope')], 1, /no such file: .*nope\/metrics\.jsonl/],
    [
      'a GRU asked for forget gates',
      ['viz', 'gates', '--model', at('gru/model.safetensors'), '--gates', 'f'],
      2,
      /--gates f: .* a GRU; it shows r, z, n, h/,
    ],
    [
      'text outside the vocabulary',
      ['viz', 'connectivity', '--model', at('text/model.safetensors'), '--text', 'QUICK'],
      2,
      /outside .*vocabulary/,
    ],
    [
      'connectivity of a classifier',
      ['viz', 'connectivity', '--model', at('lstm/model.safetensors'), '--text', 'abc'],
      2,
      /not a text model/,
    ],
    ['an unknown cell for gradflow', ['viz', 'gradflow', '--cells', 'rnn,transformer'], 2, /--cells transformer/],
    ['a metric the run lacks', ['viz', 'curves', '--run', at('lstm'), '--metric', 'bpc'], 2, /no metric 'bpc'/],
  ];
  for (const [name, args, code, message] of cases) {
    it(name, () => {
      expectOneLineMistake(lstm(...args), code, message);
    });
  }
});
