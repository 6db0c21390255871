/** The parts a cell diagram is drawn from, and the rows they sit on. */

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
export function wire(points: string, options: Omit<Wire, 'points'> = {}): Wire {
  return { points: points.split(',').map((pair) => pair.trim().split(/\s+/).map(Number) as unknown as Point), ...options };
}

/** A gate: a labelled block, coloured by its activation in an x-ray. */
export interface Gate {
  name: string;
  at: Point;
  /** Its squashing; '' for a candidate without one (an LSTM without input activation). */
  squash: 'σ' | 'tanh' | '';
}

/** An operation's circle: wide enough for 11 px text for words (tanh, (1−z)×, 0.5), small for symbols. */
export function opRadius(symbol: string): number {
  return symbol.length > 2 ? Math.max(16, symbol.length * 3.7 + 3) : 10;
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

export const C = 70; // the cell-state line (LSTM), or the hidden line (GRU)
export const BUS = 270; // [h_{t−1}, x_t] on their way to the gates
export const GATE_Y = 200;
