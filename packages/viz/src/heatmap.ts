import { extent } from 'd3-array';
import { scaleLinear } from 'd3-scale';
import { type ColorMapName, colorScale } from './color.js';
import { type AxisScale, type Frame, bottomAxis, document, el, leftAxis, px, text } from './svg.js';

/** One panel of a heatmap: `values[row][column]`, e.g. units × time steps of one gate. */
export interface HeatmapPanel {
  title?: string;
  values: readonly (readonly number[])[];
  /**
   * This panel's own colours (e.g. `gateScale('g')`): panels in a row with the same scale share one
   * colour bar beside them. Panels without one use the chart's `domain` and `colorMap`.
   */
  scale?: { domain: [number, number]; colorMap: ColorMapName; label: string };
}

export interface HeatmapOptions {
  title: string;
  /** Axis labels (default 'time step' and 'unit'). */
  xLabel?: string;
  yLabel?: string;
  /** Default 'viridis'; diverging maps (RdBu, …) centre on the middle of the domain. */
  colorMap?: ColorMapName;
  /** Value range of the colours, shared by every panel (default: the data's extent). */
  domain?: [number, number];
  colorBarLabel?: string;
  /** Total width in pixels (default 760) and each panel's height (default 170). */
  width?: number;
  panelHeight?: number;
  /** A label under each column instead of numbers, e.g. the characters of a text (one each). */
  xLabels?: readonly string[];
  /** Number of the first column and row on the axes (default 1: time step 1, unit 1). */
  xStart?: number;
  yStart?: number;
  /** Rows as a continuous quantity instead: the centres of the first and last row (e.g. bins). */
  yRange?: [number, number];
  /**
   * Sparse data (histograms): paint the panel in the colour of 0 and draw only non-zero cells,
   * which keeps the file small. `data-value` is then absent for the zeros.
   */
  skipZeros?: boolean;
}

/**
 * A heatmap as an SVG string — or small multiples of them, one panel per entry, stacked, with
 * one shared colour bar. Each cell is a `<rect class="cell">` carrying its value in `data-value`.
 * @example heatmap([{ title: 'forget gate', values: unitsBySteps }], { title: 'Layer 1' })
 */
export function heatmap(input: HeatmapPanel | readonly HeatmapPanel[], options: HeatmapOptions): string {
  const panels = Array.isArray(input) ? (input as readonly HeatmapPanel[]) : [input as HeatmapPanel];
  if (panels.length === 0) throw new RangeError('heatmap: no panels to draw');
  const all = panels.flatMap((p) => (p.scale ? [] : p.values.flat()));
  const [low = 0, high = 1] = options.domain ?? (extent(all.filter(Number.isFinite)) as [number, number]);
  const shared = {
    domain: (low === high ? [low - 0.5, high + 0.5] : [low, high]) as [number, number],
    colorMap: options.colorMap ?? 'viridis',
    label: options.colorBarLabel ?? '',
  };
  const scales = panels.map((p) => p.scale ?? shared);
  const width = options.width ?? 760;
  const panelHeight = options.panelHeight ?? 170;
  const gap = options.xLabels ? 62 : 54;
  const top = 34;
  const height = top + panels.length * (panelHeight + gap) + 10;
  const body = panels.map((panel, i) =>
    drawPanel(
      panel,
      {
        left: 62,
        top: top + i * (panelHeight + gap) + (panel.title ? 16 : 0),
        width: width - 62 - 120,
        height: panelHeight - (panel.title ? 16 : 0),
      },
      colorScale(scales[i]!.colorMap, scales[i]!.domain),
      options,
    ),
  );
  // One colour bar per run of panels that share a scale, beside them (one for the whole chart
  // when every panel shares the chart's).
  const same = (a: (typeof scales)[number], b: (typeof scales)[number]) =>
    a.colorMap === b.colorMap && a.domain[0] === b.domain[0] && a.domain[1] === b.domain[1] && a.label === b.label;
  for (let first = 0; first < panels.length; ) {
    let last = first;
    while (last + 1 < panels.length && same(scales[last + 1]!, scales[first]!)) last++;
    const scale = scales[first]!;
    const groupTop = top + first * (panelHeight + gap) + 24;
    const groupHeight = (last - first + 1) * (panelHeight + gap) - gap - 24;
    body.push(
      colorBar(
        { left: width - 90, top: groupTop, width: 14, height: Math.min(groupHeight, 260) },
        scale.domain,
        { colorBarLabel: scale.label },
        colorScale(scale.colorMap, scale.domain),
      ),
    );
    first = last + 1;
  }
  return document(width, height, options.title, body);
}

function drawPanel(panel: HeatmapPanel, f: Frame, color: (v: number) => string, options: HeatmapOptions): string {
  const rows = panel.values.length;
  const columns = Math.max(0, ...panel.values.map((row) => row.length));
  const xStart = options.xStart ?? 1;
  const yStart = options.yStart ?? 1;
  const x = scaleLinear()
    .domain([xStart - 0.5, xStart + columns - 0.5])
    .range([f.left, f.left + f.width]);
  // Rows are numbered (units), or centred on a continuous range (bins) when `yRange` is given.
  const half = options.yRange && rows > 1 ? (options.yRange[1] - options.yRange[0]) / (rows - 1) / 2 : 0.5;
  const y = scaleLinear()
    .domain(options.yRange ? [options.yRange[0] - half, options.yRange[1] + half] : [yStart - 0.5, yStart + rows - 0.5])
    .range([f.top, f.top + f.height]);
  const cellWidth = f.width / Math.max(columns, 1);
  const cellHeight = f.height / Math.max(rows, 1);
  const background = options.skipZeros ? el('rect', { x: f.left, y: f.top, width: f.width, height: f.height, fill: color(0) }) : '';
  const cells = panel.values.flatMap((row, r) =>
    row.map((value, c) =>
      options.skipZeros && value === 0
        ? ''
        : el('rect', {
            class: 'cell',
            x: f.left + c * cellWidth,
            y: f.top + r * cellHeight,
            width: cellWidth + 0.3, // overlap a hair so no seams show between cells
            height: cellHeight + 0.3,
            fill: color(value),
            'data-value': Number.isFinite(value) ? String(Number(value.toPrecision(6))) : 'NaN', // 6 digits: the file stays small
          }),
    ),
  );
  const integerTicks = (scale: typeof x, count: number): AxisScale =>
    Object.assign((v: number) => scale(v), {
      ticks: (n?: number) => scale.ticks(Math.min(n ?? count, count)).filter(Number.isInteger),
      tickFormat: () => (v: number) => String(v),
    });
  return el(
    'g',
    { class: 'panel', 'shape-rendering': 'crispEdges' },
    panel.title ? text(panel.title, { x: f.left, y: f.top - 5, 'font-weight': 'bold', class: 'panel-title' }) : '',
    background,
    ...cells,
    options.xLabels
      ? columnLabels(f, x, options.xLabels, xStart, options.xLabel ?? 'time step')
      : bottomAxis(f, integerTicks(x, Math.min(columns, 12)), options.xLabel ?? 'time step'),
    leftAxis(f, options.yRange ? y : integerTicks(y, Math.min(rows, 6)), options.yLabel ?? 'unit'),
  );
}

/** Column labels (one character or word each, shown where there is room) and the axis label. */
function columnLabels(f: Frame, x: (v: number) => number, labels: readonly string[], start: number, label: string): string {
  const y = f.top + f.height;
  const room = f.width / Math.max(1, labels.length);
  const every = Math.max(1, Math.ceil(9 / room)); // about 9 px a character
  const shown = (l: string) => (l === ' ' ? '␣' : l === '\n' ? '↵' : l);
  return el(
    'g',
    { class: 'axis x' },
    el('line', { x1: f.left, x2: f.left + f.width, y1: y, y2: y, stroke: '#333' }),
    ...labels.flatMap((l, k) =>
      k % every === 0
        ? [
            text(shown(l), {
              x: x(start + k),
              y: y + 14,
              'text-anchor': 'middle',
              class: 'tick',
              'font-family': 'DejaVu Sans Mono, monospace',
            }),
          ]
        : [],
    ),
    text(label, { x: f.left + f.width / 2, y: y + 32, 'text-anchor': 'middle', class: 'label' }),
  );
}

/** A vertical colour bar with ticks: the legend of every heatmap. */
export function colorBar(f: Frame, domain: [number, number], options: { colorBarLabel?: string }, color: (v: number) => string): string {
  const steps = 64;
  const scale = scaleLinear()
    .domain(domain)
    .range([f.top + f.height, f.top]);
  const stripes = Array.from({ length: steps }, (_, i) => {
    const v = domain[0] + ((i + 0.5) / steps) * (domain[1] - domain[0]);
    return el('rect', {
      x: f.left,
      y: f.top + f.height - ((i + 1) / steps) * f.height,
      width: f.width,
      height: f.height / steps + 0.3,
      fill: color(v),
    });
  });
  // A tick every 24 px or more, so a short bar's labels do not run into each other.
  const count = Math.max(1, Math.min(5, Math.floor(f.height / 24)));
  const format = scale.tickFormat(count);
  return el(
    'g',
    { class: 'color-bar' },
    ...stripes,
    el('rect', { x: f.left, y: f.top, width: f.width, height: f.height, fill: 'none', stroke: '#333' }),
    ...scale.ticks(count).map((t) => text(format(t), { x: f.left + f.width + 5, y: scale(t) + 4 })),
    // The label runs up beside the bar, so a long one never leaves the canvas.
    options.colorBarLabel
      ? text(options.colorBarLabel, {
          x: f.left + f.width + 50,
          y: f.top + f.height / 2,
          'text-anchor': 'middle',
          transform: `rotate(-90 ${px(f.left + f.width + 50)} ${px(f.top + f.height / 2)})`,
          class: 'label',
        })
      : '',
  );
}
