import { BUS, C, GATE_Y, type Gate, type Layout, type Op, type Wire, opRadius, wire } from './cell-geometry.js';

/**
 * What an LSTM computes, as its diagram draws it — the shape of @lstm/core's `LstmForm` (this
 * package depends on no other): each of i, f, o learned, pinned to a constant or (i, f) the
 * complement of the other; peepholes; g and the cell squashed by tanh or not; gate recurrence.
 */
export interface LstmDiagramForm {
  i: 'learned' | 'complement' | number;
  f: 'learned' | 'complement' | number;
  o: 'learned' | number;
  peephole: boolean;
  inputActivation: 'tanh' | 'identity';
  cellActivation: 'tanh' | 'identity';
  gateRecurrence?: boolean;
}

const STANDARD: LstmDiagramForm = {
  i: 'learned',
  f: 'learned',
  o: 'learned',
  peephole: false,
  inputActivation: 'tanh',
  cellActivation: 'tanh',
};

/** The LSTMs drawn by name. */
export const LSTM_DIAGRAMS: Record<'lstm' | 'peephole' | 'coupled', LstmDiagramForm> = {
  lstm: STANDARD,
  peephole: { ...STANDARD, peephole: true },
  coupled: { ...STANDARD, i: 'complement' },
};

/** Where each gate of i, f, o sits on the gate row. */
const X = { f: 170, i: 235, o: 380 } as const;

/** A gate's value written as a number: 1, 0.5. */
const constant = (value: number) => String(Number(value.toFixed(3)));

/** A gate's equation: its pre-activation's terms, a pinned constant or a complement. */
function gateEquation(name: 'i' | 'f' | 'o', form: LstmDiagramForm): string {
  const source = form[name];
  if (typeof source === 'number') return `${name} = ${constant(source)} (pinned)`;
  if (source === 'complement') return `${name} = 1 − ${name === 'i' ? 'f' : 'i'}`;
  const peep = form.peephole ? ` + p_${name} ⊙ ${name === 'o' ? 'c_t' : 'c_{t−1}'}` : '';
  const recur = form.gateRecurrence ? ` + R_${name} [i, f, o]_{t−1}` : '';
  return `${name} = σ(W_${name} x + U_${name} h_{t−1}${peep}${recur} + b_${name})`;
}

/**
 * An LSTM of any form in the articles' style: the cell-state line along the top, learned gates
 * as σ blocks reading [h_{t−1}, x_t] from the bus, a pinned gate as a circle with its constant, a
 * complement gate as a "1−" circle fed by the gate it mirrors, peepholes as dashed wires from the
 * cell state, gate recurrence as a dashed loop from the gates back into them.
 */
export function lstmLayout(form: LstmDiagramForm): Layout {
  const linearC = form.cellActivation === 'identity';
  const wires: Wire[] = [
    wire(`20 ${C}, 170 ${C}`, { value: 'c_prev', label: [60, C - 8] }),
    wire(`170 ${C}, 300 ${C}`, { value: 'fc', label: [235, C - 8], kept: true }),
    wire(`300 ${C}, 540 ${C}`, { value: 'c', label: [500, C - 8] }),
    wire(`20 ${BUS}, 380 ${BUS}`, { value: 'h_prev', label: [60, BUS - 8] }),
    wire(`110 330, 110 ${BUS}`, { value: 'x', label: [118, 322] }),
    wire(`300 ${BUS}, 300 ${GATE_Y + 14}`),
    wire(`300 ${GATE_Y - 14}, 300 150`, { value: 'g', label: [306, 176] }),
    wire(`300 ${150 - 10}, 300 ${C + 10}`, { value: 'ig', label: [306, 110] }),
    wire(`440 ${GATE_Y + 10}, 440 300, 540 300`, { value: 'h', label: [500, 292] }),
    wire(`470 300, 470 20`),
  ];
  const gates: Gate[] = [{ name: 'g', at: [300, GATE_Y], squash: form.inputActivation === 'tanh' ? 'tanh' : '' }];
  const ops: Op[] = [
    { symbol: '×', at: [170, C] },
    { symbol: '+', at: [300, C] },
    { symbol: '×', at: [300, 150] },
    { symbol: '×', at: [440, GATE_Y] },
  ];
  // h_t = o ⊙ tanh(c_t), or o ⊙ c_t without the output activation.
  if (linearC) wires.push(wire(`440 ${C}, 440 ${GATE_Y - 10}`));
  else {
    ops.push({ symbol: 'tanh', at: [440, 130] });
    wires.push(wire(`440 ${C}, 440 ${130 - 16}`), wire(`440 ${130 + 16}, 440 ${GATE_Y - 10}`, { value: 'tanh_c', label: [446, 170] }));
  }
  // Each gate of i, f, o: a learned σ block on the bus, a pinned constant, or 1 − the other gate.
  for (const name of ['f', 'i', 'o'] as const) {
    const x = X[name];
    const source = form[name];
    const symbol = typeof source === 'number' ? constant(source) : '1−'; // a pinned gate's circle, or a complement's
    const radius = opRadius(symbol);
    if (source === 'learned') {
      gates.push({ name, at: [x, GATE_Y], squash: 'σ' });
      wires.push(wire(`${x} ${BUS}, ${x} ${GATE_Y + 14}`));
    } else if (typeof source === 'number') {
      ops.push({ symbol, at: [x, GATE_Y] });
    } else {
      const mirror = X[name === 'i' ? 'f' : 'i'];
      ops.push({ symbol, at: [x, GATE_Y] });
      const [from, to] = mirror < x ? [mirror + 24, x - radius] : [mirror - 24, x + radius];
      wires.push(wire(`${from} ${GATE_Y}, ${to} ${GATE_Y}`));
    }
    const top = source === 'learned' ? GATE_Y - 14 : GATE_Y - radius;
    if (name === 'f') wires.push(wire(`170 ${top}, 170 ${C + 10}`, { value: 'f', label: [176, 140] }));
    if (name === 'i') wires.push(wire(`235 ${top}, 235 150, 290 150`, { value: 'i', label: [241, 176] }));
    if (name === 'o')
      wires.push(wire(`${source === 'learned' ? 404 : 380 + radius} ${GATE_Y}, 430 ${GATE_Y}`, { value: 'o', label: [406, GATE_Y - 6] }));
  }
  if (form.peephole) {
    // The learned gates also read the cell state: f and i the previous one, o the new one.
    if (form.f === 'learned') wires.push(wire(`140 ${C}, 140 ${GATE_Y}, 146 ${GATE_Y}`, { dashed: true }));
    if (form.i === 'learned') wires.push(wire(`140 ${C}, 140 120, 215 120, 215 ${GATE_Y - 14}`, { dashed: true }));
    if (form.o === 'learned') wires.push(wire(`410 ${C}, 410 ${GATE_Y}, 404 ${GATE_Y}`, { dashed: true }));
  }
  const ports: Layout['ports'] = [
    { label: 'c_{t−1}', at: [16, C + 4], anchor: 'end' },
    { label: 'c_t', at: [544, C + 4], anchor: 'start' },
    { label: 'h_{t−1}', at: [16, BUS + 4], anchor: 'end' },
    { label: 'h_t', at: [544, 304], anchor: 'start' },
    { label: 'h_t (output)', at: [470, 14], anchor: 'middle' },
    { label: 'x_t', at: [110, 344], anchor: 'middle' },
  ];
  if (form.gateRecurrence) {
    // i, f, o of the step before feed every gate of i, f, o (full gate recurrence).
    wires.push(
      wire(`420 ${GATE_Y}, 420 240, 150 240`, { dashed: true }),
      ...(['f', 'i', 'o'] as const).map((name) => wire(`${X[name]} 240, ${X[name]} ${GATE_Y + 14}`, { dashed: true })),
    );
    ports.push({ label: '[i, f, o]_{t−1}', at: [146, 244], anchor: 'end' });
  }
  return {
    wires,
    gates,
    ops,
    ports,
    equations: [
      gateEquation('f', form),
      gateEquation('i', form),
      `g = ${form.inputActivation === 'tanh' ? 'tanh(W_g x + U_g h_{t−1} + b_g)' : 'W_g x + U_g h_{t−1} + b_g'}`,
      'c_t = f ⊙ c_{t−1} + i ⊙ g',
      gateEquation('o', form),
      `h_t = o ⊙ ${linearC ? 'c_t' : 'tanh(c_t)'}`,
    ],
  };
}
