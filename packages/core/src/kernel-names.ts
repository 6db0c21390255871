import type { DType } from './dtype.js';
import type { Shape } from './shape.js';

/**
 * What a kernel receives and returns for each tensor: the backend's opaque handle with its
 * shape and dtype. Handles returned by a kernel are new and owned by the caller (core), which
 * wraps them in Tensors and disposes them. Kernels never mutate input handles.
 */
export interface TensorInfo {
  readonly handle: unknown;
  readonly shape: Shape;
  readonly dtype: DType;
}

// ─── Primitive kernels ────────────────────────────────────────────────────────────────────
export const Neg = 'Neg';
export const Exp = 'Exp';
export const Log = 'Log';
export const Sqrt = 'Sqrt';
export const Abs = 'Abs';
export const Tanh = 'Tanh';
export const Sigmoid = 'Sigmoid';
export const Relu = 'Relu';
export const UNARY_KERNELS = [Neg, Exp, Log, Sqrt, Abs, Tanh, Sigmoid, Relu] as const;
export type UnaryKernelName = (typeof UNARY_KERNELS)[number];
export interface UnaryInputs { x: TensorInfo }

export const Add = 'Add';
export const Sub = 'Sub';
export const Mul = 'Mul';
export const Div = 'Div';
export const Maximum = 'Maximum';
export const BINARY_KERNELS = [Add, Sub, Mul, Div, Maximum] as const;
export type BinaryKernelName = (typeof BINARY_KERNELS)[number];
/** Broadcasting (NumPy rules) binary op; `outShape` is the broadcast shape core computed. */
export interface BinaryInputs { a: TensorInfo; b: TensorInfo }
export interface BinaryAttrs { outShape: Shape }

/** C = op(A) · op(B) for rank-2 A, B; op transposes when the flag is set. */
export const MatMul = 'MatMul';
export interface MatMulInputs { a: TensorInfo; b: TensorInfo }
export interface MatMulAttrs { transposeA: boolean; transposeB: boolean }

/** Reductions along one axis (core normalises the axis). */
export const Sum = 'Sum';
export const Max = 'Max';
export interface ReduceInputs { x: TensorInfo }
export interface ReduceAttrs { axis: number; keepDims: boolean }

export const Transpose = 'Transpose';
export interface TransposeInputs { x: TensorInfo }
export interface TransposeAttrs { perm: readonly number[] }

export const Slice = 'Slice';
export interface SliceInputs { x: TensorInfo }
export interface SliceAttrs { begin: readonly number[]; size: readonly number[] }

export const Concat = 'Concat';
export interface ConcatInputs { xs: readonly TensorInfo[] }
export interface ConcatAttrs { axis: number }

/** Rows of a rank-2 table: out[i] = x[indices[i]] (embedding lookup). */
export const Gather = 'Gather';
export interface GatherInputs { x: TensorInfo }
export interface GatherAttrs { indices: Int32Array }

/** Sums rows of `updates` into a zero [numRows, cols] table at `indices` (gather's gradient). */
export const ScatterAdd = 'ScatterAdd';
export interface ScatterAddInputs { updates: TensorInfo }
export interface ScatterAddAttrs { indices: Int32Array; numRows: number }

export const Fill = 'Fill';
export interface FillAttrs { shape: Shape; dtype: DType; value: number }

export const Cast = 'Cast';
export interface CastInputs { x: TensorInfo }
export interface CastAttrs { dtype: DType }

// ─── Fused recurrent kernels (the fast path) ──────────────────────────────────────────────
//
// One layer, one direction, the whole sequence. Weight layout is PyTorch's: gate blocks are
// stacked along the first axis of weightIh [G·H, I] and weightHh [G·H, H]:
//   LSTM standard / peephole   G = 4   i, f, g, o
//   LSTM coupled               G = 3   f, g, o      (i = 1 − f)
//   GRU                        G = 3   r, z, n
//   RNN                        G = 1
// Peephole weights are one [3H] vector ordered p_i, p_f, p_o.
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

export type LstmVariant = 'standard' | 'peephole' | 'coupled';
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
  peephole?: TensorInfo; // [3H], variant 'peephole' only
}
export interface LstmAttrs extends RecurrentAttrs { variant: LstmVariant }
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
export type GruAttrs = RecurrentAttrs;
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
export interface RnnAttrs extends RecurrentAttrs { nonlinearity: RnnNonlinearity }
export interface RnnForwardOutputs { y: TensorInfo; h: TensorInfo }
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

/** The whole kernel table: id → function. A backend implements a subset (see `REQUIRED_KERNELS`). */
export interface KernelTable {
  Neg(inputs: UnaryInputs): TensorInfo;
  Exp(inputs: UnaryInputs): TensorInfo;
  Log(inputs: UnaryInputs): TensorInfo;
  Sqrt(inputs: UnaryInputs): TensorInfo;
  Abs(inputs: UnaryInputs): TensorInfo;
  Tanh(inputs: UnaryInputs): TensorInfo;
  Sigmoid(inputs: UnaryInputs): TensorInfo;
  Relu(inputs: UnaryInputs): TensorInfo;
  Add(inputs: BinaryInputs, attrs: BinaryAttrs): TensorInfo;
  Sub(inputs: BinaryInputs, attrs: BinaryAttrs): TensorInfo;
  Mul(inputs: BinaryInputs, attrs: BinaryAttrs): TensorInfo;
  Div(inputs: BinaryInputs, attrs: BinaryAttrs): TensorInfo;
  Maximum(inputs: BinaryInputs, attrs: BinaryAttrs): TensorInfo;
  MatMul(inputs: MatMulInputs, attrs: MatMulAttrs): TensorInfo;
  Sum(inputs: ReduceInputs, attrs: ReduceAttrs): TensorInfo;
  Max(inputs: ReduceInputs, attrs: ReduceAttrs): TensorInfo;
  Transpose(inputs: TransposeInputs, attrs: TransposeAttrs): TensorInfo;
  Slice(inputs: SliceInputs, attrs: SliceAttrs): TensorInfo;
  Concat(inputs: ConcatInputs, attrs: ConcatAttrs): TensorInfo;
  Gather(inputs: GatherInputs, attrs: GatherAttrs): TensorInfo;
  ScatterAdd(inputs: ScatterAddInputs, attrs: ScatterAddAttrs): TensorInfo;
  Fill(inputs: Record<string, never>, attrs: FillAttrs): TensorInfo;
  Cast(inputs: CastInputs, attrs: CastAttrs): TensorInfo;
  LstmForward(inputs: LstmForwardInputs, attrs: LstmAttrs): LstmForwardOutputs;
  LstmBackward(inputs: LstmBackwardInputs, attrs: LstmAttrs): LstmBackwardOutputs;
  GruForward(inputs: GruForwardInputs, attrs: GruAttrs): GruForwardOutputs;
  GruBackward(inputs: GruBackwardInputs, attrs: GruAttrs): GruBackwardOutputs;
  RnnForward(inputs: RnnForwardInputs, attrs: RnnAttrs): RnnForwardOutputs;
  RnnBackward(inputs: RnnBackwardInputs, attrs: RnnAttrs): RnnBackwardOutputs;
}

export type KernelName = keyof KernelTable;

/** Kernels every backend must implement; the recurrent ones have reference compositions in core. */
export const REQUIRED_KERNELS: readonly KernelName[] = [
  ...UNARY_KERNELS,
  ...BINARY_KERNELS,
  MatMul, Sum, Max, Transpose, Slice, Concat, Gather, ScatterAdd, Fill, Cast,
];
