/** Where each part of each cell's diagram sits: wires, gates, operations, ports and equations. */
import { LSTM_DIAGRAMS, type LstmDiagramForm, lstmLayout } from './cell-layout-lstm.js';
import { BUS, C, GATE_Y, type Layout, wire } from './cell-geometry.js';

export type { Gate, Layout, Op, Wire } from './cell-geometry.js';
export type { LstmDiagramForm } from './cell-layout-lstm.js';

/** The cells `cellDiagram` draws. */
export const DIAGRAM_CELLS = ['lstm', 'peephole', 'coupled', 'gru', 'rnn'] as const;
export type DiagramCell = (typeof DIAGRAM_CELLS)[number];

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

/** The layout of a named cell, or of an LSTM of any form (core's LstmForm fits `LstmDiagramForm`). */
export function layoutOf(cell: DiagramCell | LstmDiagramForm): Layout {
  if (typeof cell === 'object') return lstmLayout(cell);
  if (cell === 'gru') return gruLayout();
  if (cell === 'rnn') return rnnLayout();
  return lstmLayout(LSTM_DIAGRAMS[cell]);
}
