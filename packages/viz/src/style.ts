import { scaleLog } from 'd3-scale';
import { CATEGORICAL, type ColorMapName } from './color.js';
import type { AxisScale } from './svg.js';

/**
 * The visual language every chart of @lstm shares — CLI, report, site and playground alike
 * (packages/viz/README.md shows each rule):
 *
 * - colour names a run or a cell (`runColor`); the line's dash names the data split (`SPLITS`);
 * - reference lines (chance, last step alone, predict-the-mean) are grey, dotted and labelled;
 * - log axes tick at decades and label them 10⁻⁶, never 1e-6 or 2e+0 (`logAxis`);
 * - sigmoid gates are drawn on 0…1 with a sequential map, candidates and states on a diverging
 *   map centred on 0 (`gateScale`), each with its own colour bar;
 * - gates come in one order, PyTorch's (`GATE_ORDER`): i, f, g, o for the LSTM, r, z, n for the GRU;
 * - the marked epoch is the one the trainer kept, never one chosen again by the chart.
 */

/** The colour of run (or cell) `index`: Tableau 10, in order. */
export function runColor(index: number): string {
  return CATEGORICAL[index % CATEGORICAL.length]!;
}

/** The dash of each data split: train dashed, validation dotted, test solid. */
export const SPLITS = {
  train: { label: 'train', dash: '6 4' },
  validation: { label: 'validation', dash: '1.5 3' },
  test: { label: 'test', dash: undefined },
} as const satisfies Record<string, { label: string; dash: string | undefined }>;

export type Split = keyof typeof SPLITS;

/** Reference lines: grey, dotted, labelled with what they are. */
export const REFERENCE = { color: '#6b6b6b', dash: '2 3' } as const;

/** Gates in PyTorch's order, by cell: the order of every panel, table and legend. */
export const GATE_ORDER: Readonly<Record<'lstm' | 'gru' | 'rnn', readonly string[]>> = {
  lstm: ['i', 'f', 'g', 'o'],
  gru: ['r', 'z', 'n'],
  rnn: [],
};

/** The gates a sigmoid (or hard sigmoid) squashes to 0…1; the rest (g, n, c, h) are signed. */
export const SIGMOID_GATES: ReadonlySet<string> = new Set(['i', 'f', 'o', 'r', 'z']);

/** How one gate or state is coloured: its domain, colour map and colour-bar label. */
export interface ValueScale {
  domain: [number, number];
  colorMap: ColorMapName;
  label: string;
}

/**
 * The scale of gate or state `name` (a letter of `GATE_ORDER`, or c, h): sigmoid gates on 0…1
 * (viridis), candidates and h on −1…1 (RdBu), the cell state on ±max(1, its largest |value|).
 */
export function gateScale(name: string, values: readonly (readonly number[])[] = []): ValueScale {
  if (SIGMOID_GATES.has(name)) return { domain: [0, 1], colorMap: 'viridis', label: 'gate (0…1)' };
  if (name === 'c') {
    let m = 1;
    for (const row of values) for (const v of row) if (Number.isFinite(v)) m = Math.max(m, Math.abs(v));
    const bound = m <= 1 ? 1 : Math.ceil(m * 2) / 2;
    return { domain: [-bound, bound], colorMap: 'RdBu', label: `cell state (±${bound})` };
  }
  return { domain: [-1, 1], colorMap: 'RdBu', label: name === 'h' ? 'hidden state (−1…1)' : 'candidate (−1…1)' };
}

const SUPERSCRIPT: Record<string, string> = {
  '-': '⁻',
  '0': '⁰',
  '1': '¹',
  '2': '²',
  '3': '³',
  '4': '⁴',
  '5': '⁵',
  '6': '⁶',
  '7': '⁷',
  '8': '⁸',
  '9': '⁹',
};

/** A power of ten as a reader writes it: 1, 10, 10², 10⁻⁶. */
export function decade(exponent: number): string {
  if (exponent === 0) return '1';
  if (exponent === 1) return '10';
  return `10${[...String(exponent)].map((c) => SUPERSCRIPT[c]).join('')}`;
}

/**
 * A log scale over `domain` (values > 0) widened to whole decades, ticking at decades only —
 * every decade up to 8 of them, then every second or third — labelled with `decade`.
 */
export function logAxis(domain: readonly [number, number], range: readonly [number, number]): AxisScale {
  // No positive value to show (an empty chart): one decade, 0.1 to 1.
  const top = Number.isFinite(domain[1]) && domain[1] > 0 ? domain[1] : 1;
  const bottom = Number.isFinite(domain[0]) && domain[0] > 0 ? Math.min(domain[0], top) : top / 10;
  const low = Math.floor(Math.log10(bottom));
  const high = Math.max(low + 1, Math.ceil(Math.log10(top)));
  const scale = scaleLog()
    .domain([10 ** low, 10 ** high])
    .range(range);
  const stride = Math.ceil((high - low) / 8);
  const exponents = Array.from({ length: high - low + 1 }, (_, k) => low + k).filter((e) => (e - low) % stride === 0);
  return Object.assign((value: number) => scale(value), {
    ticks: () => exponents.map((e) => 10 ** e),
    tickFormat: () => (value: number) => decade(Math.round(Math.log10(value))),
  });
}

/** A number for a label: percentages for accuracies, else 3 significant digits, 10ⁿ style if tiny or huge. */
export function formatValue(value: number, percent = false): string {
  if (percent) return `${(value * 100).toFixed(1)} %`;
  if (value !== 0 && (Math.abs(value) < 1e-3 || Math.abs(value) >= 1e5)) {
    const exponent = Math.floor(Math.log10(Math.abs(value)));
    const mantissa = value / 10 ** exponent;
    return `${Number(mantissa.toPrecision(2))}×${decade(exponent)}`;
  }
  return String(Number(value.toPrecision(3)));
}
