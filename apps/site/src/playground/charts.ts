import {
  REFERENCE,
  SPLITS,
  cellDiagram,
  gatePanels,
  heatmap,
  lineChart,
  runColor,
  xrayValues,
  type GateActivity,
  type Series,
} from '@lstm/viz';
import { type CellName, type PinChoice, pinnedLstmForm } from './config.js';
import type { CurvePoint, EpochSummary, Inspection, Snapshot } from './protocol.js';

// The playground's pictures: @lstm/viz SVG strings from what the worker reports, in the visual
// language every chart of @lstm shares (packages/viz/README.md): train dashed, validation dotted,
// test solid; gates in PyTorch's order, each on its own scale.

const color = runColor(0);

/** Running training loss (per batch) and the per-epoch validation loss. */
export function lossChart(points: readonly CurvePoint[], epochs: readonly EpochSummary[], width: number): string {
  const series: Series[] = [
    { name: 'train (running mean)', points: points.map((p) => [p.x, p.loss] as const), color, dashed: SPLITS.train.dash },
    { name: 'validation', points: epochs.map((e) => [e.epoch, e.validationLoss] as const), color, dashed: SPLITS.validation.dash },
  ];
  return lineChart(series, { title: 'Loss', xLabel: 'epoch', yLabel: 'loss', yScale: 'log', width, height: 240 });
}

/** Accuracy per epoch on the three splits (classification, tagging, text). */
export function accuracyChart(epochs: readonly EpochSummary[], width: number): string {
  const pick = (key: 'trainAccuracy' | 'validationAccuracy' | 'testAccuracy') =>
    epochs.filter((e) => e[key] !== undefined).map((e) => [e.epoch, 100 * e[key]!] as const);
  const series: Series[] = [
    { name: 'train', points: pick('trainAccuracy'), color, dashed: SPLITS.train.dash },
    { name: 'validation', points: pick('validationAccuracy'), color, dashed: SPLITS.validation.dash },
    { name: 'test', points: pick('testAccuracy'), color },
  ];
  return lineChart(series, { title: 'Accuracy', xLabel: 'epoch', yLabel: 'accuracy (%)', width, height: 240, yDomain: [0, 100] });
}

/** The sigmoid gates of the first layer over the first fixed validation sequence (h for an RNN), in PyTorch's order. */
export function gateHeatmap(snapshot: Snapshot, width: number): string {
  const rnn = snapshot.gates[0]?.name === 'h';
  const byName = Object.fromEntries(snapshot.gates.map((g) => [g.name, g.values]));
  const panels = rnn
    ? gatePanels({ cell: 'rnn', gates: {}, h: byName.h! })
    : gatePanels({ cell: 'r' in byName ? 'gru' : 'lstm', gates: byName });
  return heatmap(panels, {
    // A vanilla RNN has no gates: its panel is the hidden state h, and the title says so.
    title: rnn
      ? `Hidden state h of the first layer after epoch ${snapshot.epoch} (an RNN has no gates; one validation sequence)`
      : `Gates of the first layer after epoch ${snapshot.epoch} (one validation sequence)`,
    xLabel: 'step',
    yLabel: 'unit',
    width,
    panelHeight: Math.max(60, Math.min(160, 10 * (snapshot.gates[0]?.values.length ?? 8))),
  });
}

/** Mean ‖∂L/∂h_t‖ per step, now and (grey, dotted) before training. */
export function flowChart(current: Snapshot, initial: Snapshot | null, width: number): string {
  const steps = (flow: number[]) => flow.map((g, t) => [t + 1, g] as const);
  const series: Series[] = [{ name: `after epoch ${current.epoch}`, points: steps(current.flow), color }];
  if (initial && initial !== current)
    series.push({ name: 'before training', points: steps(initial.flow), color: REFERENCE.color, dashed: REFERENCE.dash });
  return lineChart(series, {
    title: 'Gradient flow: how much the loss reaches back to each step',
    xLabel: 'step t',
    yLabel: '‖∂L/∂h_t‖',
    yScale: 'log',
    width,
    height: 240,
  });
}

/** The first layer's activity over an inspected sequence, for `gatePanels` and the x-ray. */
export function inspectedActivity(inspection: Inspection): GateActivity & { x?: number[] } {
  const gates = Object.fromEntries(inspection.gates.map((g) => [g.name, g.values]));
  const numbers = inspection.inputs.map(Number);
  return {
    cell: inspection.gates.length === 0 ? 'rnn' : 'r' in gates ? 'gru' : 'lstm',
    gates,
    ...(inspection.cells ? { c: inspection.cells } : {}),
    h: inspection.hidden,
    ...(numbers.every(Number.isFinite) ? { x: numbers } : {}),
  };
}

/** The stepper's picture: every gate (PyTorch's order), c and h of the shown units, the inputs under the steps. */
export function sequenceHeatmap(inspection: Inspection, width: number): string {
  return heatmap(gatePanels(inspectedActivity(inspection)), {
    title: `Test sequence ${inspection.index}: target ${inspection.target}, predicted ${inspection.prediction}`,
    xLabel: 'input at each step',
    yLabel: 'unit',
    xLabels: inspection.inputs,
    width,
    panelHeight: Math.max(80, Math.min(120, 8 * inspection.hidden.length)),
  });
}

/**
 * The x-ray of the stepper's step (from 0): the cell's diagram with the values of `units` (from 0)
 * of the first layer on every wire, the gates coloured by their activations. Every LSTM is drawn
 * in its own form (variant and pinned gate); null for the LayerNorm-LSTM, which has no diagram.
 */
export function stepXray(
  inspection: Inspection,
  cell: CellName,
  step: number,
  units: readonly number[],
  pin: PinChoice = 'none',
): string | null {
  const kind = cell === 'gru' || cell === 'rnn' ? cell : pinnedLstmForm(cell, pin);
  if (!kind) return null;
  const activity = inspectedActivity(inspection);
  const pick = (rows: readonly (readonly number[])[] | undefined) => rows && units.map((u) => rows[u]!);
  const values = xrayValues(
    {
      cell: activity.cell,
      gates: Object.fromEntries(Object.entries(activity.gates).map(([g, rows]) => [g, pick(rows)!])),
      ...(activity.c ? { c: pick(activity.c)! } : {}),
      h: pick(activity.h)!,
      ...(activity.x ? { x: activity.x } : {}),
    },
    step,
  );
  return cellDiagram(kind, {
    values,
    units: units.map((u) => u + 1),
    title: `Step ${step + 1} of ${inspection.inputs.length}, input ${inspection.inputs[step] === ' ' ? '␣' : inspection.inputs[step]}`,
  });
}
