import { GATE_TITLES, heatmap, lineChart, type Series } from '@lstm/viz';
import type { CurvePoint, EpochSummary, GateMap, Inspection, Snapshot } from './protocol.js';

// The playground's pictures: @lstm/viz SVG strings from what the worker reports.

/** Running training loss (per batch) and the per-epoch validation loss. */
export function lossChart(points: readonly CurvePoint[], epochs: readonly EpochSummary[], width: number): string {
  const series: Series[] = [
    { name: 'training (running mean)', points: points.map((p) => [p.x, p.loss] as const) },
    { name: 'validation', points: epochs.map((e) => [e.epoch, e.validationLoss] as const), dashed: true },
  ];
  return lineChart(series, { title: 'Loss', xLabel: 'epoch', yLabel: 'loss', width, height: 240 });
}

/** Accuracy per epoch on the three splits (classification, tagging, text). */
export function accuracyChart(epochs: readonly EpochSummary[], width: number): string {
  const pick = (key: 'trainAccuracy' | 'validationAccuracy' | 'testAccuracy') =>
    epochs.filter((e) => e[key] !== undefined).map((e) => [e.epoch, 100 * e[key]!] as const);
  const series: Series[] = [
    { name: 'training', points: pick('trainAccuracy') },
    { name: 'validation', points: pick('validationAccuracy'), dashed: true },
    { name: 'test', points: pick('testAccuracy') },
  ];
  return lineChart(series, { title: 'Accuracy', xLabel: 'epoch', yLabel: 'accuracy (%)', width, height: 240, yDomain: [0, 100] });
}

/** The sigmoid gates of the first layer over the first fixed validation sequence. */
export function gateHeatmap(snapshot: Snapshot, width: number): string {
  const domain: [number, number] = snapshot.gates[0]?.name === 'h' ? [-1, 1] : [0, 1];
  return heatmap(
    snapshot.gates.map((g) => ({ title: GATE_TITLES[g.name] ?? g.name, values: g.values })),
    {
      // A vanilla RNN has no gates: its panel is the hidden state h, and the title says so.
      title:
        domain[0] < 0
          ? `Hidden state h of the first layer after epoch ${snapshot.epoch} (an RNN has no gates; one validation sequence)`
          : `Gates of the first layer after epoch ${snapshot.epoch} (one validation sequence)`,
      xLabel: 'step',
      yLabel: 'unit',
      domain,
      colorMap: domain[0] < 0 ? 'RdBu' : 'viridis',
      colorBarLabel: domain[0] < 0 ? 'h' : 'gate',
      width,
      panelHeight: Math.max(60, Math.min(160, 10 * (snapshot.gates[0]?.values.length ?? 8))),
      xStart: 1,
    },
  );
}

/** Mean ‖∂L/∂h_t‖ per step, now and before training. */
export function flowChart(current: Snapshot, initial: Snapshot | null, width: number): string {
  const steps = (flow: number[]) => flow.map((g, t) => [t + 1, g] as const);
  const series: Series[] = [{ name: `after epoch ${current.epoch}`, points: steps(current.flow) }];
  if (initial && initial !== current) series.push({ name: 'before training', points: steps(initial.flow), dashed: true });
  return lineChart(series, {
    title: 'Gradient flow: how much the loss reaches back to each step',
    xLabel: 'step t',
    yLabel: '‖∂L/∂h_t‖',
    yScale: 'log',
    width,
    height: 240,
  });
}

/** The stepper's picture: every gate, c and h of the shown units over the sequence. */
export function sequenceHeatmap(inspection: Inspection, width: number): string {
  const maps: GateMap[] = [...inspection.gates];
  if (inspection.cells) maps.push({ name: 'c', values: inspection.cells });
  maps.push({ name: 'h', values: inspection.hidden });
  return heatmap(
    maps.map((m) => ({ title: GATE_TITLES[m.name] ?? m.name, values: m.values })),
    {
      title: `Test sequence ${inspection.index}: target ${inspection.target}, predicted ${inspection.prediction}`,
      xLabel: 'step',
      yLabel: 'unit',
      domain: [-1, 1],
      colorMap: 'RdBu',
      colorBarLabel: 'value',
      width,
      panelHeight: Math.max(50, Math.min(120, 8 * inspection.hidden.length)),
      xStart: 1,
    },
  );
}
