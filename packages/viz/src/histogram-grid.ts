import { scaleLinear } from 'd3-scale';
import { colorScale } from './color.js';
import { colorBar } from './heatmap.js';
import { bottomAxis, document, el, type Frame, text } from './svg.js';
import { decade } from './style.js';

/**
 * Per-step magnitudes of one gradient at one epoch: `columns[k]` holds the values at k steps back
 * from the last. Exact zeros have no logarithm: they are counted in a row of their own.
 */
export interface MagnitudeColumns {
  columns: readonly (readonly number[])[];
}

export interface HistogramGridOptions {
  title: string;
  /** Row and column headings, e.g. 'LSTM ∂L/∂c_t' and 'epoch 10'. */
  rows: readonly string[];
  columns: readonly string[];
  /** Bins per decade (default 2). */
  binsPerDecade?: number;
  /** The decades [low, high] of the y range (default: `bulkDecades` of every panel), e.g. to match counts printed beside. */
  decades?: [number, number];
  xLabel?: string;
}

/**
 * Counts of |value| in `bins` equal bins of log10 between the decades `low` and `high` (values
 * beyond go to the end bins), and the exact zeros apart.
 */
export function binMagnitudes(column: readonly number[], low: number, high: number, bins: number): { counts: number[]; zeros: number } {
  const counts = new Array<number>(bins).fill(0);
  let zeros = 0;
  for (const v of column) {
    if (v === 0) zeros++;
    else if (Number.isFinite(v)) {
      const b = Math.floor((Math.log10(Math.abs(v)) - low) * (bins / (high - low)));
      counts[Math.min(bins - 1, Math.max(0, b))]!++;
    }
  }
  return { counts, zeros };
}

/** Decades [low, high] that hold the bulk (0.5th to 99.5th percentile) of the non-zero magnitudes. */
export function bulkDecades(cells: readonly MagnitudeColumns[]): [number, number] {
  const logs: number[] = [];
  for (const cell of cells)
    for (const column of cell.columns) for (const v of column) if (v !== 0 && Number.isFinite(v)) logs.push(Math.log10(Math.abs(v)));
  if (logs.length === 0) return [-1, 0];
  logs.sort((a, b) => a - b);
  const at = (q: number) => logs[Math.min(logs.length - 1, Math.floor(q * logs.length))]!;
  const low = Math.floor(at(0.005));
  return [low, Math.max(low + 1, Math.ceil(at(0.995)))];
}

/**
 * Small multiples of per-step gradient histograms: a grid of `rows × columns` panels (e.g. run or
 * layer × epoch), each with steps back on x and log10 |value| bins on y over one shared range that
 * holds the bulk of the values (the tails are counted in the end bins, which say so), and beneath
 * each panel a labelled row with the share of exact zeros. Colour is the share of values, magma.
 */
export function histogramGrid(cells: readonly (readonly MagnitudeColumns[])[], options: HistogramGridOptions): string {
  const all = cells.flat();
  if (all.length === 0) throw new RangeError('histogramGrid: no panels to draw');
  const [low, high] = options.decades ?? bulkDecades(all);
  const perDecade = options.binsPerDecade ?? 2;
  const bins = (high - low) * perDecade;
  const panelWidth = 104;
  const panelHeight = 150;
  const zeroRow = 12;
  const gapX = 14;
  const gapY = 78;
  const left = 70;
  const top = 84;
  const columnCount = Math.max(...cells.map((r) => r.length));
  const width = left + columnCount * (panelWidth + gapX) + 80;
  const height = top + cells.length * (panelHeight + zeroRow + gapY);
  const color = colorScale('magma', [0, 1]);
  const share = (count: number, total: number) => (total === 0 ? 0 : count / total);
  const body: string[] = [];
  for (const [c, heading] of options.columns.entries())
    body.push(
      text(heading, {
        x: left + c * (panelWidth + gapX) + panelWidth / 2,
        y: top - 32,
        'text-anchor': 'middle',
        'font-weight': 'bold',
        class: 'column-title',
      }),
    );
  cells.forEach((row, r) => {
    const y0 = top + r * (panelHeight + zeroRow + gapY);
    body.push(text(options.rows[r] ?? '', { x: left, y: y0 - 10, 'font-weight': 'bold', class: 'row-title' }));
    row.forEach((cell, c) => {
      const f: Frame = { left: left + c * (panelWidth + gapX), top: y0, width: panelWidth, height: panelHeight };
      body.push(panel(cell, f, { low, high, bins, zeroRow, color, share, xLabel: options.xLabel ?? 'steps back', first: c === 0 }));
    });
  });
  body.push(
    colorBar(
      { left: width - 70, top: top, width: 14, height: Math.min(260, height - top - 40) },
      [0, 1],
      { colorBarLabel: 'share of values' },
      color,
    ),
  );
  return document(width, height, options.title, body);
}

interface PanelStyle {
  low: number;
  high: number;
  bins: number;
  zeroRow: number;
  color: (v: number) => string;
  share: (count: number, total: number) => number;
  xLabel: string;
  first: boolean;
}

function panel(cell: MagnitudeColumns, f: Frame, s: PanelStyle): string {
  const steps = cell.columns.length;
  const w = f.width / Math.max(1, steps);
  const h = f.height / s.bins;
  const rects: string[] = [el('rect', { x: f.left, y: f.top, width: f.width, height: f.height, fill: s.color(0) })];
  cell.columns.forEach((column, k) => {
    const { counts, zeros } = binMagnitudes(column, s.low, s.high, s.bins);
    // Steps back run right to left: the last step at the right edge, as time reads.
    const x = f.left + (steps - 1 - k) * w;
    counts.forEach((count, b) => {
      if (count > 0)
        rects.push(
          el('rect', {
            class: 'cell',
            x,
            y: f.top + f.height - (b + 1) * h,
            width: w + 0.3,
            height: h + 0.3,
            fill: s.color(s.share(count, column.length)),
            'data-value': count,
          }),
        );
    });
    rects.push(
      el('rect', {
        class: 'zero-cell',
        x,
        y: f.top + f.height + 4,
        width: w + 0.3,
        height: s.zeroRow,
        fill: s.color(s.share(zeros, column.length)),
        'data-value': zeros,
      }),
    );
  });
  const x = scaleLinear()
    .domain([steps - 0.5, -0.5])
    .range([f.left, f.left + f.width]);
  const xAxis = Object.assign((v: number) => x(v), {
    ticks: () => x.ticks(3).filter(Number.isInteger),
    tickFormat: () => (v: number) => String(v),
  });
  const decades = Array.from({ length: s.high - s.low + 1 }, (_, k) => s.low + k);
  const stride = Math.ceil(decades.length / 6);
  const yOf = (e: number) => f.top + f.height - ((e - s.low) / (s.high - s.low)) * f.height;
  const shifted = { ...f, height: f.height + s.zeroRow + 4 };
  return el(
    'g',
    { class: 'panel', 'shape-rendering': 'crispEdges' },
    ...rects,
    el('line', { x1: f.left, x2: f.left, y1: f.top, y2: f.top + f.height, stroke: '#333' }),
    ...decades
      .filter((_, k) => k % stride === 0)
      .map((e) =>
        el(
          'g',
          { class: 'tick' },
          el('line', { x1: f.left - 4, x2: f.left, y1: yOf(e), y2: yOf(e), stroke: '#333' }),
          // Labels on the first panel of a row only: the others share its range.
          text(!s.first ? '' : e === s.low ? `≤${decade(e)}` : e === s.high ? `≥${decade(e)}` : decade(e), {
            x: f.left - 6,
            y: yOf(e) + 4,
            'text-anchor': 'end',
          }),
        ),
      ),
    text(s.first ? '0' : '', { x: f.left - 6, y: f.top + f.height + 4 + s.zeroRow - 2, 'text-anchor': 'end', class: 'zero-label' }),
    bottomAxis(shifted, xAxis, s.xLabel),
  );
}
