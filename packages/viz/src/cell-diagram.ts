import { opRadius } from './cell-geometry.js';
import { DIAGRAM_CELLS, type DiagramCell, type LstmDiagramForm, layoutOf } from './cell-layouts.js';
import { colorScale, rgbOf } from './color.js';
import { gateScale } from './style.js';
import { document, el, px, text } from './svg.js';

/**
 * The values of one step for the x-ray, by name: gates (i, f, g, o or r, z, n), states (c_prev,
 * c, h_prev, h) and the input x — one number per unit shown (several units: several numbers).
 */
export type StepValues = Readonly<Record<string, readonly number[]>>;

export { DIAGRAM_CELLS, type DiagramCell, type LstmDiagramForm } from './cell-layouts.js';

/** The equations of a cell (or of an LSTM of any form), as the diagram prints them beside it. */
export function cellEquations(cell: DiagramCell | LstmDiagramForm): string[] {
  return layoutOf(cell).equations;
}

export interface CellDiagramOptions {
  title?: string;
  /** An x-ray: the values of one real step, drawn on the wires and in the gates. */
  values?: StepValues;
  /** Which units the values are of (labels), e.g. [3] or [1, 2]. */
  units?: readonly number[];
}

const show = (values: readonly number[] | undefined) =>
  values ? values.map((v) => (Math.abs(v) >= 100 ? v.toPrecision(3) : v.toFixed(2))).join(', ') : '';
const WIRE = '#444';

/**
 * The diagram of a recurrent cell in the style of the articles: the cell-state line along the top
 * (the hidden line for a GRU), gates as labelled blocks, pointwise operations as circles, and the
 * cell's equations beside it. With `values` it is an x-ray of one real step: every wire carries
 * its value for the chosen unit(s), each gate block is coloured by its activation (on the gate's
 * scale), and the kept line (f ⊙ c_{t−1}, or z ⊙ h_{t−1}) is as thick as the share kept.
 * Every drawn value is also in a `data-value` attribute. `cell` is a named cell or an LSTM form
 * (core's `LstmForm`: Greff's variants, pinned gates, FGR), drawn with its own gates and equations.
 */
export function cellDiagram(cell: DiagramCell | LstmDiagramForm, options: CellDiagramOptions = {}): string {
  if (typeof cell !== 'object' && !DIAGRAM_CELLS.includes(cell))
    throw new RangeError(`cellDiagram: unknown cell '${cell}'; known: ${DIAGRAM_CELLS.join(', ')}`);
  const layout = layoutOf(cell);
  const v = options.values;
  const keptShare = v ? (cell === 'gru' ? v.z : v.f) : undefined;
  const body: string[] = [
    el('rect', { x: 40, y: 40, width: 480, height: 270, rx: 14, fill: '#f4f6f8', stroke: '#9aa5b1', class: 'cell-body' }),
  ];
  for (const wire of layout.wires) {
    const mean = wire.kept && keptShare ? keptShare.reduce((a, b) => a + b, 0) / keptShare.length : undefined;
    body.push(
      el('polyline', {
        class: 'wire',
        points: wire.points.map(([x, y]) => `${px(x)},${px(y)}`).join(' '),
        fill: 'none',
        stroke: WIRE,
        'stroke-width':
          mean === undefined
            ? wire.kept || wire.value === 'c' || wire.value === 'c_prev'
              ? 3
              : 1.5
            : 1 + 7 * Math.max(0, Math.min(1, mean)),
        'stroke-dasharray': wire.dashed ? '4 3' : undefined,
        'stroke-linejoin': 'round',
        'data-wire': wire.value,
      }),
    );
    if (v && wire.value && wire.label && v[wire.value])
      body.push(
        text(show(v[wire.value]), {
          x: wire.label[0],
          y: wire.label[1],
          class: 'wire-value',
          'data-name': wire.value,
          'data-value': v[wire.value]!.join(','),
          fill: '#1f3b63',
          'font-size': 11,
          stroke: '#fff',
          'stroke-width': 3,
          'paint-order': 'stroke',
        }),
      );
  }
  for (const gate of layout.gates) {
    const [x, y] = gate.at;
    const activation = v?.[gate.name];
    const scale = gateScale(gate.name);
    const fill = activation
      ? colorScale(scale.colorMap, scale.domain)(activation.reduce((a, b) => a + b, 0) / activation.length)
      : '#ffd966';
    const [r, g, b] = rgbOf(fill);
    const dark = 0.2126 * r + 0.7152 * g + 0.0722 * b < 120; // white text on dark fills
    body.push(
      el(
        'g',
        { class: 'gate', 'data-gate': gate.name, 'data-value': activation?.join(',') },
        el('rect', { x: x - 24, y: y - 14, width: 48, height: 28, rx: 4, fill, stroke: '#7f6000' }),
        text(`${gate.name} ${gate.squash}`.trim(), {
          x,
          y: y + 4,
          'text-anchor': 'middle',
          'font-weight': 'bold',
          fill: dark ? '#fff' : '#222',
        }),
      ),
    );
  }
  for (const op of layout.ops) {
    const r = opRadius(op.symbol);
    body.push(
      el(
        'g',
        { class: 'op' },
        el('circle', { cx: op.at[0], cy: op.at[1], r, fill: '#fde9d9', stroke: '#a0522d' }),
        text(op.symbol, { x: op.at[0], y: op.at[1] + 4, 'text-anchor': 'middle', 'font-size': op.symbol.length > 2 ? 11 : 13 }),
      ),
    );
  }
  for (const port of layout.ports)
    body.push(text(port.label, { x: port.at[0], y: port.at[1], 'text-anchor': port.anchor, class: 'port', 'font-style': 'italic' }));
  // The equations under the diagram (the figure stays narrow enough for a page), then the x-ray's key.
  const eqY = 376;
  const lines = layout.equations.length;
  body.push(
    el(
      'g',
      { class: 'equations' },
      ...layout.equations.map((line, k) =>
        text(line, { x: 0, y: eqY + k * 18, 'font-family': 'DejaVu Sans Mono, monospace', 'font-size': 11 }),
      ),
      v
        ? text(`x-ray of one step, unit${(options.units?.length ?? 1) > 1 ? 's' : ''} ${options.units?.join(', ') ?? ''}`, {
            x: 0,
            y: eqY + lines * 18 + 8,
            'font-weight': 'bold',
          })
        : '',
      v && keptShare
        ? text(`the line along the top is as thick as the share kept (${cell === 'gru' ? 'z' : 'f'})`, {
            x: 0,
            y: eqY + lines * 18 + 26,
            fill: '#555',
          })
        : '',
    ),
  );
  const title =
    options.title ??
    `${cell === 'lstm' || typeof cell === 'object' ? 'LSTM' : cell === 'gru' ? 'GRU' : cell === 'rnn' ? 'Vanilla RNN' : `LSTM, ${cell}`} cell`;
  const height = 30 + eqY + lines * 18 + (v ? 40 : 0);
  return document(640, height, title, [el('g', { transform: 'translate(60 30)' }, ...body)]);
}
