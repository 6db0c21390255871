import { colorScale, rgbOf } from './color.js';
import { gateScale } from './style.js';
import { document, el, px, text } from './svg.js';

/** The cells `cellDiagram` draws. */
export const DIAGRAM_CELLS = ['lstm', 'peephole', 'coupled', 'gru', 'rnn'] as const;
export type DiagramCell = (typeof DIAGRAM_CELLS)[number];

/**
 * The values of one step for the x-ray, by name: gates (i, f, g, o or r, z, n), states (c_prev,
 * c, h_prev, h) and the input x — one number per unit shown (several units: several numbers).
 */
export type StepValues = Readonly<Record<string, readonly number[]>>;

type Point = readonly [number, number];

/** A wire: a polyline, the value it carries (a key of StepValues), and where its label sits. */
interface Wire {
  points: readonly Point[];
  value?: string;
  label?: Point;
  dashed?: boolean;
  /** The cell-state line after the forget gate: its thickness shows what is kept. */
  kept?: boolean;
}

/** A gate: a labelled block, coloured by its activation in an x-ray. */
interface Gate {
  name: string;
  at: Point;
  squash: 'σ' | 'tanh';
}

/** A pointwise operation: a circle. */
interface Op {
  symbol: string;
  at: Point;
}

interface Layout {
  wires: Wire[];
  gates: Gate[];
  ops: Op[];
  ports: { label: string; at: Point; anchor: 'start' | 'end' | 'middle'; value?: string }[];
  equations: string[];
}

const C = 70; // the cell-state line (LSTM), or the hidden line (GRU)
const BUS = 270; // [h_{t−1}, x_t] on their way to the gates
const GATE_Y = 200;

function lstmLayout(kind: 'lstm' | 'peephole' | 'coupled'): Layout {
  const wires: Wire[] = [
    {
      points: [
        [20, C],
        [170, C],
      ],
      value: 'c_prev',
      label: [60, C - 8],
    },
    {
      points: [
        [170, C],
        [300, C],
      ],
      value: 'fc',
      label: [235, C - 8],
      kept: true,
    },
    {
      points: [
        [300, C],
        [540, C],
      ],
      value: 'c',
      label: [500, C - 8],
    },
    {
      points: [
        [20, BUS],
        [380, BUS],
      ],
      value: 'h_prev',
      label: [60, BUS - 8],
    },
    {
      points: [
        [110, 330],
        [110, BUS],
      ],
      value: 'x',
      label: [118, 322],
    },
    {
      points: [
        [170, BUS],
        [170, GATE_Y + 14],
      ],
    },
    {
      points: [
        [170, GATE_Y - 14],
        [170, C + 10],
      ],
      value: 'f',
      label: [176, 140],
    },
    {
      points: [
        [300, BUS],
        [300, GATE_Y + 14],
      ],
    },
    {
      points: [
        [300, GATE_Y - 14],
        [300, 150],
      ],
      value: 'g',
      label: [306, 176],
    },
    {
      points: [
        [300, 150 - 10],
        [300, C + 10],
      ],
      value: 'ig',
      label: [306, 110],
    },
    {
      points: [
        [380, BUS],
        [380, GATE_Y + 14],
      ],
    },
    {
      points: [
        [404, GATE_Y],
        [430, GATE_Y],
      ],
      value: 'o',
      label: [406, GATE_Y - 6],
    },
    {
      points: [
        [440, C],
        [440, 130 - 16],
      ],
    },
    {
      points: [
        [440, 130 + 16],
        [440, GATE_Y - 10],
      ],
      value: 'tanh_c',
      label: [446, 170],
    },
    {
      points: [
        [440, GATE_Y + 10],
        [440, 300],
        [540, 300],
      ],
      value: 'h',
      label: [500, 292],
    },
    {
      points: [
        [470, 300],
        [470, 20],
      ],
    },
  ];
  const gates: Gate[] = [
    { name: 'f', at: [170, GATE_Y], squash: 'σ' },
    { name: 'g', at: [300, GATE_Y], squash: 'tanh' },
    { name: 'o', at: [380, GATE_Y], squash: 'σ' },
  ];
  const ops: Op[] = [
    { symbol: '×', at: [170, C] },
    { symbol: '+', at: [300, C] },
    { symbol: '×', at: [300, 150] },
    { symbol: 'tanh', at: [440, 130] },
    { symbol: '×', at: [440, GATE_Y] },
  ];
  if (kind === 'coupled') {
    // i = 1 − f: no input gate of its own.
    ops.push({ symbol: '1−', at: [235, 150] });
    wires.push(
      {
        points: [
          [170, 150],
          [235 - 14, 150],
        ],
      },
      {
        points: [
          [235 + 14, 150],
          [300 - 10, 150],
        ],
        value: 'i',
        label: [250, 144],
      },
    );
  } else {
    gates.push({ name: 'i', at: [235, GATE_Y], squash: 'σ' });
    wires.push(
      {
        points: [
          [235, BUS],
          [235, GATE_Y + 14],
        ],
      },
      {
        points: [
          [235, GATE_Y - 14],
          [235, 150],
          [290, 150],
        ],
        value: 'i',
        label: [241, 176],
      },
    );
  }
  if (kind === 'peephole') {
    // The gates also read the cell state: f and i the previous one, o the new one.
    wires.push(
      {
        points: [
          [140, C],
          [140, GATE_Y],
          [150, GATE_Y],
        ],
        dashed: true,
      },
      {
        points: [
          [140, 120],
          [215, 120],
          [215, GATE_Y],
        ],
        dashed: true,
      },
      {
        points: [
          [410, C],
          [410, GATE_Y],
          [400, GATE_Y],
        ],
        dashed: true,
      },
    );
  }
  const peep = kind === 'peephole';
  return {
    wires,
    gates,
    ops,
    ports: [
      { label: 'c_{t−1}', at: [16, C + 4], anchor: 'end' },
      { label: 'c_t', at: [544, C + 4], anchor: 'start' },
      { label: 'h_{t−1}', at: [16, BUS + 4], anchor: 'end' },
      { label: 'h_t', at: [544, 304], anchor: 'start' },
      { label: 'h_t (output)', at: [470, 14], anchor: 'middle' },
      { label: 'x_t', at: [110, 344], anchor: 'middle' },
    ],
    equations: [
      `f = σ(W_f x + U_f h_{t−1}${peep ? ' + p_f ⊙ c_{t−1}' : ''} + b_f)`,
      kind === 'coupled' ? 'i = 1 − f' : `i = σ(W_i x + U_i h_{t−1}${peep ? ' + p_i ⊙ c_{t−1}' : ''} + b_i)`,
      'g = tanh(W_g x + U_g h_{t−1} + b_g)',
      'c_t = f ⊙ c_{t−1} + i ⊙ g',
      `o = σ(W_o x + U_o h_{t−1}${peep ? ' + p_o ⊙ c_t' : ''} + b_o)`,
      'h_t = o ⊙ tanh(c_t)',
    ],
  };
}

function gruLayout(): Layout {
  return {
    wires: [
      {
        points: [
          [20, C],
          [320, C],
        ],
        value: 'h_prev',
        label: [80, C - 8],
      },
      {
        points: [
          [320, C],
          [420, C],
        ],
        value: 'zh',
        label: [350, C - 8],
        kept: true,
      },
      {
        points: [
          [420, C],
          [540, C],
        ],
        value: 'h',
        label: [500, C - 8],
      },
      {
        points: [
          [60, C],
          [60, BUS],
          [380, BUS],
        ],
      },
      {
        points: [
          [110, 330],
          [110, BUS],
        ],
        value: 'x',
        label: [118, 322],
      },
      {
        points: [
          [160, BUS],
          [160, GATE_Y + 14],
        ],
      },
      {
        points: [
          [160, GATE_Y - 14],
          [160, 110],
          [320, 110],
          [320, C + 10],
        ],
        value: 'z',
        label: [166, 150],
      },
      {
        points: [
          [320, 110],
          [404, 110],
        ],
      },
      {
        points: [
          [260, BUS],
          [260, GATE_Y + 14],
        ],
      },
      {
        points: [
          [284, GATE_Y],
          [310, GATE_Y],
          [310, 240],
          [350, 240],
        ],
        value: 'r',
        label: [290, GATE_Y - 6],
      },
      {
        points: [
          [360, BUS],
          [360, 250],
        ],
      },
      {
        points: [
          [360, 230],
          [360, GATE_Y + 14],
        ],
      },
      {
        points: [
          [360, GATE_Y - 14],
          [360, 150],
          [420, 150],
          [420, 126],
        ],
        value: 'n',
        label: [366, 170],
      },
      {
        points: [
          [420, 94],
          [420, C + 10],
        ],
        value: 'nz',
        label: [426, 88],
      },
      {
        points: [
          [500, C],
          [500, 20],
        ],
      },
    ],
    gates: [
      { name: 'z', at: [160, GATE_Y], squash: 'σ' },
      { name: 'r', at: [260, GATE_Y], squash: 'σ' },
      { name: 'n', at: [360, GATE_Y], squash: 'tanh' },
    ],
    ops: [
      { symbol: '×', at: [320, C] },
      { symbol: '+', at: [420, C] },
      { symbol: '×', at: [360, 240] },
      { symbol: '(1−z)×', at: [420, 110] },
    ],
    ports: [
      { label: 'h_{t−1}', at: [16, C + 4], anchor: 'end' },
      { label: 'h_t', at: [544, C + 4], anchor: 'start' },
      { label: 'h_t (output)', at: [500, 14], anchor: 'middle' },
      { label: 'x_t', at: [110, 344], anchor: 'middle' },
    ],
    equations: [
      'r = σ(W_r x + U_r h_{t−1} + b_r)',
      'z = σ(W_z x + U_z h_{t−1} + b_z)',
      'n = tanh(W_n x + b_n + r ⊙ (U_n h_{t−1} + b_hn))',
      'h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}',
    ],
  };
}

function rnnLayout(): Layout {
  return {
    wires: [
      {
        points: [
          [20, BUS],
          [300, BUS],
          [300, GATE_Y + 14],
        ],
        value: 'h_prev',
        label: [60, BUS - 8],
      },
      {
        points: [
          [110, 330],
          [110, BUS],
        ],
        value: 'x',
        label: [118, 322],
      },
      {
        points: [
          [300, GATE_Y - 14],
          [300, C],
          [540, C],
        ],
        value: 'h',
        label: [500, C - 8],
      },
      {
        points: [
          [470, C],
          [470, 20],
        ],
      },
    ],
    gates: [{ name: 'h', at: [300, GATE_Y], squash: 'tanh' }],
    ops: [],
    ports: [
      { label: 'h_{t−1}', at: [16, BUS + 4], anchor: 'end' },
      { label: 'h_t', at: [544, C + 4], anchor: 'start' },
      { label: 'h_t (output)', at: [470, 14], anchor: 'middle' },
      { label: 'x_t', at: [110, 344], anchor: 'middle' },
    ],
    equations: ['h_t = tanh(W x + U h_{t−1} + b)'],
  };
}

function layoutOf(cell: DiagramCell): Layout {
  if (cell === 'gru') return gruLayout();
  if (cell === 'rnn') return rnnLayout();
  return lstmLayout(cell);
}

/** The equations of a cell, as the diagram prints them beside it. */
export function cellEquations(cell: DiagramCell): string[] {
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
 * Every drawn value is also in a `data-value` attribute.
 */
export function cellDiagram(cell: DiagramCell, options: CellDiagramOptions = {}): string {
  if (!DIAGRAM_CELLS.includes(cell)) throw new RangeError(`cellDiagram: unknown cell '${cell}'; known: ${DIAGRAM_CELLS.join(', ')}`);
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
          'font-size': 10,
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
        text(`${gate.name} ${gate.squash}`, { x, y: y + 4, 'text-anchor': 'middle', 'font-weight': 'bold', fill: dark ? '#fff' : '#222' }),
      ),
    );
  }
  for (const op of layout.ops) {
    const r = op.symbol.length > 2 ? 16 : 10;
    body.push(
      el(
        'g',
        { class: 'op' },
        el('circle', { cx: op.at[0], cy: op.at[1], r, fill: '#fde9d9', stroke: '#a0522d' }),
        text(op.symbol, { x: op.at[0], y: op.at[1] + 4, 'text-anchor': 'middle', 'font-size': op.symbol.length > 2 ? 9 : 13 }),
      ),
    );
  }
  for (const port of layout.ports)
    body.push(text(port.label, { x: port.at[0], y: port.at[1], 'text-anchor': port.anchor, class: 'port', 'font-style': 'italic' }));
  const eqX = 590;
  body.push(
    el(
      'g',
      { class: 'equations' },
      ...layout.equations.map((line, k) =>
        text(line, { x: eqX, y: 80 + k * 20, 'font-family': 'DejaVu Sans Mono, monospace', 'font-size': 11 }),
      ),
      v
        ? text(`x-ray of one step, unit${(options.units?.length ?? 1) > 1 ? 's' : ''} ${options.units?.join(', ') ?? ''}`, {
            x: eqX,
            y: 80 + layout.equations.length * 20 + 16,
            'font-weight': 'bold',
          })
        : '',
      v && keptShare
        ? text(`line width on top: the share kept (${cell === 'gru' ? 'z' : 'f'})`, {
            x: eqX,
            y: 80 + layout.equations.length * 20 + 34,
            'font-size': 10,
            fill: '#555',
          })
        : '',
    ),
  );
  const title =
    options.title ?? `${cell === 'lstm' ? 'LSTM' : cell === 'gru' ? 'GRU' : cell === 'rnn' ? 'Vanilla RNN' : `LSTM, ${cell}`} cell`;
  return document(1010, 390, title, [el('g', { transform: 'translate(60 30)' }, ...body)]);
}
