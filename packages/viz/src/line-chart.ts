import { extent } from 'd3-array';
import { scaleLinear, scaleLog } from 'd3-scale';
import { line } from 'd3-shape';
import { CATEGORICAL } from './color.js';
import { bottomAxis, document, el, frame, leftAxis, legend, text } from './svg.js';

/** One line: points [x, y] in order, e.g. [epoch, test accuracy]. */
export interface Series {
  name: string;
  points: readonly (readonly [number, number])[];
  color?: string;
  dashed?: boolean;
}

/** A point to mark on the chart, e.g. the best epoch. */
export interface Marker {
  x: number;
  label: string;
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  /** 'log' for losses and gradient norms over orders of magnitude (values ≤ 0 are left out). */
  yScale?: 'linear' | 'log';
  /** Vertical lines with a label at chosen x values. */
  markers?: readonly Marker[];
  width?: number;
  height?: number;
  /** y range (default: the data's). */
  yDomain?: [number, number];
}

/**
 * Several series on shared axes, with a legend; each series is one `<path class="series">` whose
 * `data-points` attribute counts the points drawn.
 * @example
 * ```ts
 * import { lineChart } from '@lstm/viz';
 *
 * const svg = lineChart(
 *   [
 *     { name: 'train', points: [[1, 0.6], [2, 0.8], [3, 0.9]], dashed: true },
 *     { name: 'test', points: [[1, 0.64], [2, 0.78], [3, 0.88]] },
 *   ],
 *   { title: 'accuracy by epoch', xLabel: 'epoch', yLabel: 'accuracy' },
 * );
 * svg.startsWith('<svg'); // true — write it to a file, or svgToPng(svg) from '@lstm/viz/node'
 * ```
 */
export function lineChart(series: readonly Series[], options: LineChartOptions): string {
  if (series.length === 0) throw new RangeError('lineChart: no series to draw');
  const width = options.width ?? 720;
  const height = options.height ?? 360;
  const log = options.yScale === 'log';
  const kept = series.map((s) => ({
    ...s,
    points: s.points.filter(([px, py]) => Number.isFinite(px) && Number.isFinite(py) && (!log || py > 0)),
  }));
  const xs = kept.flatMap((s) => s.points.map(([px]) => px));
  const ys = kept.flatMap((s) => s.points.map(([, py]) => py));
  // Room for the legend: about 6.5 px per character of the longest name, within reason.
  const legendWidth = Math.min(320, 40 + 6.5 * Math.max(...series.map((s) => s.name.length)));
  const f = frame(width, height, { left: 68, right: legendWidth, top: 34, bottom: 48 });
  const [x0 = 0, x1 = 1] = extent(xs) as [number, number];
  const [y0 = 0, y1 = 1] = options.yDomain ?? (extent(ys) as [number, number]);
  const x = scaleLinear()
    .domain(x0 === x1 ? [x0 - 1, x1 + 1] : [x0, x1])
    .range([f.left, f.left + f.width]);
  const yDomain = y0 === y1 ? (log ? [y0 / 10, y1 * 10] : [y0 - 1, y1 + 1]) : [y0, y1];
  const y = (log ? scaleLog() : scaleLinear())
    .domain(yDomain)
    .range([f.top + f.height, f.top])
    .nice();
  const path = line<readonly [number, number]>()
    .x(([px]) => x(px))
    .y(([, py]) => y(py));
  const colorOf = (i: number) => kept[i]!.color ?? CATEGORICAL[i % CATEGORICAL.length]!;
  const body = [
    ...(options.markers ?? []).map((m, i) =>
      el(
        'g',
        { class: 'marker' },
        el('line', { x1: x(m.x), x2: x(m.x), y1: f.top, y2: f.top + f.height, stroke: '#888', 'stroke-dasharray': '2 3' }),
        text(m.label, {
          // labels near the right edge sit left of their line
          x: x(m.x) > f.left + 0.75 * f.width ? x(m.x) - 4 : x(m.x) + 4,
          'text-anchor': x(m.x) > f.left + 0.75 * f.width ? 'end' : 'start',
          y: f.top + 12 + i * 13, // stacked, so markers at nearby epochs stay legible
          fill: '#555',
          stroke: '#fff',
          'stroke-width': 3,
          'paint-order': 'stroke',
        }),
      ),
    ),
    ...kept.map((s, i) =>
      el('path', {
        class: 'series',
        d: path(s.points) ?? '',
        fill: 'none',
        stroke: colorOf(i),
        'stroke-width': 1.8,
        'stroke-dasharray': s.dashed ? '5 3' : undefined,
        'data-name': s.name,
        'data-points': s.points.length,
      }),
    ),
    bottomAxis(f, x, options.xLabel),
    leftAxis(f, y, options.yLabel, 5, log ? '.0e' : undefined),
    legend(
      f.left + f.width + 16,
      f.top + 8,
      kept.map((s, i) => ({ name: s.name, color: colorOf(i), dashed: s.dashed })),
    ),
  ];
  return document(width, height, options.title, body);
}
