import { scaleBand, scaleLinear } from 'd3-scale';
import { logAxis, runColor } from './style.js';
import { document, el, frame, leftAxis, text } from './svg.js';

/** One group of a strip chart: its label, every value (one trial each), and its mean's interval. */
export interface Strip {
  label: string;
  values: readonly number[];
  /** The mean and its 95% interval, drawn as a bar with whiskers (omit the interval for n = 1). */
  mean: number;
  low?: number;
  high?: number;
  /** Drawn in the reference colour: the group the others are compared with. */
  baseline?: boolean;
}

export interface StripChartOptions {
  title: string;
  yLabel: string;
  xLabel?: string;
  width?: number;
  height?: number;
  /** 'log' for a metric over orders of magnitude (a loss): decades, and a bound ≤ 0 drawn at the axis' floor. */
  yScale?: 'linear' | 'log';
}

/**
 * Every value of every group as a dot (spread sideways by its rank, so equal values stay
 * visible and the picture is the same each time), the group's mean as a bar and its 95% interval
 * as whiskers: a sweep's final metric per configuration, each trial seen.
 */
export function stripChart(strips: readonly Strip[], options: StripChartOptions): string {
  if (strips.length === 0) throw new RangeError('stripChart: no groups to draw');
  const width = options.width ?? Math.max(480, 110 * strips.length + 90);
  const height = options.height ?? 360;
  // A label's words on lines of their own (a sweep's configuration: `variant=nfg lr=0.003`).
  const lines = strips.map((s) => s.label.split(' '));
  const rows = Math.max(...lines.map((l) => l.length));
  const f = frame(width, height, { left: 66, right: 20, top: 34, bottom: 50 + 13 * rows });
  const x = scaleBand()
    .domain(strips.map((s) => s.label))
    .range([f.left, f.left + f.width])
    .padding(0.3);
  const all = strips.flatMap((s) => [...s.values, s.mean, s.low ?? s.mean, s.high ?? s.mean]).filter(Number.isFinite);
  const [lo, hi] = all.length ? [Math.min(...all), Math.max(...all)] : [0, 1];
  const pad = (hi - lo) * 0.08 || Math.abs(hi) * 0.05 || 0.5;
  const range = [f.top + f.height, f.top] as const;
  const positive = all.filter((v) => v > 0);
  const log = options.yScale === 'log' ? logAxis([Math.min(...positive), Math.max(...positive)], range) : null;
  const floor = log ? log.ticks()[0]! : 0;
  const y = log
    ? Object.assign((v: number) => log(Math.max(v, floor)), log)
    : scaleLinear()
        .domain([lo - pad, hi + pad])
        .range(range)
        .nice();
  const body = strips.flatMap((s, k) => {
    const left = x(s.label)!;
    const centre = left + x.bandwidth() / 2;
    const color = s.baseline ? '#555' : runColor(k);
    const n = s.values.length;
    const dots = s.values.map((v, j) =>
      el('circle', {
        class: 'trial',
        cx: centre + (n > 1 ? (j / (n - 1) - 0.5) * x.bandwidth() * 0.6 : 0),
        cy: y(v),
        r: 3.5,
        fill: color,
        'fill-opacity': 0.55,
        'data-value': v,
      }),
    );
    const interval =
      s.low !== undefined && s.high !== undefined && Number.isFinite(s.low) && Number.isFinite(s.high)
        ? [
            el('line', { class: 'interval', x1: centre, x2: centre, y1: y(s.low), y2: y(s.high), stroke: '#222', 'stroke-width': 1.5 }),
            ...[s.low, s.high].map((v) =>
              el('line', { x1: centre - 6, x2: centre + 6, y1: y(v), y2: y(v), stroke: '#222', 'stroke-width': 1.5 }),
            ),
          ]
        : [];
    return [
      ...dots,
      ...interval,
      el('line', {
        class: 'mean',
        x1: left + 4,
        x2: left + x.bandwidth() - 4,
        y1: y(s.mean),
        y2: y(s.mean),
        stroke: '#222',
        'stroke-width': 2.5,
        'data-value': s.mean,
      }),
      ...lines[k]!.map((line, r) =>
        text(line, {
          x: centre,
          y: f.top + f.height + 15 + 13 * r,
          'text-anchor': 'middle',
          'font-weight': s.baseline ? 'bold' : 'normal',
        }),
      ),
      text(`n = ${n}`, {
        x: centre,
        y: f.top + f.height + 15 + 13 * lines[k]!.length,
        'text-anchor': 'middle',
        fill: '#666',
      }),
    ];
  });
  // The x axis: the groups' labels stand for its ticks; its title goes under the deepest of them.
  const base = f.top + f.height;
  const xAxis = el(
    'g',
    { class: 'axis x' },
    el('line', { x1: f.left, x2: f.left + f.width, y1: base, y2: base, stroke: '#333' }),
    text(options.xLabel ?? 'configuration', { x: f.left + f.width / 2, y: base + 32 + 13 * rows, 'text-anchor': 'middle', class: 'label' }),
  );
  return document(width, height, options.title, [...body, xAxis, leftAxis(f, y, options.yLabel)]);
}
