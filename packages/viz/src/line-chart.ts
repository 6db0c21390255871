import { extent } from 'd3-array';
import { scaleLinear } from 'd3-scale';
import { line } from 'd3-shape';
import { bottomAxis, document, el, frame, leftAxis, legend, text, type AxisScale } from './svg.js';
import { REFERENCE, logAxis, runColor } from './style.js';

/** One line: points [x, y] in order, e.g. [epoch, test accuracy]. */
export interface Series {
  name: string;
  points: readonly (readonly [number, number])[];
  color?: string;
  /** Dashed ('6 4'), or any SVG dash pattern (`SPLITS` in ./style names one per data split). */
  dashed?: boolean | string;
}

/** A vertical line to mark, e.g. the epoch the trainer kept (in its run's colour). */
export interface Marker {
  x: number;
  label: string;
  color?: string;
}

/** A horizontal reference line, labelled: chance, last step alone, predict-the-mean. */
export interface Reference {
  y: number;
  label: string;
}

/** A legend entry; a chart of several runs and splits lists runs by colour and splits by dash. */
export interface LegendEntry {
  name: string;
  color: string;
  dashed?: boolean | string;
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  /** 'log' for losses and gradient norms over orders of magnitude (values ≤ 0 are left out). */
  yScale?: 'linear' | 'log';
  /** Vertical lines with a label at chosen x values. */
  markers?: readonly Marker[];
  /** Horizontal reference lines (grey, dotted, labelled at their right end). */
  references?: readonly Reference[];
  /** The legend's entries (default: one per series). */
  legend?: readonly LegendEntry[];
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
  const kept = series.map((s, i) => ({
    ...s,
    color: s.color ?? runColor(i),
    points: s.points.filter(([px, py]) => Number.isFinite(px) && Number.isFinite(py) && (!log || py > 0)),
  }));
  const references = (options.references ?? []).filter((r) => Number.isFinite(r.y) && (!log || r.y > 0));
  const entries = options.legend ?? kept.map((s) => ({ name: s.name, color: s.color, dashed: s.dashed }));
  const xs = kept.flatMap((s) => s.points.map(([px]) => px));
  const ys = [...kept.flatMap((s) => s.points.map(([, py]) => py)), ...references.map((r) => r.y)];
  // Room for the legend: about 6.8 px per character of the longest name, within reason.
  const legendWidth = entries.length === 0 ? 24 : Math.min(340, 48 + 6.8 * Math.max(...entries.map((e) => e.name.length)));
  const f = frame(width, height, { left: 68, right: legendWidth, top: 34, bottom: 48 });
  const [x0 = 0, x1 = 1] = extent(xs) as [number, number];
  const [y0 = 0, y1 = 1] = options.yDomain ?? (extent(ys) as [number, number]);
  const x = scaleLinear()
    .domain(x0 === x1 ? [x0 - 1, x1 + 1] : [x0, x1])
    .range([f.left, f.left + f.width]);
  const yRange = [f.top + f.height, f.top] as const;
  const y: AxisScale = log
    ? logAxis([y0, y1], yRange)
    : scaleLinear()
        .domain(y0 === y1 ? [y0 - 1, y1 + 1] : [y0, y1])
        .range(yRange)
        .nice();
  const path = line<readonly [number, number]>()
    .x(([px]) => x(px))
    .y(([, py]) => y(py));
  // An id unique to this chart's content, so charts placed in one page do not share clip paths.
  const clipId = `plot-${hash(`${options.title}|${width}|${height}|${kept.map((s) => s.name).join('|')}`)}`;
  const halo = { stroke: '#fff', 'stroke-width': 3, 'paint-order': 'stroke' };
  const body = [
    ...references.map((r) =>
      el(
        'g',
        { class: 'reference' },
        el('line', {
          x1: f.left,
          x2: f.left + f.width,
          y1: y(r.y),
          y2: y(r.y),
          stroke: REFERENCE.color,
          'stroke-dasharray': REFERENCE.dash,
        }),
        text(r.label, { x: f.left + f.width - 4, y: y(r.y) - 4, 'text-anchor': 'end', fill: REFERENCE.color, ...halo }),
      ),
    ),
    ...(options.markers ?? []).map((m, i) =>
      el(
        'g',
        { class: 'marker' },
        el('line', {
          x1: x(m.x),
          x2: x(m.x),
          y1: f.top,
          y2: f.top + f.height,
          stroke: m.color ?? REFERENCE.color,
          'stroke-dasharray': '2 3',
        }),
        text(m.label, {
          // labels near the right edge sit left of their line
          x: x(m.x) > f.left + 0.75 * f.width ? x(m.x) - 4 : x(m.x) + 4,
          'text-anchor': x(m.x) > f.left + 0.75 * f.width ? 'end' : 'start',
          y: f.top + f.height - 6 - i * 13, // along the bottom, stacked, so nearby epochs stay legible
          fill: m.color ?? '#555',
          ...halo,
        }),
      ),
    ),
    // Lines stay inside the plot: a fixed range (yDomain) may cut them.
    el('clipPath', { id: clipId }, el('rect', { x: f.left, y: f.top - 2, width: f.width, height: f.height + 4 })),
    ...kept.map((s) =>
      el('path', {
        'clip-path': `url(#${clipId})`,
        class: 'series',
        d: path(s.points) ?? '',
        fill: 'none',
        stroke: s.color,
        'stroke-width': 1.8,
        'stroke-dasharray': dashOf(s.dashed),
        'data-name': s.name,
        'data-points': s.points.length,
      }),
    ),
    bottomAxis(f, x, options.xLabel),
    leftAxis(f, y, options.yLabel, 5),
    legend(f.left + f.width + 16, f.top + 8, entries),
  ];
  return document(width, height, options.title, body);
}

/** The SVG dash of a series or legend entry: true is the train dash. */
export function dashOf(dashed: boolean | string | undefined): string | undefined {
  return dashed === true ? '6 4' : dashed || undefined;
}

/** FNV-1a of a string, in base 36: a short stable id. */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(36);
}
