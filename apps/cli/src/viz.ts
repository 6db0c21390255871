import { basename, dirname, extname } from 'node:path';
import { tensor, tidy } from '@lstm/core';
import { unpackGates, unpackState } from '@lstm/layers';
import { oneHot } from '@lstm/tasks';
import { ensureDirectory, writeFileAtomic } from '@lstm/tasks/node';
import { GATE_ORDER, gateFigure, gatePanels, terminalHeatmap, useColor, type GateActivity } from '@lstm/viz';
import { svgToPng } from '@lstm/viz/node';
import { buildTask, selectBackend } from './build.js';
import { EXIT, UsageError } from './errors.js';
import { assertFitsInMemory } from './memory.js';
import { readModel, readSequences } from './use.js';

/**
 * Where a chart goes: a file (.svg or .png, by extension), or a preview in the terminal — unless
 * `--json` already printed the numbers to stdout, which then stays pure JSON.
 */
export function emit(svg: string, out: string | undefined, preview: () => string[], json = false): void {
  if (!out) {
    if (!json) process.stdout.write(`${preview().join('\n')}\n`);
    return;
  }
  const kind = extname(out).toLowerCase();
  if (kind === '.svg' || kind === '.png') ensureDirectory(dirname(out)); // a figure's folder is made, as a run's is
  if (kind === '.svg') writeFileAtomic(out, svg);
  else if (kind === '.png') writeFileAtomic(out, svgToPng(svg));
  else throw new UsageError(`--out ${out}: the format comes from the extension; use .svg or .png`);
  process.stderr.write(`wrote ${out}\n`);
}

export const terminalWidth = (): number => Math.max(20, Math.min(process.stdout.columns ?? 80, 160));

// ─── gates ──────────────────────────────────────────────────────────────────────────────────

export interface GatesOptions {
  model: string;
  layer: number;
  units?: number;
  sample: number;
  gates?: string[];
  input?: string;
  out?: string;
  json?: boolean;
  backend?: string;
}

/**
 * `lstm viz gates --model FILE`: the gates, cell state and hidden state of one layer over one
 * test sequence of the model's own task (rebuilt from the options stored with it), `units × steps`
 * each, in PyTorch's gate order, each on its own scale; a text model's characters on the time axis.
 */
export async function vizGates(o: GatesOptions): Promise<void> {
  await selectBackend(o.backend);
  const file = readModel(o.model);
  const { architecture: a } = file;
  if (a.cell === 'rnn') throw new UsageError(`${o.model} is a vanilla RNN, which has no gates; use an LSTM or GRU model`);
  if (o.layer > a.numLayers) throw new UsageError(`--layer ${o.layer}: ${o.model} has ${a.numLayers} layer(s)`);
  const units = o.units ?? Math.min(8, a.hiddenSize);
  if (units > a.hiddenSize) throw new UsageError(`--units ${units}: layer ${o.layer} has ${a.hiddenSize} units`);
  const { input, steps, characters } = o.input ? fromFile(o.input, a.inputSize) : testSequence(file, o);
  const activity = tidy((): GateActivity => {
    const x = tensor(input, [1, steps, a.inputSize], a.dtype);
    const trace = file.model.forward(x, { record: true }).trace!.find((t) => t.layer === o.layer - 1 && t.direction === 'forward')!;
    return activityOf(
      {
        gateNames: trace.gateNames,
        constantGates: trace.constantGates,
        gates: trace.gates?.readSync(),
        cells: trace.cells?.readSync(),
        hidden: trace.hidden.readSync(),
      },
      { steps, hidden: a.hiddenSize, units: Array.from({ length: units }, (_, u) => u) },
    );
  });
  const names = [...GATE_ORDER[activity.cell].filter((g) => activity.gates[g]), ...(activity.c ? ['c'] : []), 'h'];
  if (o.gates) {
    const missing = o.gates.filter((g) => !names.includes(g));
    const kind = a.cell === 'gru' ? 'a GRU' : `an LSTM (${a.variant ?? 'standard'})`;
    if (missing.length) throw new UsageError(`--gates ${missing.join(',')}: ${o.model} is ${kind}; it shows ${names.join(', ')}`);
  }
  const shown = names.filter((n) => !o.gates || o.gates.includes(n));
  const source = o.input ? basename(o.input) : `test sequence ${o.sample}`;
  const svg = gateFigure(activity, {
    title: `${a.cell.toUpperCase()} layer ${o.layer}, units 1–${units}, ${source}`,
    only: shown,
    ...(characters ? { characters } : {}),
  });
  const panels = gatePanels(activity, shown);
  if (o.json) {
    const values = Object.fromEntries(shown.map((g, k) => [g, panels[k]!.values]));
    process.stdout.write(
      `${JSON.stringify({ model: o.model, layer: o.layer, sample: o.sample, steps, units, gates: values, characters })}\n`,
    );
  }
  const color = useColor(process.stdout, process.env);
  emit(
    svg,
    o.out,
    () => [
      ...(characters ? [`text: ${characters.join('')}`] : []),
      ...panels.flatMap((p) => [
        `${p.title}  (${p.scale!.label}: ${p.scale!.colorMap === 'viridis' ? 'dark = 0, yellow = 1' : 'blue < 0 < red'})`,
        ...terminalHeatmap(p.values, { width: terminalWidth(), color, domain: p.scale!.domain, colorMap: p.scale!.colorMap }),
      ]),
    ],
    o.json,
  );
}

/** One layer-direction's record of a sequence, read back: gates packed [steps, G·H] in `gateNames` order, states [steps, H]. */
export interface RecordedLayer {
  gateNames: readonly string[];
  /** Pinned gates (no rows in `gates`): drawn as their constant. */
  constantGates?: Readonly<Record<string, number>>;
  gates?: ArrayLike<number>;
  cells?: ArrayLike<number>;
  hidden?: ArrayLike<number>;
}

/**
 * The `GateActivity` of chosen units (from 0) of a recorded layer — each gate, c and h as
 * `units × steps` — as `viz gates`, `viz cell` and the report draw it.
 */
export function activityOf(layer: RecordedLayer, o: { steps: number; hidden: number; units: readonly number[] }): GateActivity {
  const G = layer.gateNames.length;
  return {
    cell: G === 0 ? 'rnn' : layer.gateNames.includes('r') ? 'gru' : 'lstm',
    gates: Object.fromEntries(layer.gates ? unpackGates(layer, layer.gates, o) : []),
    ...(layer.cells ? { c: unpackState(layer.cells, o) } : {}),
    ...(layer.hidden ? { h: unpackState(layer.hidden, o) } : {}),
  };
}

/** The first sequence of an --input file (JSON or CSV, as `lstm predict` reads them). */
export function fromFile(path: string, inputSize: number): { input: Float32Array; steps: number; characters?: string[] } {
  const [sequence] = readSequences(path, inputSize);
  return { input: Float32Array.from(sequence!.flat()), steps: sequence!.length };
}

/** Test sequence `--sample` of the task stored with the model, rebuilt from its options. */
export function testSequence(
  file: ReturnType<typeof readModel>,
  o: { model: string; sample: number },
): { input: Float32Array; steps: number; characters?: string[] } {
  const options = file.stored.task?.options;
  if (!options)
    throw new UsageError(`${o.model} has no task stored with it; give --input FILE or a model written by lstm train`, EXIT.badInput);
  assertFitsInMemory({ ...options, hidden: file.architecture.hiddenSize, layers: file.architecture.numLayers, batchSize: 1 });
  const sample = sampleOf(buildTask(options), o.sample);
  const vocabulary = file.stored.vocabulary;
  return { ...sample, ...(sample.codes && vocabulary ? { characters: Array.from(sample.codes, (k) => vocabulary[k] ?? '?') } : {}) };
}

/** Test sequence `index` of a task as model input: rows of a generated task, or text's first characters. */
function sampleOf(task: ReturnType<typeof buildTask>, index: number): { input: Float32Array; steps: number; codes?: ArrayLike<number> } {
  if (task.objective === 'language-model') {
    const steps = Math.min(80, task.test.length);
    const start = Math.min(index * steps, Math.max(0, task.test.length - steps));
    const codes = task.test.subarray(start, start + steps);
    return { input: oneHot(codes, task.inputSize), steps, codes };
  }
  const split = task.test;
  if (index >= split.size) throw new UsageError(`--sample ${index}: the test split has ${split.size} sequences (0–${split.size - 1})`);
  const width = split.inputs.length / split.size;
  return { input: split.inputs.slice(index * width, (index + 1) * width), steps: task.steps };
}
