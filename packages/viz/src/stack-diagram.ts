import { document, el, text } from './svg.js';

export interface StackDiagramOptions {
  /** The cell's name in each box, e.g. 'LSTM'. */
  cell: string;
  layers: number;
  /** Time steps drawn (default 3: t−1, t, t+1). */
  steps?: number;
  bidirectional?: boolean;
  title?: string;
}

const BOX = { width: 74, height: 40 };
const STEP = 140;

/**
 * A layer stack unrolled in time, as the articles draw it: one box per cell and step, the state
 * passed right along each layer (left for a backward direction), each layer's outputs feeding the
 * layer above; bidirectional layers have a forward and a backward row whose outputs are joined
 * (⊕: concatenated) before the next layer or the head.
 */
export function stackDiagram(options: StackDiagramOptions): string {
  const steps = options.steps ?? 3;
  const rows: { layer: number; backward: boolean }[] = [];
  for (let l = 0; l < options.layers; l++) {
    rows.push({ layer: l, backward: false });
    if (options.bidirectional) rows.push({ layer: l, backward: true });
  }
  const left = 120;
  // y of each row, from the top row down: a bidirectional pair sits close, layers further apart.
  const ys = new Array<number>(rows.length);
  let y = 80;
  for (let r = rows.length - 1; r >= 0; r--) {
    ys[r] = y;
    y += options.bidirectional ? (rows[r]!.backward ? 58 : 104) : 100;
  }
  const bottom = ys[0]! + BOX.height;
  const height = bottom + 70;
  const width = left + steps * STEP + 40;
  const xOf = (t: number) => left + t * STEP;
  const stepLabel = (t: number) => (t === 0 ? 't−1' : t === 1 ? 't' : `t+${t - 1}`);
  const body: string[] = [
    el(
      'defs',
      {},
      el(
        'marker',
        { id: 'arrow', viewBox: '0 0 8 8', refX: 7, refY: 4, markerWidth: 7, markerHeight: 7, orient: 'auto' },
        el('path', { d: 'M0,0 L8,4 L0,8 z', fill: '#444' }),
      ),
    ),
  ];
  const arrow = (x1: number, y1: number, x2: number, y2: number, cls: string) =>
    el('line', { x1, y1, x2, y2, stroke: '#444', 'stroke-width': 1.4, 'marker-end': 'url(#arrow)', class: cls });
  rows.forEach((row, r) => {
    const y0 = ys[r]!;
    const label = `layer ${row.layer + 1}${options.bidirectional ? (row.backward ? ' ←' : ' →') : ''}`;
    body.push(text(label, { x: 16, y: y0 + BOX.height / 2 + 4, class: 'row-title', 'font-weight': 'bold' }));
    for (let t = 0; t < steps; t++) {
      const x = xOf(t);
      const fill = row.backward ? '#e2efda' : '#fff2cc';
      body.push(
        el(
          'g',
          { class: 'cell-box' },
          el('rect', { x, y: y0, width: BOX.width, height: BOX.height, rx: 6, fill, stroke: '#7f6000' }),
          text(options.cell, { x: x + BOX.width / 2, y: y0 + BOX.height / 2 + 4, 'text-anchor': 'middle', 'font-weight': 'bold' }),
        ),
      );
      // The state to the next step: right along a forward row, left along a backward one.
      if (t < steps - 1) {
        const mid = y0 + BOX.height / 2;
        body.push(
          row.backward ? arrow(xOf(t + 1), mid, x + BOX.width + 2, mid, 'state') : arrow(x + BOX.width, mid, xOf(t + 1) - 2, mid, 'state'),
        );
      }
    }
  });
  for (let t = 0; t < steps; t++) {
    const cx = xOf(t) + BOX.width / 2;
    body.push(arrow(cx, bottom + 36, cx, bottom + 2, 'input'));
    body.push(text(`x_${stepLabel(t)}`, { x: cx, y: bottom + 52, 'text-anchor': 'middle', 'font-style': 'italic' }));
    for (let l = 0; l < options.layers; l++) {
      const forward = rows.findIndex((o) => o.layer === l && !o.backward);
      const above = rows.findIndex((o) => o.layer === l + 1 && !o.backward);
      let from: [number, number] = [cx, ys[forward]!];
      if (options.bidirectional) {
        // Both directions' outputs are joined (⊕, concatenated) beside the pair.
        const backward = forward + 1;
        const jx = xOf(t) + BOX.width + 30;
        const jy = ys[backward]! - 16;
        body.push(
          el('line', { x1: xOf(t) + BOX.width, y1: ys[forward]! + 6, x2: jx, y2: jy + 8, stroke: '#888', class: 'join' }),
          el('line', { x1: xOf(t) + BOX.width, y1: ys[backward]!, x2: jx - 6, y2: jy + 6, stroke: '#888', class: 'join' }),
          el('circle', { cx: jx, cy: jy, r: 8, fill: '#fff', stroke: '#444', class: 'concat' }),
          text('⊕', { x: jx, y: jy + 4, 'text-anchor': 'middle' }),
        );
        from = [jx, jy - 8];
      }
      const to: [number, number] = above === -1 ? [from[0], 44] : [cx, ys[above]! + BOX.height + 2];
      body.push(arrow(from[0], from[1], to[0], to[1], 'output'));
      if (above === -1) body.push(text(`h_${stepLabel(t)}`, { x: to[0] + 6, y: 52, 'font-style': 'italic' }));
    }
  }
  const title =
    options.title ??
    `${options.layers} stacked ${options.cell} layer${options.layers > 1 ? 's' : ''}${options.bidirectional ? ', bidirectional' : ''}, unrolled in time`;
  return document(width, height, title, body);
}
