import { document, el, text } from './svg.js';

/** One step of an LSTM cell trace: gates and the cell state after it (vectors of H values). */
export interface TraceStep {
  f: readonly number[];
  /** i ⊙ g, what the step writes into the cell. */
  write: readonly number[];
  c: readonly number[];
  /** ∂L/∂c_t. */
  dc: readonly number[];
}

const show = (v: readonly number[]) => `[${v.map((x) => Number(x.toFixed(4))).join(', ')}]`;

/**
 * The worked trace of spec §4.5 as a figure: the cell states c_0 … c_T in boxes along the
 * constant error carousel (each arrow ×f_t, + i_t ⊙ g_t), the gradient ∂L/∂c_t under each box
 * flowing back, and a table of the numbers. `steps[0]` is c_0 (no gates).
 */
export function traceFigure(steps: readonly TraceStep[], options: { title: string; forgetProduct: readonly number[] }): string {
  const box = 132;
  const gap = 70;
  const width = 40 + steps.length * (box + gap);
  const body: string[] = [];
  steps.forEach((step, t) => {
    const x = 20 + t * (box + gap);
    body.push(
      el(
        'g',
        { class: 'state' },
        el('rect', { x, y: 50, width: box, height: 46, rx: 6, fill: '#eef4fb', stroke: '#2c7bb6' }),
        text(`c${t}`, { x: x + box / 2, y: 67, 'text-anchor': 'middle', 'font-weight': 'bold' }),
        text(show(step.c), { x: x + box / 2, y: 86, 'text-anchor': 'middle' }),
        text(`∂L/∂c${t} = ${show(step.dc)}`, { x: x + box / 2, y: 120, 'text-anchor': 'middle', fill: '#d7191c', 'font-size': 11 }),
      ),
    );
    if (t > 0) {
      const x0 = x - gap;
      body.push(
        el(
          'g',
          { class: 'arrow' },
          el('line', { x1: x0 + 2, x2: x - 4, y1: 73, y2: 73, stroke: '#333', 'stroke-width': 1.5 }),
          el('path', { d: `M${x - 4},73 l-7,-4 l0,8 z`, fill: '#333' }),
          text(`×f${t}`, { x: x0 + gap / 2, y: 66, 'text-anchor': 'middle', 'font-size': 11 }),
          text(`+i${t}⊙g${t}`, { x: x0 + gap / 2, y: 88, 'text-anchor': 'middle', 'font-size': 11 }),
          el('line', { x1: x - 4, x2: x0 + 4, y1: 136, y2: 136, stroke: '#d7191c', 'stroke-dasharray': '3 2' }),
          el('path', { d: `M${x0 + 4},136 l7,-4 l0,8 z`, fill: '#d7191c' }),
        ),
      );
    }
  });
  const rows = [
    ['t', ...steps.map((_, t) => String(t))],
    ['f_t', '—', ...steps.slice(1).map((s) => show(s.f))],
    ['i_t ⊙ g_t', '—', ...steps.slice(1).map((s) => show(s.write))],
    ['c_t', ...steps.map((s) => show(s.c))],
    ['∂L/∂c_t', ...steps.map((s) => show(s.dc))],
  ];
  const tableTop = 170;
  rows.forEach((row, r) => {
    row.forEach((cell, k) => {
      body.push(
        text(cell, {
          x: k === 0 ? 20 : 20 + 80 + (k - 1) * ((width - 120) / steps.length),
          y: tableTop + r * 18,
          class: r === 0 ? 'table-head' : 'table-cell',
          'font-weight': r === 0 || k === 0 ? 'bold' : undefined,
        }),
      );
    });
  });
  body.push(
    text(`cumulative forget product f1 ⊙ … ⊙ f${steps.length - 1} = ${show(options.forgetProduct)}`, {
      x: 20,
      y: tableTop + rows.length * 18 + 10,
    }),
  );
  return document(width, tableTop + rows.length * 18 + 30, options.title, body);
}
