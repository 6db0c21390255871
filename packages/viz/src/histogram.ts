import { bin, extent, max } from 'd3-array';
import { scaleLinear } from 'd3-scale';
import { CATEGORICAL } from './color.js';
import { bottomAxis, document, el, frame, leftAxis } from './svg.js';

export interface HistogramOptions {
  title: string;
  xLabel: string;
  yLabel?: string;
  /** Approximate number of bins (d3's nice thresholds; default 30). */
  bins?: number;
  domain?: [number, number];
  color?: string;
  width?: number;
  height?: number;
}

/** A histogram of `values`: one `<rect class="bar">` per bin, its count in `data-count`. */
export function histogram(values: readonly number[], options: HistogramOptions): string {
  const finite = values.filter(Number.isFinite);
  const width = options.width ?? 640;
  const height = options.height ?? 320;
  const f = frame(width, height, { left: 62, right: 24, top: 34, bottom: 48 });
  const [lo = 0, hi = 1] = options.domain ?? (extent(finite) as [number, number]);
  const x = scaleLinear()
    .domain(lo === hi ? [lo - 0.5, hi + 0.5] : [lo, hi])
    .range([f.left, f.left + f.width])
    .nice();
  const bins = bin()
    .domain(x.domain() as [number, number])
    .thresholds(x.ticks(options.bins ?? 30))(finite);
  const y = scaleLinear()
    .domain([0, max(bins, (b) => b.length) || 1])
    .range([f.top + f.height, f.top])
    .nice();
  const bars = bins.map((b) =>
    el('rect', {
      class: 'bar',
      x: x(b.x0!) + 0.5,
      y: y(b.length),
      width: Math.max(0, x(b.x1!) - x(b.x0!) - 1),
      height: f.top + f.height - y(b.length),
      fill: options.color ?? CATEGORICAL[0],
      'data-count': b.length,
    }),
  );
  return document(width, height, options.title, [...bars, bottomAxis(f, x, options.xLabel), leftAxis(f, y, options.yLabel ?? 'count')]);
}
