/**
 * The few SVG pieces every chart shares: escaping, elements, a plot frame with margins, axes
 * with ticks from a d3 scale, a title and a legend. Charts are strings, so they render the same
 * in Node and the browser with no DOM.
 */

export type Attributes = Record<string, string | number | undefined>;

/** Escapes text for XML content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** Numbers in SVG: two decimals are a hundredth of a pixel. */
export function px(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/** One element: `el('rect', { x: 1 })`, or with children (strings, already SVG). */
export function el(name: string, attributes: Attributes, ...children: string[]): string {
  const attrs = Object.entries(attributes)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => ` ${key}="${typeof value === 'number' ? px(value) : escapeXml(value!)}"`)
    .join('');
  return children.length ? `<${name}${attrs}>${children.join('')}</${name}>` : `<${name}${attrs}/>`;
}

export function text(content: string, attributes: Attributes): string {
  return el('text', attributes, escapeXml(content));
}

/** A whole chart: the root element, a white background, a title and the body. */
export function document(width: number, height: number, title: string, body: string[]): string {
  return el(
    'svg',
    { xmlns: 'http://www.w3.org/2000/svg', width, height, viewBox: `0 0 ${px(width)} ${px(height)}`, 'font-family': FONT, 'font-size': 11 },
    el('title', {}, escapeXml(title)),
    el('rect', { x: 0, y: 0, width, height, fill: '#ffffff' }),
    // A long title gets a smaller font rather than leave the canvas (bold DejaVu: about 0.67 em a character).
    text(title, {
      x: width / 2,
      y: 18,
      'text-anchor': 'middle',
      'font-size': Math.max(11, Math.min(14, Math.floor((width - 16) / (0.67 * [...title].length)))),
      'font-weight': 'bold',
      class: 'title',
    }),
    ...body,
  );
}

export const FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';

/** The plot area of a chart: the whole size less margins for the title, axes and legend. */
export interface Frame {
  left: number;
  top: number;
  width: number;
  height: number;
}

export function frame(width: number, height: number, margins: { left: number; right: number; top: number; bottom: number }): Frame {
  return {
    left: margins.left,
    top: margins.top,
    width: width - margins.left - margins.right,
    height: height - margins.top - margins.bottom,
  };
}

/** A d3 scale as axes need it: a position for a value and tick values with their labels. */
export interface AxisScale {
  (value: number): number;
  ticks(count?: number): number[];
  tickFormat(count?: number, specifier?: string): (value: number) => string;
}

/** A horizontal axis at the bottom of `f` with ticks and a label. */
export function bottomAxis(f: Frame, scale: AxisScale, label: string, count = 6): string {
  const y = f.top + f.height;
  const ticks = scale.ticks(count);
  const format = scale.tickFormat(count);
  return el(
    'g',
    { class: 'axis x' },
    el('line', { x1: f.left, x2: f.left + f.width, y1: y, y2: y, stroke: '#333' }),
    ...ticks.map((t) =>
      el(
        'g',
        { class: 'tick' },
        el('line', { x1: scale(t), x2: scale(t), y1: y, y2: y + 4, stroke: '#333' }),
        text(format(t), { x: scale(t), y: y + 15, 'text-anchor': 'middle' }),
      ),
    ),
    text(label, { x: f.left + f.width / 2, y: y + 32, 'text-anchor': 'middle', class: 'label' }),
  );
}

/** A vertical axis at the left of `f` with ticks and a rotated label. */
export function leftAxis(f: Frame, scale: AxisScale, label: string, count = 5, specifier?: string): string {
  const ticks = scale.ticks(count);
  const format = scale.tickFormat(count, specifier);
  return el(
    'g',
    { class: 'axis y' },
    el('line', { x1: f.left, x2: f.left, y1: f.top, y2: f.top + f.height, stroke: '#333' }),
    ...ticks.map((t) =>
      el(
        'g',
        { class: 'tick' },
        el('line', { x1: f.left - 4, x2: f.left, y1: scale(t), y2: scale(t), stroke: '#333' }),
        text(format(t), { x: f.left - 7, y: scale(t) + 4, 'text-anchor': 'end' }),
      ),
    ),
    text(label, {
      x: 14,
      y: f.top + f.height / 2,
      'text-anchor': 'middle',
      transform: `rotate(-90 14 ${px(f.top + f.height / 2)})`,
      class: 'label',
    }),
  );
}

/** A legend: one swatch and name per entry, stacked at (x, y). */
export function legend(x: number, y: number, entries: readonly { name: string; color: string; dashed?: boolean | string }[]): string {
  return el(
    'g',
    { class: 'legend' },
    ...entries.map((entry, i) =>
      el(
        'g',
        { class: 'legend-entry' },
        el('line', {
          x1: x,
          x2: x + 18,
          y1: y + i * 16,
          y2: y + i * 16,
          stroke: entry.color,
          'stroke-width': 2,
          'stroke-dasharray': entry.dashed === true ? '6 4' : entry.dashed || undefined,
        }),
        text(entry.name, { x: x + 24, y: y + i * 16 + 4 }),
      ),
    ),
  );
}

/**
 * Charts in a grid of `columns` (default: one row) in one SVG under one title: each chart's own
 * `<svg>` is placed as a nested viewport, so its ticks, legend and title stay as drawn.
 */
export function sideBySide(charts: readonly string[], title: string, columns = charts.length): string {
  const sizes = charts.map((chart) => {
    const match = /^<svg [^>]*width="([\d.]+)" height="([\d.]+)"/.exec(chart);
    if (!match) throw new RangeError('sideBySide: a chart is not an SVG document with a width and height');
    return { width: Number(match[1]), height: Number(match[2]) };
  });
  const rows = Math.ceil(charts.length / columns);
  const columnWidths = Array.from({ length: columns }, (_, c) =>
    Math.max(...sizes.filter((_, i) => i % columns === c).map((s) => s.width)),
  );
  const rowHeights = Array.from({ length: rows }, (_, r) => Math.max(...sizes.slice(r * columns, (r + 1) * columns).map((s) => s.height)));
  const placed = charts.map((chart, i) => {
    const x = columnWidths.slice(0, i % columns).reduce((a, b) => a + b, 0);
    const y = 30 + rowHeights.slice(0, Math.floor(i / columns)).reduce((a, b) => a + b, 0);
    return chart.replace(/^<svg /, `<svg x="${px(x)}" y="${px(y)}" `);
  });
  const width = columnWidths.reduce((a, b) => a + b, 0);
  return document(width, 30 + rowHeights.reduce((a, b) => a + b, 0), title, placed);
}
