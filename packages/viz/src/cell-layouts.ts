/** Where each part of each cell's diagram sits: wires, gates, operations, ports and equations. */

/** The cells `cellDiagram` draws. */
export const DIAGRAM_CELLS = ['lstm', 'peephole', 'coupled', 'gru', 'rnn'] as const;
export type DiagramCell = (typeof DIAGRAM_CELLS)[number];

type Point = readonly [number, number];

/** A wire: a polyline, the value it carries (a key of StepValues), and where its label sits. */
export interface Wire {
  points: readonly Point[];
  value?: string;
  label?: Point;
  dashed?: boolean;
  /** The cell-state line after the forget gate: its thickness shows what is kept. */
  kept?: boolean;
}

/** A wire from its points written as `x y, x y, …` (kept on one line, which is how a diagram is read). */
function wire(points: string, options: Omit<Wire, 'points'> = {}): Wire {
  return { points: points.split(',').map((pair) => pair.trim().split(/\s+/).map(Number) as unknown as Point), ...options };
}

/** A gate: a labelled block, coloured by its activation in an x-ray. */
export interface Gate {
  name: string;
  at: Point;
  squash: 'σ' | 'tanh';
}

/** A pointwise operation: a circle. */
export interface Op {
  symbol: string;
  at: Point;
}

export interface Layout {
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
    wire(`20 ${C}, 170 ${C}`, { value: 'c_prev', label: [60, C - 8] }),
    wire(`170 ${C}, 300 ${C}`, { value: 'fc', label: [235, C - 8], kept: true }),
    wire(`300 ${C}, 540 ${C}`, { value: 'c', label: [500, C - 8] }),
    wire(`20 ${BUS}, 380 ${BUS}`, { value: 'h_prev', label: [60, BUS - 8] }),
    wire(`110 330, 110 ${BUS}`, { value: 'x', label: [118, 322] }),
    wire(`170 ${BUS}, 170 ${GATE_Y + 14}`),
    wire(`170 ${GATE_Y - 14}, 170 ${C + 10}`, { value: 'f', label: [176, 140] }),
    wire(`300 ${BUS}, 300 ${GATE_Y + 14}`),
    wire(`300 ${GATE_Y - 14}, 300 150`, { value: 'g', label: [306, 176] }),
    wire(`300 ${150 - 10}, 300 ${C + 10}`, { value: 'ig', label: [306, 110] }),
    wire(`380 ${BUS}, 380 ${GATE_Y + 14}`),
    wire(`404 ${GATE_Y}, 430 ${GATE_Y}`, { value: 'o', label: [406, GATE_Y - 6] }),
    wire(`440 ${C}, 440 ${130 - 16}`),
    wire(`440 ${130 + 16}, 440 ${GATE_Y - 10}`, { value: 'tanh_c', label: [446, 170] }),
    wire(`440 ${GATE_Y + 10}, 440 300, 540 300`, { value: 'h', label: [500, 292] }),
    wire(`470 300, 470 20`),
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
    wires.push(wire(`170 150, ${235 - 14} 150`), wire(`${235 + 14} 150, ${300 - 10} 150`, { value: 'i', label: [250, 144] }));
  } else {
    gates.push({ name: 'i', at: [235, GATE_Y], squash: 'σ' });
    wires.push(wire(`235 ${BUS}, 235 ${GATE_Y + 14}`), wire(`235 ${GATE_Y - 14}, 235 150, 290 150`, { value: 'i', label: [241, 176] }));
  }
  if (kind === 'peephole') {
    // The gates also read the cell state: f and i the previous one, o the new one.
    wires.push(
      wire(`140 ${C}, 140 ${GATE_Y}, 150 ${GATE_Y}`, { dashed: true }),
      wire(`140 120, 215 120, 215 ${GATE_Y}`, { dashed: true }),
      wire(`410 ${C}, 410 ${GATE_Y}, 400 ${GATE_Y}`, { dashed: true }),
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
      wire(`20 ${C}, 320 ${C}`, { value: 'h_prev', label: [80, C - 8] }),
      wire(`320 ${C}, 420 ${C}`, { value: 'zh', label: [350, C - 8], kept: true }),
      wire(`420 ${C}, 540 ${C}`, { value: 'h', label: [500, C - 8] }),
      wire(`60 ${C}, 60 ${BUS}, 380 ${BUS}`),
      wire(`110 330, 110 ${BUS}`, { value: 'x', label: [118, 322] }),
      wire(`160 ${BUS}, 160 ${GATE_Y + 14}`),
      wire(`160 ${GATE_Y - 14}, 160 110, 320 110, 320 ${C + 10}`, { value: 'z', label: [166, 150] }),
      wire(`320 110, 404 110`),
      wire(`260 ${BUS}, 260 ${GATE_Y + 14}`),
      wire(`284 ${GATE_Y}, 310 ${GATE_Y}, 310 240, 350 240`, { value: 'r', label: [290, GATE_Y - 6] }),
      wire(`360 ${BUS}, 360 250`),
      wire(`360 230, 360 ${GATE_Y + 14}`),
      wire(`360 ${GATE_Y - 14}, 360 150, 420 150, 420 126`, { value: 'n', label: [366, 170] }),
      wire(`420 94, 420 ${C + 10}`, { value: 'nz', label: [426, 88] }),
      wire(`500 ${C}, 500 20`),
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
      wire(`20 ${BUS}, 300 ${BUS}, 300 ${GATE_Y + 14}`, { value: 'h_prev', label: [60, BUS - 8] }),
      wire(`110 330, 110 ${BUS}`, { value: 'x', label: [118, 322] }),
      wire(`300 ${GATE_Y - 14}, 300 ${C}, 540 ${C}`, { value: 'h', label: [500, C - 8] }),
      wire(`470 ${C}, 470 20`),
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

export function layoutOf(cell: DiagramCell): Layout {
  if (cell === 'gru') return gruLayout();
  if (cell === 'rnn') return rnnLayout();
  return lstmLayout(cell);
}
