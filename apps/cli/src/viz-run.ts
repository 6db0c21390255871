import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { decodeSafetensors } from '@lstm/layers';
import { encode, saliency } from '@lstm/tasks';
import { heatmap, sparkline, textSaliency, type HeatmapPanel } from '@lstm/viz';
import { selectBackend } from './build.js';
import { readModel } from './use.js';
import { EXIT, UsageError } from './errors.js';
import { readUserFile } from './files.js';
import { emit } from './viz.js';

/** One recorded epoch read back from DIR/recordings/epoch-NNNN.safetensors. */
export interface RecordedEpoch {
  epoch: number;
  gateNames: string[];
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
    let info: { epoch: number; gateNames: string[] };
    try {
      info = JSON.parse(metadata['lstm.recording'] ?? '') as typeof info;
    } catch {
      throw new UsageError(`${path} is not a recording (no 'lstm.recording' metadata)`, EXIT.badInput);
    }
    return { epoch: info.epoch, gateNames: info.gateNames, tensors };
  });
}

/**
 * Histograms of per-step gradients (E3): for each recorded epoch, the distribution of
 * log10 |∂L/∂h_t| (or ∂L/∂c_t) over samples and units at every step from `steps` back to the last,
 * one heatmap panel per epoch: columns are steps back, rows log-magnitude bins, colour the share.
 */
function gradientHistograms(
  recordings: RecordedEpoch[],
  kind: 'dh' | 'dc',
  layer: number,
  steps: number,
  range?: [number, number],
): { panels: HeatmapPanel[]; low: number; high: number } | null {
  const bins = 16;
  const found = recordings.filter((r) => r.tensors[`${kind}.l${layer - 1}`]);
  if (found.length === 0) return null;
  const logs = found.map((r) => {
    const { shape, data } = r.tensors[`${kind}.l${layer - 1}`]!;
    const [S, T, H] = shape as [number, number, number];
    const back = Math.min(steps, T - 1);
    return Array.from({ length: back + 1 }, (_, k) => {
      const t = T - 1 - k;
      const values: number[] = [];
      for (let s = 0; s < S; s++) for (let u = 0; u < H; u++) values.push(Math.log10(Math.abs(data[(s * T + t) * H + u]!) + 1e-30));
      return values;
    });
  });
  const finite = logs.flat(2).filter((v) => v > -29);
  const [low, high] = range ?? [Math.floor(Math.min(...finite)), Math.ceil(Math.max(...finite))];
  const panels = found.map((r, i) => {
    const columns = logs[i]!;
    const values = Array.from({ length: bins }, (_, b) =>
      columns.map(
        (column) =>
          column.filter((v) => Math.min(bins - 1, Math.max(0, Math.floor(((v - low) / (high - low)) * bins))) === bins - 1 - b).length /
          column.length,
      ),
    );
    return { title: `epoch ${r.epoch}: log10 |${kind === 'dh' ? '∂L/∂h_t' : '∂L/∂c_t'}|`, values };
  });
  return { panels, low, high };
}

/** The histogram figure of a run's recordings, and its panels (the numbers behind it). */
export function histogramFigure(
  run: string,
  recordings: RecordedEpoch[],
  layer: number,
  steps: number,
): { svg: string; panels: HeatmapPanel[] } {
  // One log-magnitude axis for both kinds: the union of their ranges.
  const first = [gradientHistograms(recordings, 'dh', layer, steps), gradientHistograms(recordings, 'dc', layer, steps)].filter(
    (h) => h !== null,
  );
  const range: [number, number] = [Math.min(...first.map((h) => h.low)), Math.max(...first.map((h) => h.high))];
  const dh = gradientHistograms(recordings, 'dh', layer, steps, range);
  if (!dh) throw new UsageError(`${run}'s recordings hold no gradients of layer ${layer}; train with --record gradients`, EXIT.badInput);
  const dc = gradientHistograms(recordings, 'dc', layer, steps, range)?.panels ?? [];
  const panels = dh.panels.flatMap((p, i) => (dc[i] ? [p, dc[i]!] : [p]));
  const bin = (dh.high - dh.low) / 16;
  const svg = heatmap(panels, {
    title: `Per-step gradients of layer ${layer}, ${steps} steps back to the last, at each recorded epoch`,
    xLabel: 'steps back from the last',
    yLabel: 'log10 |gradient|',
    yRange: [dh.high - bin / 2, dh.low + bin / 2],
    xStart: 0,
    colorBarLabel: 'share',
    colorMap: 'magma',
    panelHeight: 120,
    skipZeros: true,
  });
  return { svg, panels };
}

/** `lstm viz histograms --run DIR`: per-step gradient histograms at every recorded epoch (E3). */
export function vizHistograms(o: { run: string; layer: number; steps: number; out?: string; json?: boolean }): void {
  const recordings = readRecordings(o.run);
  const { svg, panels } = histogramFigure(o.run, recordings, o.layer, o.steps);
  if (o.json) process.stdout.write(`${JSON.stringify({ run: o.run, layer: o.layer, epochs: recordings.map((r) => r.epoch), panels })}\n`);
  emit(svg, o.out, () => panels.map((p) => `${p.title}: ${p.values[0]!.length} steps`), o.json);
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
  emit(
    svg,
    o.out,
    () =>
      rows.map(
        (r) =>
          `${r.cell} → ${JSON.stringify(r.predicted)}: ${sparkline(r.values, { width: Math.min(characters.length, 120), color: false })}`,
      ),
    o.json,
  );
}
