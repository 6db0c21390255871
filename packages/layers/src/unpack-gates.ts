/**
 * Reading recorded activations back: one helper for every picture and page that shows gates (the
 * CLI's `viz gates`, `viz cell` and report, the playground's heat maps and stepper), so none of
 * them unpacks the packed gate array by hand.
 */

/** How a layer packed its gates: `gateNames` in packing order, and pinned gates (no rows) at their constant. */
export interface GateLayout {
  readonly gateNames: readonly string[];
  readonly constantGates?: Readonly<Record<string, number>>;
}

/** Which part of a recorded [samples, steps, width] array to read. */
export interface UnpackOptions {
  steps: number;
  hidden: number;
  /** Hidden units to read, from 0 (all when absent). */
  units?: readonly number[];
  /** Which sequence of the record (0 when absent). */
  sample?: number;
}

/** One gate (or state) as `[unit][step]`. */
export type UnitsBySteps = number[][];

const unitsOf = (o: UnpackOptions): readonly number[] => o.units ?? Array.from({ length: o.hidden }, (_, u) => u);

/** The `[unit][step]` values of block `block` of a [samples, steps, blocks·H] array. */
function blockOf(data: ArrayLike<number>, blocks: number, block: number, o: UnpackOptions): UnitsBySteps {
  const width = blocks * o.hidden;
  const base = (o.sample ?? 0) * o.steps * width + block * o.hidden;
  const units = unitsOf(o);
  const last = base + (o.steps - 1) * width + Math.max(0, ...units);
  if (last >= data.length || units.some((u) => u < 0 || u >= o.hidden))
    throw new RangeError(
      `unpackGates: a record of ${data.length} values has no sample ${o.sample ?? 0} × ${o.steps} steps × ${width} with units ${units.join(', ')}`,
    );
  return units.map((u) => Array.from({ length: o.steps }, (_, t) => data[base + t * width + u] ?? 0));
}

/** A recorded state (c or h), [samples, steps, H], as `[unit][step]`. */
export function unpackState(data: ArrayLike<number>, o: UnpackOptions): UnitsBySteps {
  return blockOf(data, 1, 0, o);
}

/**
 * Every gate of a recorded layer as `[unit][step]`, in the cell's order (i f g o, r z n): the
 * learned gates from the packed array, each pinned gate as its constant at every step and unit.
 */
export function unpackGates(layout: GateLayout, packed: ArrayLike<number>, o: UnpackOptions): [string, UnitsBySteps][] {
  const G = layout.gateNames.length;
  const learned = layout.gateNames.map((name, k): [string, UnitsBySteps] => [name, blockOf(packed, G, k, o)]);
  const constant = Object.entries(layout.constantGates ?? {}).map(([name, value]): [string, UnitsBySteps] => [
    name,
    unitsOf(o).map(() => new Array<number>(o.steps).fill(value)),
  ]);
  const rank = (name: string) => {
    const at = GATE_ORDER.indexOf(name);
    return at < 0 ? GATE_ORDER.length : at;
  };
  return [...learned, ...constant].sort((a, b) => rank(a[0]) - rank(b[0]));
}

/** PyTorch's gate orders, LSTM then GRU: where a pinned gate goes among the learned ones. */
const GATE_ORDER = ['i', 'f', 'g', 'o', 'r', 'z', 'n'];
