import { ValueError } from './errors.js';
import type { LstmForm, LstmVariant } from './kernel-names.js';

// What an LSTM computes, as the fused kernels read it (spec §2 and the variants of Greff et al.,
// "LSTM: A Search Space Odyssey"). Only learned gates have weight rows: the packed blocks are the
// learned ones of i, f, g, o in that order (g is always learned), and the peephole vector has one
// [H] block per learned gate of i, f, o, in that order.

/** PyTorch's nn.LSTM. */
export const STANDARD_LSTM: LstmForm = Object.freeze({
  i: 'learned',
  f: 'learned',
  o: 'learned',
  peephole: false,
  inputActivation: 'tanh',
  cellActivation: 'tanh',
  gateRecurrence: false,
});

const PEEPHOLE: LstmForm = Object.freeze({ ...STANDARD_LSTM, peephole: true });

/**
 * The named variants: PyTorch's cell (standard), the peephole cell and the coupled cell (i = 1 − f)
 * this project has always had, and Greff et al.'s eight, each vanilla (the peephole cell) with one
 * change: NIG no input gate (i = 1), NFG no forget gate (f = 1), NOG no output gate (o = 1), NIAF no
 * input activation (g = the identity), NOAF no output activation (h = o ⊙ c), NP no peepholes (=
 * standard), CIFG f = 1 − i (ONNX's input_forget), FGR full gate recurrence (i, f, o read the
 * previous step's i, f, o through nine more [H, H] matrices).
 */
export const LSTM_VARIANTS: { readonly [V in LstmVariant]: LstmForm } = Object.freeze({
  standard: STANDARD_LSTM,
  peephole: PEEPHOLE,
  coupled: Object.freeze({ ...STANDARD_LSTM, i: 'complement' }),
  vanilla: PEEPHOLE,
  nig: Object.freeze({ ...PEEPHOLE, i: 1 }),
  nfg: Object.freeze({ ...PEEPHOLE, f: 1 }),
  nog: Object.freeze({ ...PEEPHOLE, o: 1 }),
  niaf: Object.freeze({ ...PEEPHOLE, inputActivation: 'identity' }),
  noaf: Object.freeze({ ...PEEPHOLE, cellActivation: 'identity' }),
  np: STANDARD_LSTM,
  cifg: Object.freeze({ ...PEEPHOLE, f: 'complement' }),
  fgr: Object.freeze({ ...PEEPHOLE, gateRecurrence: true }),
});

/** The form of a named variant (a fresh object). */
export function lstmFormOf(variant: LstmVariant): LstmForm {
  return { ...LSTM_VARIANTS[variant] };
}

/** The gates with weight rows, in packing order: i f g o for nn.LSTM, f g o for the coupled cell. */
export function lstmGateRows(form: LstmForm): ('i' | 'f' | 'g' | 'o')[] {
  const rows: ('i' | 'f' | 'g' | 'o')[] = [];
  if (form.i === 'learned') rows.push('i');
  if (form.f === 'learned') rows.push('f');
  rows.push('g');
  if (form.o === 'learned') rows.push('o');
  return rows;
}

/** The gates that see the cell through a peephole, in the peephole vector's order. */
export function lstmPeepholeGates(form: LstmForm): ('i' | 'f' | 'o')[] {
  if (!form.peephole) return [];
  return lstmGateRows(form).filter((g): g is 'i' | 'f' | 'o' => g !== 'g');
}

/** Block offsets (in units of H) of i, f, g, o in a packed row, and of p_i, p_f, p_o; −1 where absent. */
export function lstmOffsets(form: LstmForm): { gates: Record<'i' | 'f' | 'g' | 'o', number>; peephole: Record<'i' | 'f' | 'o', number> } {
  const rows = lstmGateRows(form);
  const peep = lstmPeepholeGates(form);
  return {
    gates: { i: rows.indexOf('i'), f: rows.indexOf('f'), g: rows.indexOf('g'), o: rows.indexOf('o') },
    peephole: { i: peep.indexOf('i'), f: peep.indexOf('f'), o: peep.indexOf('o') },
  };
}

/**
 * The gate-recurrence matrix [3H, 3H] (rows i, f, o; columns i, f, o) widened to the packed rows
 * [4H, 3H]: a zero block for g, whose pre-activation reads no gates. Row-major values.
 */
export function gateRecurrenceRows<A extends Float32Array | Float64Array>(values: A, H: number): A {
  const wide = new (values.constructor as new (n: number) => A)(12 * H * H);
  wide.set(values.subarray(0, 6 * H * H), 0); // rows of i and f
  wide.set(values.subarray(6 * H * H), 9 * H * H); // rows of o, after g's zeros
  return wide;
}

/** A form, checked: every field one of its values, a pin in [0, 1], at most one complement, of a learned gate. */
export function checkLstmForm(op: string, form: LstmForm): LstmForm {
  const gateValue = (name: 'i' | 'f' | 'o', value: unknown, complement: boolean) => {
    if (value === 'learned' || (complement && value === 'complement')) return;
    if (typeof value === 'number' && value >= 0 && value <= 1) return;
    throw new ValueError(
      `${op}: gate ${name} is ${JSON.stringify(value)}; expected 'learned', ${complement ? "'complement', " : ''}or a pinned value in [0, 1]`,
    );
  };
  gateValue('i', form.i, true);
  gateValue('f', form.f, true);
  gateValue('o', form.o, false);
  if (form.i === 'complement' && form.f !== 'learned')
    throw new ValueError(`${op}: i = 1 − f needs a learned forget gate; f is ${JSON.stringify(form.f)}`);
  if (form.f === 'complement' && form.i !== 'learned')
    throw new ValueError(`${op}: f = 1 − i needs a learned input gate; i is ${JSON.stringify(form.i)}`);
  for (const name of ['inputActivation', 'cellActivation'] as const) {
    if (form[name] !== 'tanh' && form[name] !== 'identity')
      throw new ValueError(`${op}: ${name} is ${JSON.stringify(form[name])}; expected 'tanh' or 'identity'`);
  }
  if (typeof form.peephole !== 'boolean') throw new ValueError(`${op}: peephole must be true or false`);
  if (typeof form.gateRecurrence !== 'boolean') throw new ValueError(`${op}: gateRecurrence must be true or false`);
  if (form.gateRecurrence) {
    const fixed = (['i', 'f', 'o'] as const).filter((name) => form[name] !== 'learned');
    if (fixed.length > 0)
      throw new ValueError(
        `${op}: full gate recurrence needs learned i, f and o gates; ${fixed.map((name) => `${name} is ${JSON.stringify(form[name])}`).join(', ')}`,
      );
  }
  return form;
}

/** A one-word description for messages: the first variant with this form, or the form's fields. */
export function describeLstmForm(form: LstmForm): string {
  for (const [name, known] of Object.entries(LSTM_VARIANTS)) if (sameLstmForm(form, known)) return name;
  return JSON.stringify(form);
}

export function sameLstmForm(a: LstmForm, b: LstmForm): boolean {
  return (
    a.i === b.i &&
    a.f === b.f &&
    a.o === b.o &&
    a.peephole === b.peephole &&
    a.inputActivation === b.inputActivation &&
    a.cellActivation === b.cellActivation &&
    a.gateRecurrence === b.gateRecurrence
  );
}
