import { type LstmForm, lstmOffsets } from '@lstm/core';

/**
 * An LSTM form (core's lstm-form.ts) as the fused kernels' loops read it: the offsets of the gate
 * blocks in a packed row and of p_i, p_f, p_o in the peephole vector (negative: absent), which
 * gates are learned or complements, the pinned values, and which tanh are dropped.
 */
export function lstmLayout(form: LstmForm, H: number) {
  const { gates, peephole } = lstmOffsets(form);
  const pin = (source: unknown) => (typeof source === 'number' ? source : 0);
  return {
    oI: gates.i * H,
    oF: gates.f * H,
    oG: gates.g * H,
    oO: gates.o * H,
    pI: peephole.i * H,
    pF: peephole.f * H,
    pO: peephole.o * H,
    iOwn: form.i === 'learned',
    fOwn: form.f === 'learned',
    oOwn: form.o === 'learned',
    iMirror: form.i === 'complement',
    fMirror: form.f === 'complement',
    iPin: pin(form.i),
    fPin: pin(form.f),
    oPin: pin(form.o),
    linearG: form.inputActivation === 'identity',
    linearC: form.cellActivation === 'identity',
  };
}
