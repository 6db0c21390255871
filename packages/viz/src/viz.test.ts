import { DOMParser, type Element } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { barChart } from './bar-chart.js';
import { colorScale, rgbOf } from './color.js';
import { heatmap } from './heatmap.js';
import { histogram } from './histogram.js';
import { lineChart } from './line-chart.js';
import { sparkline, terminalHeatmap, useColor, visibleWidth } from './terminal.js';
import { saliencyColor, textSaliency } from './text-saliency.js';

/** Parses an SVG string as XML, failing on any warning or error; returns the elements of `selector` class. */
function parse(svg: string) {
  const errors: string[] = [];
  const doc = new DOMParser({ onError: (level, message) => errors.push(`${level}: ${message}`) }).parseFromString(svg, 'image/svg+xml');
  expect(errors).toEqual([]);
  const root = doc.documentElement!;
  expect(root.tagName).toBe('svg');
  const byClass = (name: string) => {
    const out: Element[] = [];
    const walk = (node: Element) => {
      if ((node.getAttribute?.('class') ?? '').split(' ').includes(name)) out.push(node);
      for (let i = 0; i < node.childNodes.length; i++) {
        const child = node.childNodes[i] as Element;
        if (child.nodeType === 1) walk(child);
      }
    };
    walk(root);
    return out;
  };
  return { root, byClass };
}

/** Relative luminance of `#rrggbb` (sRGB weights, gamma ignored: enough to order colours). */
const luminance = (hex: string) => {
  const [r, g, b] = rgbOf(hex);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};

describe('heatmap', () => {
  const gates = (offset: number) =>
    Array.from({ length: 8 }, (_, u) => Array.from({ length: 30 }, (_, t) => Math.sin(u + t / 5 + offset) / 2 + 0.5));

  it('draws one cell per value in every panel, each carrying its value, with a title, axes and a colour bar', () => {
    const panels = [
      { title: 'forget', values: gates(0) },
      { title: 'input', values: gates(1) },
      { title: 'output', values: gates(2) },
    ];
    const { byClass, root } = parse(heatmap(panels, { title: 'Gates of layer 1 <&>', colorBarLabel: 'activation' }));
    const cells = byClass('cell');
    expect(cells).toHaveLength(3 * 8 * 30);
    expect(Number(cells[31]!.getAttribute('data-value'))).toBeCloseTo(panels[0]!.values[1]![1]!, 5);
    expect(byClass('panel')).toHaveLength(3);
    expect(byClass('panel-title').map((t) => t.textContent)).toEqual(['forget', 'input', 'output']);
    expect(byClass('color-bar')).toHaveLength(1);
    expect(byClass('axis')).toHaveLength(6);
    expect(byClass('label').map((t) => t.textContent)).toContain('time step');
    expect(root.getElementsByTagName('title')[0]!.textContent).toBe('Gates of layer 1 <&>');
  });

  it('maps larger values to lighter viridis colours, monotonically, and clamps to the domain', () => {
    const values = [Array.from({ length: 50 }, (_, i) => i / 49)];
    const cells = parse(heatmap({ values }, { title: 'ramp', domain: [0, 1] })).byClass('cell');
    const light = cells.map((c) => luminance(c.getAttribute('fill')!));
    for (let i = 1; i < light.length; i++) expect(light[i]!).toBeGreaterThanOrEqual(light[i - 1]!);
    expect(light.at(-1)!).toBeGreaterThan(light[0]! + 100);
    const clamped = parse(heatmap({ values: [[-5, 0, 1, 7]] }, { title: 'clamp', domain: [0, 1] })).byClass('cell');
    expect(clamped[0]!.getAttribute('fill')).toBe(clamped[1]!.getAttribute('fill'));
    expect(clamped[3]!.getAttribute('fill')).toBe(clamped[2]!.getAttribute('fill'));
  });

  it('centres a diverging map: negative blue, zero white-ish, positive red', () => {
    const color = colorScale('RdBu', [-1, 1]);
    const [r1, , b1] = rgbOf(color(-1));
    const [r2, , b2] = rgbOf(color(1));
    expect(b1).toBeGreaterThan(r1);
    expect(r2).toBeGreaterThan(b2);
    expect(luminance(color(0))).toBeGreaterThan(220);
  });

  it('with skipZeros draws only the non-zero cells, on a background of the colour of 0', () => {
    const values = [
      [0, 0.5, 0],
      [1, 0, 0],
    ];
    const svg = heatmap({ values }, { title: 'sparse', domain: [0, 1], skipZeros: true });
    expect(
      parse(svg)
        .byClass('cell')
        .map((c) => Number(c.getAttribute('data-value'))),
    ).toEqual([0.5, 1]);
  });

  it('refuses an unknown colour map and an empty set of panels', () => {
    expect(() => heatmap({ values: [[1]] }, { title: 't', colorMap: 'rainbow' as never })).toThrow(/unknown colour map 'rainbow'/);
    expect(() => heatmap([], { title: 't' })).toThrow(/no panels/);
  });
});

describe('lineChart', () => {
  const curve = (f: (e: number) => number) => Array.from({ length: 20 }, (_, i) => [i + 1, f(i + 1)] as const);

  it('draws every series with all its points, a legend entry each, and the markers', () => {
    const svg = lineChart(
      [
        { name: 'LSTM', points: curve((e) => 1 - 0.5 / e) },
        { name: 'RNN', points: curve(() => 0.5), dashed: true },
      ],
      { title: 'Test accuracy', xLabel: 'epoch', yLabel: 'accuracy', markers: [{ x: 12, label: 'best epoch 12' }] },
    );
    const { byClass } = parse(svg);
    const series = byClass('series');
    expect(series.map((s) => s.getAttribute('data-name'))).toEqual(['LSTM', 'RNN']);
    expect(series.map((s) => Number(s.getAttribute('data-points')))).toEqual([20, 20]);
    expect(series[0]!.getAttribute('d')!.match(/[ML]/g)).toHaveLength(20);
    expect(byClass('legend-entry')).toHaveLength(2);
    expect(byClass('marker')).toHaveLength(1);
  });

  it('on a log axis leaves out values that are not positive', () => {
    const svg = lineChart(
      [
        {
          name: 'loss',
          points: [
            [1, 1],
            [2, 0.1],
            [3, 0],
            [4, -1],
            [5, 0.001],
          ],
        },
      ],
      {
        title: 'Loss',
        xLabel: 'epoch',
        yLabel: 'loss',
        yScale: 'log',
      },
    );
    expect(Number(parse(svg).byClass('series')[0]!.getAttribute('data-points'))).toBe(3);
  });
});

describe('histogram and bar chart', () => {
  it('counts every finite value exactly once across the bins', () => {
    const values = Array.from({ length: 1000 }, (_, i) => Math.sin(i) * Math.cos(i / 7));
    const bars = parse(histogram([...values, Number.NaN], { title: 'dL/dh', xLabel: 'value' })).byClass('bar');
    expect(bars.length).toBeGreaterThan(5);
    expect(bars.reduce((sum, b) => sum + Number(b.getAttribute('data-count')), 0)).toBe(1000);
  });

  it('draws one bar per entry, heights proportional to the values', () => {
    const bars = parse(
      barChart(
        [
          { label: '0.1', value: 1 },
          { label: '1', value: 2 },
          { label: '10', value: 4 },
        ],
        { title: 'Norm after clipping', xLabel: 'threshold', yLabel: 'norm' },
      ),
    ).byClass('bar');
    const heights = bars.map((b) => Number(b.getAttribute('height')));
    expect(heights[1]! / heights[0]!).toBeCloseTo(2, 1);
    expect(heights[2]! / heights[0]!).toBeCloseTo(4, 1);
  });
});

describe('terminal previews', () => {
  const wide = Array.from({ length: 9 }, (_, u) => Array.from({ length: 200 }, (_, t) => Math.sin(u + t / 10)));

  it('never exceed the width they are given, with colour or without', () => {
    for (const width of [1, 7, 40, 80, 300]) {
      for (const color of [true, false]) {
        for (const line of terminalHeatmap(wide, { width, color })) expect(visibleWidth(line)).toBeLessThanOrEqual(width);
      }
      expect(visibleWidth(sparkline(wide[0]!, { width }))).toBeLessThanOrEqual(width);
    }
  });

  it('print two rows per line in colour, one per line in ASCII, and no escapes without colour', () => {
    expect(terminalHeatmap(wide, { width: 40 })).toHaveLength(5);
    const plain = terminalHeatmap(wide, { width: 40, color: false });
    expect(plain).toHaveLength(9);
    expect(plain.join('')).not.toContain('\x1b');
    expect(terminalHeatmap(wide, { width: 40 }).join('')).toMatch(new RegExp(`${'\x1b'}\\[38;2;\\d+;\\d+;\\d+m`));
  });

  it('draw higher values with taller blocks', () => {
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7])).toBe('▁▂▃▄▅▆▇█');
    expect(sparkline([0, 1, 2], { color: false })).toMatch(/^.{3}$/);
  });

  it('use colour only on a terminal without NO_COLOR', () => {
    expect(useColor({ isTTY: true }, {})).toBe(true);
    expect(useColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(useColor({ isTTY: false }, {})).toBe(false);
  });
});

describe('textSaliency', () => {
  it('draws one coloured box per character and the predicted one, colder values more transparent', () => {
    const characters = [...'the cat'];
    const values = [0, 0.1, 0.2, 0.3, 0.5, 0.8, 1];
    const { byClass } = parse(textSaliency([{ label: 'LSTM', characters, values, predicted: 's' }], { title: 'connectivity <&>' }));
    expect(byClass('char')).toHaveLength(7);
    expect(byClass('predicted')).toHaveLength(1);
    const opacities = [0, 0.2, 0.4].map((t) => saliencyColor(t).opacity);
    expect(opacities[0]).toBe(0);
    expect(opacities[1]!).toBeLessThan(opacities[2]!);
    const [r1, , b1] = rgbOf(saliencyColor(0.55).fill);
    const [r2, , b2] = rgbOf(saliencyColor(1).fill);
    expect(r2).toBeGreaterThan(r1);
    expect(b2).toBeLessThan(b1);
  });
});
