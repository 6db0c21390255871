import { basename, dirname } from 'node:path';
import { tensor, tidy } from '@lstm/core';
import { DIAGRAM_CELLS, cellDiagram, cellEquations, stackDiagram, type DiagramCell, type StepValues } from '@lstm/viz';
import { selectBackend } from './build.js';
import { UsageError } from './errors.js';
import { readModel } from './use.js';
import { emit, fromFile, testSequence } from './viz.js';

export interface CellOptions {
  cell: string;
  layers?: number;
  bidirectional?: boolean;
  model?: string;
  step?: number;
  units?: number[];
  layer: number;
  sample: number;
  input?: string;
  out?: string;
  json?: boolean;
  backend?: string;
}

/** The cell a model's architecture draws as. */
function diagramCellOf(architecture: { cell: string; variant?: string }): DiagramCell {
  if (architecture.cell === 'lstm')
    return (architecture.variant ?? 'standard') === 'standard' ? 'lstm' : (architecture.variant as DiagramCell);
  return architecture.cell as DiagramCell;
}

/**
 * The values of step `step` (from 1) for `units` (from 1) of one layer's recorded trace, as the
 * x-ray draws them: the gates and states `record: true` returned, and the products they make;
 * `xs` is the layer's input at that step (drawn as itself, or as its norm when it has several features).
 */
export function stepValues(
  trace: { gateNames: readonly string[]; gates?: ArrayLike<number>; cells?: ArrayLike<number>; hidden: ArrayLike<number> },
  xs: readonly number[],
  o: { hidden: number; step: number; units: readonly number[] },
): Record<string, number[]> {
  const H = o.hidden;
  const G = trace.gateNames.length;
  const t = o.step - 1;
  const at = (data: ArrayLike<number> | undefined, width: number, offset: number, step: number) =>
    o.units.map((u) => (data && step >= 0 ? data[step * width + offset + u - 1]! : 0)); // before step 1: the zero initial state
  const values: Record<string, number[]> = {};
  trace.gateNames.forEach((g, k) => {
    values[g] = at(trace.gates, G * H, k * H, t);
  });
  values.h_prev = at(trace.hidden, H, 0, t - 1);
  values.h = at(trace.hidden, H, 0, t);
  values.x = xs.length === 1 ? [...xs] : [Math.hypot(...xs)]; // one feature as it is, several as their norm
  if (trace.cells) {
    values.c_prev = at(trace.cells, H, 0, t - 1);
    values.c = at(trace.cells, H, 0, t);
    if (!values.i) values.i = values.f!.map((f) => 1 - f); // coupled: i = 1 − f
    values.fc = values.f!.map((f, k) => f * values.c_prev![k]!);
    values.ig = values.i.map((i, k) => i * values.g![k]!);
    values.tanh_c = values.c.map(Math.tanh);
  } else if (values.z) {
    values.zh = values.z.map((z, k) => z * values.h_prev![k]!);
    values.nz = values.z.map((z, k) => (1 - z) * values.n![k]!);
  }
  return values;
}

/**
 * `lstm viz cell`: the diagram of a cell (or, with --layers, of a stack unrolled in time); with
 * --model and --step, the x-ray of one real step of that model on one test sequence.
 */
export async function vizCell(o: CellOptions): Promise<void> {
  if (!o.model) {
    if (o.step !== undefined || o.units) throw new UsageError('--step and --units draw an x-ray of a model; give --model FILE too');
    if (!(DIAGRAM_CELLS as readonly string[]).includes(o.cell))
      throw new UsageError(`--cell ${o.cell}: known cells are ${DIAGRAM_CELLS.join(', ')}`);
    const name = o.cell === 'rnn' ? 'RNN' : o.cell === 'gru' ? 'GRU' : 'LSTM';
    const stack = o.layers !== undefined || o.bidirectional;
    const svg = stack
      ? stackDiagram({ cell: name, layers: o.layers ?? 1, bidirectional: o.bidirectional ?? false })
      : cellDiagram(o.cell as DiagramCell);
    if (o.json) process.stdout.write(`${JSON.stringify({ cell: o.cell, equations: cellEquations(o.cell as DiagramCell) })}\n`);
    emit(svg, o.out, () => [...cellEquations(o.cell as DiagramCell), '(give --out FILE.svg or FILE.png for the diagram)'], o.json);
    return;
  }
  await selectBackend(o.backend);
  const file = readModel(o.model);
  const a = file.architecture;
  if (o.layer > a.numLayers) throw new UsageError(`--layer ${o.layer}: ${o.model} has ${a.numLayers} layer(s)`);
  const units = o.units ?? [1];
  const bad = units.find((u) => u > a.hiddenSize);
  if (bad !== undefined) throw new UsageError(`--units ${bad}: layer ${o.layer} has ${a.hiddenSize} units (1–${a.hiddenSize})`);
  const { input, steps } = o.input ? fromFile(o.input, a.inputSize) : testSequence(file, { model: o.model, sample: o.sample });
  const step = o.step ?? steps;
  if (step > steps) throw new UsageError(`--step ${step}: the sequence has ${steps} steps (1–${steps})`);
  const values = tidy(() => {
    const x = tensor(input, [1, steps, a.inputSize], a.dtype);
    const traces = file.model.forward(x, { record: true }).trace!;
    const trace = traces.find((t) => t.layer === o.layer - 1 && t.direction === 'forward')!;
    // The layer's input at the step: the sequence, or both directions' outputs of the layer below.
    const xs =
      o.layer === 1
        ? Array.from(input.subarray((step - 1) * a.inputSize, step * a.inputSize))
        : traces
            .filter((t) => t.layer === o.layer - 2)
            .flatMap((t) => Array.from(t.hidden.readSync().subarray((step - 1) * a.hiddenSize, step * a.hiddenSize)));
    return stepValues(
      { gateNames: trace.gateNames, gates: trace.gates?.readSync(), cells: trace.cells?.readSync(), hidden: trace.hidden.readSync() },
      xs,
      { hidden: a.hiddenSize, step, units },
    );
  });
  const cell = diagramCellOf(a);
  const source = o.input ? basename(o.input) : `test sequence ${o.sample}`;
  const svg = cellDiagram(cell, {
    values: values as StepValues,
    units,
    title: `${basename(o.model) === 'model.safetensors' ? basename(dirname(o.model)) : basename(o.model)}: layer ${o.layer}, step ${step} of ${steps}, ${source}`,
  });
  if (o.json) process.stdout.write(`${JSON.stringify({ model: o.model, layer: o.layer, step, steps, units, values })}\n`);
  emit(svg, o.out, () => Object.entries(values).map(([k, v]) => `${k.padEnd(7)} ${v.map((x) => x.toFixed(4)).join(', ')}`), o.json);
}
