import { basename, dirname } from 'node:path';
import { LSTM_VARIANTS, type LstmVariant, tensor, tidy } from '@lstm/core';
import {
  DIAGRAM_CELLS,
  cellDiagram,
  cellEquations,
  stackDiagram,
  xrayValues,
  type DiagramCell,
  type LstmDiagramForm,
  type StepValues,
} from '@lstm/viz';
import { describeLstm, plainVariant, type RecurrentLayer } from '@lstm/layers';
import { selectBackend } from './build.js';
import { UsageError } from './errors.js';
import { readModel } from './use.js';
import { activityOf, emit, fromFile, testSequence } from './viz.js';

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

/** What `--cell` names: a drawn cell, or an LSTM variant (drawn from its form). */
export const DRAWN_CELLS = [
  ...DIAGRAM_CELLS,
  ...Object.keys(LSTM_VARIANTS).filter((v) => v !== 'standard' && v !== 'peephole' && v !== 'coupled'),
];

function drawnCell(name: string): DiagramCell | LstmDiagramForm {
  if ((DIAGRAM_CELLS as readonly string[]).includes(name)) return name as DiagramCell;
  if (Object.hasOwn(LSTM_VARIANTS, name)) return LSTM_VARIANTS[name as LstmVariant];
  if (name === 'ln-lstm')
    throw new UsageError('--cell ln-lstm: the LN-LSTM has no diagram yet; lstm viz gates --model draws its gates and states');
  throw new UsageError(`--cell ${name}: known cells are ${DRAWN_CELLS.join(', ')}`);
}

/** The cell a model's layer draws as: its LSTM form (variant and pins), or its GRU or RNN; LN-LSTM is refused in one line. */
function diagramCellOf(rnn: RecurrentLayer, path: string): DiagramCell | LstmDiagramForm {
  if (rnn.cell === 'lstm') return rnn.form;
  if (rnn.cell === 'gru' || rnn.cell === 'rnn') return rnn.cell;
  throw new UsageError(`${path} is an ${rnn.cell.toUpperCase()}, which has no diagram yet; lstm viz gates draws its gates and states`);
}

/**
 * `lstm viz cell`: the diagram of a cell (or, with --layers, of a stack unrolled in time); with
 * --model and --step, the x-ray of one real step of that model on one test sequence.
 */
export async function vizCell(o: CellOptions): Promise<void> {
  if (!o.model) {
    if (o.step !== undefined || o.units) throw new UsageError('--step and --units draw an x-ray of a model; give --model FILE too');
    const drawn = drawnCell(o.cell);
    const name = o.cell === 'rnn' ? 'RNN' : o.cell === 'gru' ? 'GRU' : 'LSTM';
    const stack = o.layers !== undefined || o.bidirectional;
    const title = typeof drawn === 'object' ? `LSTM, ${o.cell} variant (Greff et al.)` : undefined;
    const svg = stack
      ? stackDiagram({ cell: name, layers: o.layers ?? 1, bidirectional: o.bidirectional ?? false })
      : cellDiagram(drawn, title ? { title } : {});
    if (o.json) process.stdout.write(`${JSON.stringify({ cell: o.cell, equations: cellEquations(drawn) })}\n`);
    emit(svg, o.out, () => [...cellEquations(drawn), '(give --out FILE.svg or FILE.png for the diagram)'], o.json);
    return;
  }
  if (o.layers !== undefined || o.bidirectional || o.cell !== 'lstm')
    throw new UsageError("--cell, --layers and --bidirectional draw a diagram; with --model the x-ray draws the model's own cell");
  await selectBackend(o.backend);
  const file = readModel(o.model);
  const a = file.architecture;
  const cell = diagramCellOf(file.model.rnn, o.model);
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
    const H = a.hiddenSize;
    // The layer's input at each step: the sequence, or both directions' outputs of the layer below.
    const below =
      o.layer === 1
        ? [{ data: input, width: a.inputSize }]
        : traces.filter((t) => t.layer === o.layer - 2).map((t) => ({ data: t.hidden.readSync(), width: H }));
    const inputAt = (t: number) => below.flatMap(({ data, width }) => Array.from(data.subarray(t * width, (t + 1) * width)));
    return xrayValues(
      {
        ...activityOf(
          {
            gateNames: trace.gateNames,
            constantGates: trace.constantGates,
            gates: trace.gates?.readSync(),
            cells: trace.cells?.readSync(),
            hidden: trace.hidden.readSync(),
          },
          { steps, hidden: H, units: units.map((u) => u - 1) },
        ),
        x: Array.from({ length: steps }, (_, t) => {
          const xs = inputAt(t);
          return xs.length === 1 ? xs[0]! : Math.hypot(...xs); // one feature as it is, several as their norm
        }),
      },
      step - 1,
    );
  });
  const source = o.input ? basename(o.input) : `test sequence ${o.sample}`;
  const svg = cellDiagram(cell, {
    values: values as StepValues,
    units,
    title: `${basename(o.model) === 'model.safetensors' ? basename(dirname(o.model)) : basename(o.model)}${a.cell === 'lstm' && !plainVariant(file.model.rnn, 'standard') ? ` (${describeLstm(file.model.rnn)})` : ''}: layer ${o.layer}${a.bidirectional ? ' (forward direction)' : ''}, step ${step} of ${steps}, ${source}`,
  });
  if (o.json) process.stdout.write(`${JSON.stringify({ model: o.model, layer: o.layer, step, steps, units, values })}\n`);
  emit(svg, o.out, () => Object.entries(values).map(([k, v]) => `${k.padEnd(7)} ${v.map((x) => x.toFixed(4)).join(', ')}`), o.json);
}
