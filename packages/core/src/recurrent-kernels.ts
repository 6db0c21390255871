import type { TensorInfo } from './tensor-info.js';

// ─── Fused recurrent kernels (the fast path) ──────────────────────────────────────────────
//
// One layer, one direction, the whole sequence. Weight layout is PyTorch's: gate blocks are
// stacked along the first axis of weightIh [G·H, I] and weightHh [G·H, H]:
//   LSTM standard / peephole   G = 4   i, f, g, o
//   LSTM coupled               G = 3   f, g, o      (i = 1 − f)
//   other LSTM forms           the learned gates of i, f, g, o, in that order (lstm-form.ts)
//   GRU                        G = 3   r, z, n
//   RNN                        G = 1
// Peephole weights are one vector, an [H] block per learned gate of i, f, o: [3H] p_i, p_f, p_o.
// Gate recurrence (Greff's FGR) is one [3H, 3H] matrix: the pre-activations of i, f, o (rows) read
// the values of i, f, o at the previous step (columns), which are 0 before the first step.
//
// `lengths` (per batch row, 1 ≤ length ≤ T) marks padded steps: they leave the state untouched
// and write zeros to y, as PyTorch's packed sequences do. With `reverse` the layer reads each
// row from its last valid step back to step 0.

export const LstmForward = 'LstmForward';
export const LstmBackward = 'LstmBackward';
export const GruForward = 'GruForward';
export const GruBackward = 'GruBackward';
export const RnnForward = 'RnnForward';
export const RnnBackward = 'RnnBackward';
export const RECURRENT_KERNELS = [LstmForward, LstmBackward, GruForward, GruBackward, RnnForward, RnnBackward] as const;
export type RecurrentKernelName = (typeof RECURRENT_KERNELS)[number];

/** Named LSTM forms (lstm-form.ts): this project's three, and Greff et al.'s (vanilla = peephole, np = standard, fgr). */
export type LstmVariant = 'standard' | 'peephole' | 'coupled' | 'vanilla' | 'nig' | 'nfg' | 'nog' | 'niaf' | 'noaf' | 'np' | 'cifg' | 'fgr';
/**
 * How an LSTM gate gets its value: from its own weights ('learned'), pinned to a constant in [0, 1]
 * (no weights), or 'complement': 1 − the other of i and f (i = 1 − f: the coupled cell; f = 1 − i:
 * CIFG, ONNX's input_forget).
 */
export type LstmGate = 'learned' | 'complement' | number;
/**
 * What an LSTM computes: each gate's source, peepholes (learned i, f see c_{t−1}, o sees c_t), the
 * candidate's squashing (g = tanh or the identity) and the cell's (h = o ⊙ tanh(c) or o ⊙ c).
 * Greff et al.'s variants are forms: NIG i = 1, NFG f = 1, NOG o = 1, NIAF inputActivation
 * 'identity', NOAF cellActivation 'identity', NP no peepholes, CIFG f = 'complement', FGR
 * gateRecurrence (every gate of i, f, o also reads the three gates' values of the previous step
 * through a [3H, 3H] matrix; i, f, o must all be learned).
 */
export interface LstmForm {
  i: LstmGate;
  f: LstmGate;
  o: 'learned' | number;
  peephole: boolean;
  inputActivation: 'tanh' | 'identity';
  cellActivation: 'tanh' | 'identity';
  gateRecurrence: boolean;
}

/**
 * The squashing function of an LSTM's or GRU's gates: 'sigmoid' (PyTorch's, ONNX's default) or
 * 'hardSigmoid', clip(0.2·x + 0.5, 0, 1) — TensorFlow.js's default recurrent activation (and
 * Keras 2's, and ONNX's HardSigmoid with α = 0.2, β = 0.5). Its derivative is 0.2 inside (0, 1), 0 outside.
 */
export type GateActivation = 'sigmoid' | 'hardSigmoid';
export type RnnNonlinearity = 'tanh' | 'relu';

export interface RecurrentAttrs {
  reverse: boolean;
  /** Valid steps per batch row, or null when every row has T steps. */
  lengths: Int32Array | null;
  /**
   * Forward: keep the per-step activations (gates, cells) that the backward needs and that
   * introspection shows. Backward: also return per-step ∂L/∂h_t (and ∂L/∂c_t for LSTM).
   * When false nothing per-step is stored beyond y.
   */
  record: boolean;
}

export interface LstmForwardInputs {
  x: TensorInfo; // [B, T, I]
  weightIh: TensorInfo; // [G·H, I]
  weightHh: TensorInfo; // [G·H, H]
  biasIh: TensorInfo; // [G·H]
  biasHh: TensorInfo; // [G·H]
  h0: TensorInfo; // [B, H]
  c0: TensorInfo; // [B, H]
  peephole?: TensorInfo; // [P·H], forms with peepholes only (P learned gates of i, f, o)
  gateRecurrence?: TensorInfo; // [3H, 3H], forms with gate recurrence only: rows i, f, o ← columns i, f, o of t − 1
}
export interface LstmAttrs extends RecurrentAttrs {
  form: LstmForm;
  /** Absent: 'sigmoid'. */
  gateActivation?: GateActivation;
}
export interface LstmForwardOutputs {
  y: TensorInfo; // [B, T, H]  h_t at every valid step, 0 at padded steps
  h: TensorInfo; // [B, H]     final hidden state
  c: TensorInfo; // [B, H]     final cell state
  gates?: TensorInfo; // [B, T, G·H] post-activation gates (record only; 0 at padded steps)
  cells?: TensorInfo; // [B, T, H]   c_t (record only; carried value at padded steps)
}
export interface LstmBackwardInputs {
  x: TensorInfo;
  weightIh: TensorInfo;
  weightHh: TensorInfo;
  peephole?: TensorInfo;
  gateRecurrence?: TensorInfo;
  h0: TensorInfo;
  c0: TensorInfo;
  y: TensorInfo;
  gates: TensorInfo;
  cells: TensorInfo;
  dy?: TensorInfo; // [B, T, H] ∂L/∂y, absent = zeros
  dh?: TensorInfo; // [B, H] ∂L/∂h_final, absent = zeros
  dc?: TensorInfo; // [B, H] ∂L/∂c_final, absent = zeros
}
export interface LstmBackwardOutputs {
  dx: TensorInfo;
  dh0: TensorInfo;
  dc0: TensorInfo;
  dWeightIh: TensorInfo;
  dWeightHh: TensorInfo;
  dBiasIh: TensorInfo;
  dBiasHh: TensorInfo;
  dPeephole?: TensorInfo;
  dGateRecurrence?: TensorInfo;
  dhSteps?: TensorInfo; // [B, T, H] total ∂L/∂h_t (record only)
  dcSteps?: TensorInfo; // [B, T, H] total ∂L/∂c_t (record only)
}

export interface GruForwardInputs {
  x: TensorInfo;
  weightIh: TensorInfo; // [3H, I]
  weightHh: TensorInfo; // [3H, H]
  biasIh: TensorInfo;
  biasHh: TensorInfo;
  h0: TensorInfo;
}
export interface GruAttrs extends RecurrentAttrs {
  /** Absent: 'sigmoid'. */
  gateActivation?: GateActivation;
}
export interface GruForwardOutputs {
  y: TensorInfo;
  h: TensorInfo;
  gates?: TensorInfo; // [B, T, 3H] r, z, n (record only)
  hn?: TensorInfo; // [B, T, H] W_hn h_{t-1} + b_hn, needed by the backward (record only)
}
export interface GruBackwardInputs {
  x: TensorInfo;
  weightIh: TensorInfo;
  weightHh: TensorInfo;
  h0: TensorInfo;
  y: TensorInfo;
  gates: TensorInfo;
  hn: TensorInfo;
  dy?: TensorInfo;
  dh?: TensorInfo;
}
export interface GruBackwardOutputs {
  dx: TensorInfo;
  dh0: TensorInfo;
  dWeightIh: TensorInfo;
  dWeightHh: TensorInfo;
  dBiasIh: TensorInfo;
  dBiasHh: TensorInfo;
  dhSteps?: TensorInfo;
}

export interface RnnForwardInputs {
  x: TensorInfo;
  weightIh: TensorInfo; // [H, I]
  weightHh: TensorInfo; // [H, H]
  biasIh: TensorInfo;
  biasHh: TensorInfo;
  h0: TensorInfo;
}
export interface RnnAttrs extends RecurrentAttrs {
  nonlinearity: RnnNonlinearity;
}
export interface RnnForwardOutputs {
  y: TensorInfo;
  h: TensorInfo;
}
export interface RnnBackwardInputs {
  x: TensorInfo;
  weightIh: TensorInfo;
  weightHh: TensorInfo;
  h0: TensorInfo;
  y: TensorInfo;
  dy?: TensorInfo;
  dh?: TensorInfo;
}
export interface RnnBackwardOutputs {
  dx: TensorInfo;
  dh0: TensorInfo;
  dWeightIh: TensorInfo;
  dWeightHh: TensorInfo;
  dBiasIh: TensorInfo;
  dBiasHh: TensorInfo;
  dhSteps?: TensorInfo;
}
