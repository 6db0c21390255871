import { heatmap, type HeatmapPanel } from './heatmap.js';
import { GATE_ORDER, gateScale } from './style.js';

/** Titles of the gate (and state) panels, by the letter the layers use (`gateNames`, plus c and h). */
export const GATE_TITLES: Readonly<Record<string, string>> = {
  i: 'input gate i',
  f: 'forget gate f',
  g: 'candidate g',
  o: 'output gate o',
  r: 'reset gate r',
  z: 'update gate z',
  n: 'candidate n',
  c: 'cell state c',
  h: 'hidden state h',
};

/** What happens inside one layer over one sequence, each `units × steps`. */
export interface GateActivity {
  cell: 'lstm' | 'gru' | 'rnn';
  /** Gate activations by letter (i, f, g, o or r, z, n; a variant may lack some). */
  gates: Readonly<Record<string, readonly (readonly number[])[]>>;
  /** The cell state (LSTM) and hidden state, when recorded. */
  c?: readonly (readonly number[])[];
  h?: readonly (readonly number[])[];
}

/**
 * The panels of a gate figure in the one order every picture uses — PyTorch's gates (i, f, g, o
 * or r, z, n), then the cell state and the hidden state — each on its own scale: sigmoid gates
 * on 0…1, candidates and states diverging around 0. `only` keeps a subset (in this order).
 */
export function gatePanels(activity: GateActivity, only?: readonly string[]): HeatmapPanel[] {
  const names = [...GATE_ORDER[activity.cell].filter((g) => activity.gates[g]), ...(activity.c ? ['c'] : []), ...(activity.h ? ['h'] : [])];
  const values = (name: string) => (name === 'c' ? activity.c! : name === 'h' ? activity.h! : activity.gates[name]!);
  return names
    .filter((name) => !only || only.includes(name))
    .map((name) => ({ title: GATE_TITLES[name]!, values: values(name), scale: gateScale(name, values(name)) }));
}

/** The gate figure: `gatePanels` as small multiples, characters under the steps of a text model. */
export function gateFigure(
  activity: GateActivity,
  options: { title: string; only?: readonly string[]; characters?: readonly string[] },
): string {
  const panels = gatePanels(activity, options.only);
  if (panels.length === 0) throw new RangeError('gateFigure: none of the asked gates and states is in the activity');
  return heatmap(panels, {
    title: options.title,
    panelHeight: 130,
    ...(options.characters ? { xLabels: options.characters, xLabel: 'input character' } : {}),
  });
}
