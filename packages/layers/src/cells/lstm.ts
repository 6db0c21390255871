import {
  GATE_ACTIVATIONS,
  LSTM_VARIANTS,
  type LstmForm,
  type LstmVariant,
  ValueError,
  lstmBackward,
  lstmForward,
  lstmGateRows,
  lstmOffsets,
  lstmPeepholeGates,
  sameLstmForm,
} from '@lstm/core';
import type { CellConfig } from '../recurrent-types.js';
import { type Cell, type CellOptions, kernelGradients, need, pick, projections, recurrentWeights } from './cell.js';

const VARIANTS = Object.keys(LSTM_VARIANTS) as LstmVariant[];
const PINNABLE = ['i', 'f', 'o'] as const;

/**
 * The form a variant and pins give: each pinned gate of i, f, o becomes its constant. A pin must
 * name a gate the variant learns and a value in [0, 1].
 */
export function pinnedForm(variant: LstmVariant, pin: Readonly<Record<string, number>>, what: string): LstmForm {
  const form: LstmForm = { ...LSTM_VARIANTS[variant] };
  for (const [gate, value] of Object.entries(pin)) {
    if (!(PINNABLE as readonly string[]).includes(gate))
      throw new ValueError(`${what}: cannot pin gate '${gate}'; pin one of i, f, o (e.g. --pin f=1)`);
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1)
      throw new ValueError(`${what}: pin ${gate}=${String(value)} is not a gate value; give a number in [0, 1]`);
    const name = gate as (typeof PINNABLE)[number];
    if (form.gateRecurrence)
      throw new ValueError(`${what}: variant '${variant}' feeds every gate of i, f, o back into the others; pin a gate of another variant`);
    if (form[name] !== 'learned')
      throw new ValueError(`${what}: variant '${variant}' has no learned gate ${gate} to pin (it is ${JSON.stringify(form[name])})`);
    form[name] = value;
  }
  return form;
}

/** An LSTM's variant and pins in words: 'peephole LSTM', 'standard LSTM with f pinned to 1'. */
export function describeLstm(config: Pick<CellConfig, 'variant' | 'pin'>): string {
  const pins = Object.entries(config.pin).map(([gate, value]) => `${gate} pinned to ${value}`);
  return `${config.variant} LSTM${pins.length > 0 ? ` with ${pins.join(', ')}` : ''}`;
}

/** The named variant an LSTM's form is, if it has no pins and is that variant's form exactly; else null. */
export function plainVariant<V extends LstmVariant>(config: Pick<CellConfig, 'form'>, ...variants: V[]): V | null {
  return variants.find((v) => sameLstmForm(config.form, LSTM_VARIANTS[v])) ?? null;
}

/**
 * The LSTM (spec §2) in every form core's kernels take: PyTorch's nn.LSTM, the peephole and
 * coupled cells, Greff et al.'s variants, pinned gates, σ or hardSigmoid gates.
 */
export const lstm: Cell = {
  name: 'lstm',
  description: 'long short-term memory (PyTorch nn.LSTM: i, f, g, o), with variants and pinned gates',
  options: { variant: VARIANTS, pin: PINNABLE, gateActivation: GATE_ACTIVATIONS },
  configure: (options: CellOptions, what: string) => {
    const variant = pick(options, 'variant', VARIANTS, what);
    const pin = { ...(options.pin ?? {}) };
    return {
      variant,
      form: pinnedForm(variant, pin, what),
      pin,
      nonlinearity: 'tanh',
      gateActivation: pick(options, 'gateActivation', GATE_ACTIVATIONS, what),
    };
  },
  gateNames: (config) => lstmGateRows(config.form),
  constantGates: (config) => {
    const constants: Record<string, number> = {};
    for (const gate of PINNABLE) {
      const value = config.form[gate];
      if (typeof value === 'number') constants[gate] = value;
    }
    return constants;
  },
  hasCellState: true,
  parameters: (config, inputSize, H) =>
    projections(lstmGateRows(config.form).length, inputSize, H, lstmPeepholeGates(config.form).length * H, config.form.gateRecurrence),
  setForgetBias: (config: CellConfig, values, H, value) => {
    const { gates } = lstmOffsets(config.form);
    // CIFG (f = 1 − i): σ(−b) = 1 − σ(b), so an input-gate bias of −value starts f at σ(value) exactly.
    const [k, total] = config.form.f === 'complement' ? [gates.i, -value] : [gates.f, value];
    if (k < 0) {
      const why =
        config.pin.f !== undefined ? `the forget gate is pinned to ${config.pin.f}` : `variant '${config.variant}' has no forget gate`;
      throw new ValueError(`LSTM: ${why}, so it has no bias to set — drop forgetBias (--forget-bias)`);
    }
    values.biasIh?.fill(total, k * H, (k + 1) * H);
    values.biasHh?.fill(0, k * H, (k + 1) * H);
  },
  forward: (config, x, weights, h0, c0, options) =>
    lstmForward(x, recurrentWeights(weights), h0, need(c0, 'c0'), { ...options, form: config.form, gateActivation: config.gateActivation }),
  backward: (config, x, weights, h0, c0, saved, grads, options) => {
    const kept = { y: saved.y, gates: need(saved.gates, 'gates'), cells: need(saved.cells, 'cells') };
    return kernelGradients(
      lstmBackward(x, recurrentWeights(weights), h0, need(c0, 'c0'), kept, grads, {
        ...options,
        form: config.form,
        gateActivation: config.gateActivation,
      }),
    );
  },
};
