import { scaleBand, scaleLinear } from 'd3-scale';
import { CATEGORICAL } from './color.js';
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
  const top = Math.max(0, ...bars.map((b) => (Number.isFinite(b.value) ? b.value : 0)));
  const y = scaleLinear()
    .domain([0, top || 1])
    .range([f.top + f.height, f.top])
    .nice();
  const categories = Object.assign((v: number) => v, { ticks: () => [], tickFormat: () => () => '' });
  const body = bars.flatMap((b, i) => [
    el('rect', {
      class: 'bar',
      x: x(b.label)!,
      y: y(Math.max(0, b.value)),
      width: x.bandwidth(),
      height: f.top + f.height - y(Math.max(0, b.value)),
      fill: b.color ?? CATEGORICAL[i % CATEGORICAL.length],
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
  return document(width, height, options.title, [...body, bottomAxis(f, categories, options.xLabel), leftAxis(f, y, options.yLabel)]);
}
