import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeSafetensors } from '@lstm/layers';
import { cli, expectOneLineMistake, metricRecords, tensorsOf } from './cli.test-helper.js';
import { beforeAll, describe, expect, it } from 'vitest';

/** `lstm train --record`, and the figures read from it: histograms and the HTML report (issue 10). */
const dir = mkdtempSync(join(tmpdir(), 'lstm-record-'));
const at = (name: string) => join(dir, name);

const lstm = cli(dir);

const run = [
  '--task',
  'first-last',
  '--seq-len',
  '9',
  '--train-size',
  '256',
  '--validation-size',
  '32',
  '--test-size',
  '32',
  '--hidden',
  '7',
  '--layers',
  '2',
  '--dropout',
  '0.2',
  '--epochs',
  '4',
  '--quiet',
];

beforeAll(() => {
  for (const [out, extra] of [
    ['recorded', ['--record', 'gates,gradients', '--record-every', '2', '--record-samples', '3']],
    ['plain', []],
  ] as const) {
    const r = lstm('train', ...run, ...extra, '--out', at(out));
    if (r.code !== 0) throw new Error(r.stderr);
  }
}, 120_000);

describe('lstm train --record', () => {
  it('writes one safetensors file per recorded epoch: before training, every 2 epochs, and the last', () => {
    expect(readdirSync(at('recorded/recordings')).sort()).toEqual([
      'epoch-0000.safetensors',
      'epoch-0002.safetensors',
      'epoch-0004.safetensors',
    ]);
    const { tensors, metadata } = decodeSafetensors(readFileSync(at('recorded/recordings/epoch-0002.safetensors')));
    expect(JSON.parse(metadata['lstm.recording']!)).toMatchObject({ epoch: 2, gateNames: ['i', 'f', 'g', 'o'], samples: 3, steps: 9 });
    for (const layer of [0, 1]) {
      expect(tensors[`gates.l${layer}`]!.shape).toEqual([3, 9, 4 * 7]);
      expect(tensors[`cells.l${layer}`]!.shape).toEqual([3, 9, 7]);
      expect(tensors[`dh.l${layer}`]!.shape).toEqual([3, 9, 7]);
      expect(tensors[`dc.l${layer}`]!.shape).toEqual([3, 9, 7]);
    }
    const sigmoid = tensors['gates.l0']!.data.filter((_, k) => Math.floor(k / 7) % 4 !== 2); // i, f, o
    expect(sigmoid.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(tensors.inputs!.shape).toEqual([3, 9, 1]);
  });

  it('changes nothing about the run: the same metrics and weights as without it', () => {
    expect(metricRecords(at('recorded'))).toEqual(metricRecords(at('plain')));
    expect(tensorsOf(at('recorded/model.safetensors'))).toEqual(tensorsOf(at('plain/model.safetensors')));
  });
});

describe('lstm viz histograms and report', () => {
  it('histograms: a panel per kind, layer and recorded epoch; each step a distribution over log bins plus its exact zeros', () => {
    const r = lstm('viz', 'histograms', '--run', at('recorded'), '--layer', '2', '--steps', '5', '--json', '--out', at('h.svg'));
    expect(r.code, r.stderr).toBe(0);
    type Panel = { row: string; epoch: number; counts: number[][]; zeros: number[]; values: number };
    const { epochs, panels } = JSON.parse(r.stdout) as { epochs: number[]; panels: Panel[] };
    expect(epochs).toEqual([0, 2, 4]);
    expect(panels.map((p) => `${p.row} ${p.epoch}`)).toEqual([
      '|∂L/∂h_t| 0',
      '|∂L/∂h_t| 2',
      '|∂L/∂h_t| 4',
      '|∂L/∂c_t| 0',
      '|∂L/∂c_t| 2',
      '|∂L/∂c_t| 4',
    ]);
    const recording = decodeSafetensors(readFileSync(at('recorded/recordings/epoch-0002.safetensors'))).tensors['dh.l1']!;
    const [S, T, H] = recording.shape as [number, number, number];
    for (const panel of panels) {
      expect(panel.values).toBe(S * H);
      expect(panel.counts).toHaveLength(6); // the last step and 5 back
      for (const [k, bins] of panel.counts.entries()) expect(bins.reduce((a, b) => a + b, 0) + panel.zeros[k]!).toBe(S * H);
    }
    // Exact zeros are counted, never given a logarithm: the recording's own zeros at the last step.
    let zeros = 0;
    for (let s = 0; s < S; s++) for (let u = 0; u < H; u++) if (recording.data[(s * T + T - 1) * H + u] === 0) zeros++;
    expect(panels[1]!.zeros[0]).toBe(zeros);
    const svg = readFileSync(at('h.svg'), 'utf8');
    expect(svg.split('class="zero-cell"').length - 1).toBe(6 * 6);
  });

  it('histograms --compare: both runs in one grid, every layer by default', () => {
    const r = lstm('viz', 'histograms', '--run', at('recorded'), '--compare', at('recorded'), '--steps', '3', '--json');
    expect(r.code, r.stderr).toBe(0);
    const { layers, panels } = JSON.parse(r.stdout) as { layers: number[]; panels: { row: string }[] };
    expect(layers).toEqual([1, 2]);
    expect(new Set(panels.map((p) => p.row)).size).toBe(2 * 2 * 2); // runs × layers × (h, c), each row named
    expect(panels).toHaveLength(2 * 2 * 2 * 3); // × the three recorded epochs
  });

  it('report: one self-contained HTML file with the configuration as tables, curves, gates per recorded epoch and the gradients', () => {
    const r = lstm('viz', 'report', '--run', at('recorded'));
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(at('recorded/report.html'), 'utf8');
    // accuracy and loss curves, gates at epochs 0, 2 and 4, the histograms
    expect(html.match(/<svg /g)).toHaveLength(2 + 3 + 1);
    expect(html.match(/<figure class="epoch"/g)).toHaveLength(3);
    expect(html).toContain('<input id="epoch" type="range" min="0" max="2"');
    expect(html).toMatch(/<caption>architecture<\/caption>.*<th>hiddenSize<\/th><td>7<\/td>/s);
    // Self-contained: one inline script for the slider, nothing fetched.
    expect(html).not.toMatch(/<link|src=|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(html).toContain('Per-step gradients');
    expect(html).toContain('loss by epoch');
  });

  const cases: [string, string[], number, RegExp][] = [
    ['histograms of a run with no recordings', ['viz', 'histograms', '--run', at('plain')], 1, /has no recordings; train it with --record/],
    ['a report that is not .html', ['viz', 'report', '--run', at('plain'), '--out', at('r.txt')], 2, /\.html/],
    ['an unknown kind of recording', ['train', ...run, '--record', 'weights', '--out', at('bad')], 2, /--record weights/],
    ['histograms of a missing run', ['viz', 'histograms', '--run', at('nope')], 1, /no such file/],
  ];
  for (const [name, args, code, message] of cases) {
    it(name, () => {
      expectOneLineMistake(lstm(...args), code, message);
    });
  }
});
