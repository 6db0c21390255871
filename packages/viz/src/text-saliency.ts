import { interpolateRgb } from 'd3-interpolate';
import { rgbOf, toHex } from './color.js';
import { document, el, text } from './svg.js';

/** One row of coloured text: each character with its value, and the character predicted next. */
export interface SaliencyRow {
  label: string;
  characters: readonly string[];
  values: readonly number[];
  predicted?: string;
}

export interface TextSaliencyOptions {
  title: string;
  /** Characters per line before wrapping (default 50). */
  columns?: number;
  /** Values at or above this are hottest (default: each row's maximum). */
  max?: number;
}

const BLUE = '#2c7bb6';
const RED = '#d7191c';
const hot = interpolateRgb(BLUE, RED);

/**
 * The colour of a saliency in [0, 1], as article A4 draws it: transparent when cold, through blue,
 * to red when hot. Returns a fill colour and its opacity.
 */
export function saliencyColor(t: number): { fill: string; opacity: number } {
  const v = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0));
  return v < 0.5 ? { fill: BLUE, opacity: v * 2 } : { fill: toHex(hot((v - 0.5) * 2)), opacity: 1 };
}

/**
 * Text with every character on a background coloured by its value (connectivity, saliency),
 * rows one under another (e.g. an RNN and an LSTM on the same text), the predicted next
 * character boxed at the end. Each character is a `<g class="char">` with `data-value`.
 */
export function textSaliency(rows: readonly SaliencyRow[], options: TextSaliencyOptions): string {
  const columns = options.columns ?? 50;
  const cell = 13;
  const line = 20;
  const width = 40 + columns * cell + 40;
  let y = 44;
  const body: string[] = [];
  for (const row of rows) {
    const max = options.max ?? Math.max(...row.values.filter(Number.isFinite), Number.MIN_VALUE);
    body.push(text(row.label, { x: 20, y, 'font-weight': 'bold', class: 'row-label' }));
    y += 8;
    const lines = Math.ceil((row.characters.length + 1) / columns);
    row.characters.forEach((character, i) => {
      const x = 20 + (i % columns) * cell;
      const top = y + Math.floor(i / columns) * line;
      const { fill, opacity } = saliencyColor(row.values[i]! / max);
      body.push(
        el(
          'g',
          { class: 'char', 'data-value': Number(row.values[i]!.toPrecision(6)) },
          el('rect', { x, y: top, width: cell, height: line - 2, fill, 'fill-opacity': Number(opacity.toFixed(3)) }),
          text(character === ' ' ? '·' : character, {
            x: x + cell / 2,
            y: top + 14,
            'text-anchor': 'middle',
            'font-family': 'DejaVu Sans Mono, monospace',
            fill: character === ' ' ? '#999' : '#111',
          }),
        ),
      );
    });
    if (row.predicted !== undefined) {
      const i = row.characters.length;
      const x = 20 + (i % columns) * cell;
      const top = y + Math.floor(i / columns) * line;
      body.push(
        el(
          'g',
          { class: 'predicted' },
          el('rect', { x, y: top, width: cell, height: line - 2, fill: 'none', stroke: '#111', 'stroke-width': 1.5 }),
          text(row.predicted === ' ' ? '·' : row.predicted, {
            x: x + cell / 2,
            y: top + 14,
            'text-anchor': 'middle',
            'font-weight': 'bold',
            'font-family': 'DejaVu Sans Mono, monospace',
          }),
        ),
      );
    }
    y += lines * line + 24;
  }
  // A legend: cold (transparent) to hot (red).
  const legend = Array.from({ length: 20 }, (_, k) => {
    const { fill, opacity } = saliencyColor((k + 0.5) / 20);
    return el('rect', { x: 20 + k * 10, y, width: 10, height: 10, fill, 'fill-opacity': Number(opacity.toFixed(3)) });
  });
  body.push(
    el('g', { class: 'legend' }, ...legend, text('cold', { x: 20, y: y + 24 }), text('hot', { x: 220, y: y + 24, 'text-anchor': 'end' })),
  );
  return document(width, y + 36, options.title, body);
}

/** `saliencyColor` laid over white, as the terminal needs it: `[r, g, b]`. */
function onWhite(t: number): [number, number, number] {
  const { fill, opacity } = saliencyColor(t);
  return rgbOf(fill).map((c) => Math.round(255 * (1 - opacity) + c * opacity)) as [number, number, number];
}

/**
 * The terminal's connectivity: the text itself, each character on the background `textSaliency`
 * gives it (values scaled by the row's largest, as the figure does), the predicted character
 * bracketed; without colour, the text and under it one ASCII shade per character. Then a key.
 */
export function terminalSaliency(
  characters: readonly string[],
  values: readonly number[],
  options: { color: boolean; predicted?: string },
): string[] {
  const max = Math.max(...values.filter(Number.isFinite), Number.MIN_VALUE);
  const shown = characters.map((c) => (c === ' ' ? '·' : c === '\n' ? '↵' : c));
  const end = options.predicted === undefined ? '' : ` [${options.predicted === ' ' ? '·' : options.predicted}]`;
  if (!options.color) {
    const ramp = ' .:-=+*#%@';
    const shade = values.map((v) => ramp[Math.min(ramp.length - 1, Math.floor((Math.max(0, v) / max) * ramp.length))]!).join('');
    return [`${shown.join('')}${end}`, shade, `key: ' ' cold … '@' hot (|∂ log p / ∂ x_t| over its largest)`];
  }
  const paint = ([r, g, b]: [number, number, number], c: string) => `\x1b[48;2;${r};${g};${b}m\x1b[38;2;17;17;17m${c}`;
  const line = shown.map((c, i) => paint(onWhite(values[i]! / max), c)).join('');
  const key = Array.from({ length: 20 }, (_, k) => paint(onWhite((k + 0.5) / 20), ' ')).join('');
  return [`${line}\x1b[0m${end}`, `key: cold ${key}\x1b[0m hot (|∂ log p / ∂ x_t| over its largest)`];
}
