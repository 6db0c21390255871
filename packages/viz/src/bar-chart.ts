import { scaleBand, scaleLinear } from 'd3-scale';
import type { Reference } from './line-chart.js';
import { REFERENCE, runColor } from './style.js';
import { bottomAxis, document, el, frame, leftAxis, text } from './svg.js';

export interface Bar {
  label: string;
  value: number;
  color?: string;
}

export interface BarChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  width?: number;
  height?: number;
  /** Horizontal reference lines, dashed and labelled (e.g. the norm before clipping). */
  references?: readonly Reference[];
}

/** Vertical bars with their values on top, e.g. gradient norms for each clipping threshold. */
export function barChart(bars: readonly Bar[], options: BarChartOptions): string {
  if (bars.length === 0) throw new RangeError('barChart: no bars to draw');
  const width = options.width ?? 640;
  const height = options.height ?? 320;
  const f = frame(width, height, { left: 62, right: 24, top: 34, bottom: 52 });
  const x = scaleBand()
    .domain(bars.map((b) => b.label))
    .range([f.left, f.left + f.width])
    .padding(0.25);
  const references = options.references ?? [];
  const top = Math.max(0, ...bars.map((b) => (Number.isFinite(b.value) ? b.value : 0)), ...references.map((r) => r.y));
  const y = scaleLinear()
    .domain([0, top || 1])
    .range([f.top + f.height, f.top])
    .nice();
  const categories = Object.assign((v: number) => v, { ticks: () => [], tickFormat: () => () => '' });
  const body = bars.flatMap((b) => [
    el('rect', {
      class: 'bar',
      x: x(b.label)!,
      y: y(Math.max(0, b.value)),
      width: x.bandwidth(),
      height: f.top + f.height - y(Math.max(0, b.value)),
      fill: b.color ?? runColor(0), // one colour: the bars are one quantity
      'data-value': b.value,
    }),
    text(b.label, { x: x(b.label)! + x.bandwidth() / 2, y: f.top + f.height + 15, 'text-anchor': 'middle' }),
    text(b.value.toPrecision(3), {
      x: x(b.label)! + x.bandwidth() / 2,
      y: y(Math.max(0, b.value)) - 4,
      'text-anchor': 'middle',
      fill: '#333',
    }),
  ]);
  const lines = references.map((r) =>
    el(
      'g',
      { class: 'reference' },
      el('line', { x1: f.left, x2: f.left + f.width, y1: y(r.y), y2: y(r.y), stroke: REFERENCE.color, 'stroke-dasharray': '5 4' }),
      text(r.label, {
        x: f.left + 6,
        y: y(r.y) - 5,
        'text-anchor': 'start',
        fill: REFERENCE.color,
        stroke: '#fff',
        'stroke-width': 3,
        'paint-order': 'stroke',
      }),
    ),
  );
  return document(width, height, options.title, [
    ...body,
    ...lines,
    bottomAxis(f, categories, options.xLabel),
    leftAxis(f, y, options.yLabel),
  ]);
}
