import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { decodeSafetensors } from '@lstm/layers';
import { encode, saliency } from '@lstm/tasks';
import { binMagnitudes, bulkDecades, histogramGrid, terminalSaliency, textSaliency, useColor, type MagnitudeColumns } from '@lstm/viz';
import { selectBackend } from './build.js';
import { readModel } from './use.js';
import { EXIT, UsageError } from './errors.js';
import { readUserFile } from './files.js';
import { emit } from './viz.js';

/** One recorded epoch read back from DIR/recordings/epoch-NNNN.safetensors. */
export interface RecordedEpoch {
  epoch: number;
  gateNames: string[];
  /** Pinned gates and their constant (absent in recordings from before they were kept). */
  constantGates: Record<string, number>;
  tensors: Record<string, { shape: number[]; data: Float32Array | Float64Array }>;
}

export function readRecordings(run: string): RecordedEpoch[] {
  const directory = join(run, 'recordings');
  readUserFile(join(run, 'metrics.jsonl')); // a missing run folder is one line naming it
  let files: string[] = [];
  try {
    files = readdirSync(directory)
      .filter((f) => /^epoch-\d+\.safetensors$/.test(f))
      .sort();
  } catch {
    files = [];
  }
  if (files.length === 0) throw new UsageError(`${run} has no recordings; train it with --record gates,gradients`, EXIT.badInput);
  return files.map((file) => {
    const path = join(directory, file);
    const { tensors, metadata } = decodeSafetensors(readUserFile(path), path);
    let info: { epoch: number; gateNames: string[]; constantGates?: Record<string, number> };
    try {
      info = JSON.parse(metadata['lstm.recording'] ?? '') as typeof info;
    } catch {
      throw new UsageError(`${path} is not a recording (no 'lstm.recording' metadata)`, EXIT.badInput);
    }
    return { epoch: info.epoch, gateNames: info.gateNames, constantGates: info.constantGates ?? {}, tensors };
  });
}

/** The magnitudes of `kind` (dh or dc) of layer `layer` at each step back from the last, over samples and units. */
function stepsBack(recording: RecordedEpoch, kind: 'dh' | 'dc', layer: number, steps: number): MagnitudeColumns | null {
  const entry = recording.tensors[`${kind}.l${layer}`];
  if (!entry) return null;
  const [S, T, H] = entry.shape as [number, number, number];
  const back = Math.min(steps, T - 1);
  return {
    columns: Array.from({ length: back + 1 }, (_, k) => {
      const t = T - 1 - k;
      const values: number[] = [];
      for (let s = 0; s < S; s++) for (let u = 0; u < H; u++) values.push(entry.data[(s * T + t) * H + u]!);
      return values;
    }),
  };
}

/** Up to five recorded epochs, evenly spread, the first and last always among them. */
function spread<T>(items: readonly T[], most = 5): T[] {
  if (items.length <= most) return [...items];
  return Array.from({ length: most }, (_, k) => items[Math.round((k * (items.length - 1)) / (most - 1))]!);
}

export interface HistogramRun {
  run: string;
  cell: string;
  recordings: RecordedEpoch[];
}

/**
 * The histogram grid (E3): rows are runs × layers × (∂L/∂h_t, ∂L/∂c_t), columns are recorded
 * epochs (up to five; with two runs, the epochs both recorded), every panel on one log range that
 * holds the bulk of the values, with exact zeros counted apart. Returns the figure and its counts.
 */
export function histogramFigure(runs: readonly HistogramRun[], layers: readonly number[], steps: number) {
  const common = runs[0]!.recordings.map((r) => r.epoch).filter((e) => runs.every((run) => run.recordings.some((r) => r.epoch === e)));
  const epochs = spread(common);
  const rows: { label: string; cells: MagnitudeColumns[] }[] = [];
  // Rows name their run where there are two: by cell and folder (and by order if those agree).
  const runNames = runs.map((run) => `${run.cell.toUpperCase()} ${basename(run.run)}`);
  const runName = (i: number) => (runNames.indexOf(runNames[i]!) !== i ? `${runNames[i]} (${i + 1})` : runNames[i]!);
  for (const [i, run] of runs.entries())
    for (const layer of layers)
      for (const kind of ['dh', 'dc'] as const) {
        const cells = epochs.map((e) => stepsBack(run.recordings.find((r) => r.epoch === e)!, kind, layer - 1, steps));
        if (cells.some((c) => c === null)) continue;
        const name = kind === 'dh' ? '|∂L/∂h_t|' : '|∂L/∂c_t|';
        rows.push({
          label: `${runs.length > 1 ? `${runName(i)} ` : ''}${layers.length > 1 ? `L${layer} ` : ''}${name}`,
          cells: cells as MagnitudeColumns[],
        });
      }
  if (rows.length === 0)
    throw new UsageError(
      `${runs[0]!.run}'s recordings hold no gradients of layer ${layers.join(', ')}; train with --record gradients`,
      EXIT.badInput,
    );
  const cells = rows.map((r) => r.cells);
  // One range and one bin width for the figure and the counts printed beside it.
  const [low, high] = bulkDecades(cells.flat());
  const binsPerDecade = 2;
  const svg = histogramGrid(cells, {
    title: `Per-step gradient magnitudes, ${steps} steps back to the last, by recorded epoch (log scale)`,
    rows: rows.map((r) => r.label),
    columns: epochs.map((e) => `epoch ${e}`),
    decades: [low, high],
    binsPerDecade,
  });
  const bins = (high - low) * binsPerDecade;
  const panels = rows.flatMap((row) =>
    row.cells.map((cell, k) => {
      const binned = cell.columns.map((column) => binMagnitudes(column, low, high, bins));
      return {
        row: row.label,
        epoch: epochs[k]!,
        decades: [low, high],
        counts: binned.map((b) => b.counts),
        zeros: binned.map((b) => b.zeros),
        values: cell.columns[0]!.length,
      };
    }),
  );
  return { svg, epochs, panels };
}

/** A run folder's recordings and cell, for the histograms. */
export function histogramRun(run: string): HistogramRun {
  const recordings = readRecordings(run);
  let cell = 'lstm';
  try {
    cell =
      (
        JSON.parse(decodeSafetensors(readUserFile(join(run, 'model.safetensors')), run).metadata['lstm.architecture'] ?? '{}') as {
          cell?: string;
        }
      ).cell ?? (recordings[0]!.gateNames.length ? 'lstm' : 'rnn');
  } catch {
    cell = recordings[0]!.gateNames.includes('r') ? 'gru' : recordings[0]!.gateNames.length ? 'lstm' : 'rnn';
  }
  return { run, cell, recordings };
}

/** `lstm viz histograms --run DIR [--compare DIR2]`: per-step gradient histograms, epochs × layers (E3). */
export function vizHistograms(o: { run: string; compare?: string; layer?: number; steps: number; out?: string; json?: boolean }): void {
  const runs = [histogramRun(o.run), ...(o.compare ? [histogramRun(o.compare)] : [])];
  const depth = Math.max(
    ...runs[0]!.recordings.flatMap((r) => Object.keys(r.tensors).flatMap((k) => (/^dh\.l\d+$/.test(k) ? [Number(k.slice(4)) + 1] : []))),
    1,
  );
  const layers = o.layer ? [o.layer] : Array.from({ length: depth }, (_, k) => k + 1);
  const { svg, epochs, panels } = histogramFigure(runs, layers, o.steps);
  if (o.json) process.stdout.write(`${JSON.stringify({ runs: runs.map((r) => r.run), layers, epochs, panels })}\n`);
  emit(
    svg,
    o.out,
    () =>
      panels.map(
        (p) =>
          `${p.row}, epoch ${p.epoch}: ${p.counts.length} steps, zeros ${p.zeros.reduce((a, b) => a + b, 0)} of ${p.values * p.counts.length}`,
      ),
    o.json,
  );
}

/**
 * `lstm viz connectivity --model FILE --text TEXT` (E3, article A4): how much the prediction after
 * the last (or the `--position`th) character depends on each earlier character, per model.
 */
export async function vizConnectivity(o: {
  model: string;
  text: string;
  position?: number;
  compare?: string;
  out?: string;
  json?: boolean;
  backend?: string;
}): Promise<void> {
  await selectBackend(o.backend);
  const characters = [...o.text];
  if (characters.length === 0) throw new UsageError('--text is empty; give the text whose connectivity to show');
  const position = o.position ?? characters.length - 1;
  if (position >= characters.length)
    throw new UsageError(`--position ${position}: the text has ${characters.length} characters (0–${characters.length - 1})`);
  const rows = [o.model, ...(o.compare ? [o.compare] : [])].map((path) => {
    const file = readModel(path);
    const vocabulary = file.stored.vocabulary;
    if (!vocabulary) throw new UsageError(`${path} is not a text model (no vocabulary); train one with lstm train --task text`);
    const unknown = [...new Set(characters.filter((c) => !vocabulary.includes(c)))];
    if (unknown.length)
      throw new UsageError(
        `--text has characters ${JSON.stringify(unknown.join(''))} outside ${path}'s vocabulary of ${vocabulary.length}`,
      );
    const result = saliency(file.model, encode(characters.slice(0, position + 1).join(''), vocabulary), position, vocabulary.length);
    return {
      model: path,
      cell: file.architecture.cell,
      predicted: vocabulary[result.predicted]!,
      probability: result.probability,
      values: result.values,
    };
  });
  const svg = textSaliency(
    rows.map((r) => ({
      label: `${r.cell.toUpperCase()} (${basename(r.model) === 'model.safetensors' ? basename(dirname(r.model)) : basename(r.model)}): predicts ${JSON.stringify(r.predicted)} at p = ${r.probability.toFixed(2)}`,
      characters: characters.slice(0, position + 1),
      values: r.values,
      predicted: r.predicted,
    })),
    { title: `Which characters the next prediction depends on: |∂ log p / ∂ x_t|` },
  );
  if (o.json) process.stdout.write(`${JSON.stringify({ text: o.text, position, rows })}\n`);
  const color = useColor(process.stdout, process.env);
  emit(
    svg,
    o.out,
    () =>
      rows.flatMap((r) => [
        `${r.cell} (${r.model}) predicts ${JSON.stringify(r.predicted)} at p = ${r.probability.toFixed(2)}:`,
        ...terminalSaliency(characters.slice(0, position + 1), r.values, { color, predicted: r.predicted }),
      ]),
    o.json,
  );
}
