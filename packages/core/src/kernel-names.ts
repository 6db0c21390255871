import type { DType } from './dtype.js';
import type {
  GruAttrs,
  GruBackwardInputs,
  GruBackwardOutputs,
  GruForwardInputs,
  GruForwardOutputs,
  LstmAttrs,
  LstmBackwardInputs,
  LstmBackwardOutputs,
  LstmForwardInputs,
  LstmForwardOutputs,
  RnnAttrs,
  RnnBackwardInputs,
  RnnBackwardOutputs,
  RnnForwardInputs,
  RnnForwardOutputs,
} from './recurrent-kernels.js';
import type { Shape } from './shape.js';
import type { TensorInfo } from './tensor-info.js';

export * from './recurrent-kernels.js';
export type { TensorInfo } from './tensor-info.js';

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
export interface UnaryInputs {
  x: TensorInfo;
}

export const Add = 'Add';
export const Sub = 'Sub';
export const Mul = 'Mul';
export const Div = 'Div';
export const Maximum = 'Maximum';
export const BINARY_KERNELS = [Add, Sub, Mul, Div, Maximum] as const;
export type BinaryKernelName = (typeof BINARY_KERNELS)[number];
/** Broadcasting (NumPy rules) binary op; `outShape` is the broadcast shape core computed. */
export interface BinaryInputs {
  a: TensorInfo;
  b: TensorInfo;
}
export interface BinaryAttrs {
  outShape: Shape;
}

/** C = op(A) · op(B) for rank-2 A, B; op transposes when the flag is set. */
export const MatMul = 'MatMul';
export interface MatMulInputs {
  a: TensorInfo;
  b: TensorInfo;
}
export interface MatMulAttrs {
  transposeA: boolean;
  transposeB: boolean;
}

/** Reductions along one axis (core normalises the axis). */
export const Sum = 'Sum';
export const Max = 'Max';
/** Index of the first maximum along the axis, as a value of x's dtype (predicted classes, on the device). */
export const ArgMax = 'ArgMax';
export interface ReduceInputs {
  x: TensorInfo;
}
export interface ReduceAttrs {
  axis: number;
  keepDims: boolean;
}

export const Transpose = 'Transpose';
export interface TransposeInputs {
  x: TensorInfo;
}
export interface TransposeAttrs {
  perm: readonly number[];
}

export const Slice = 'Slice';
export interface SliceInputs {
  x: TensorInfo;
}
export interface SliceAttrs {
  begin: readonly number[];
  size: readonly number[];
}

export const Concat = 'Concat';
export interface ConcatInputs {
  xs: readonly TensorInfo[];
}
export interface ConcatAttrs {
  axis: number;
}

/** Rows of a rank-2 table: out[i] = x[indices[i]] (embedding lookup). */
export const Gather = 'Gather';
export interface GatherInputs {
  x: TensorInfo;
}
export interface GatherAttrs {
  indices: Int32Array;
}

/** Sums rows of `updates` into a zero [numRows, cols] table at `indices` (gather's gradient). */
export const ScatterAdd = 'ScatterAdd';
export interface ScatterAddInputs {
  updates: TensorInfo;
}
export interface ScatterAddAttrs {
  indices: Int32Array;
  numRows: number;
}

export const Fill = 'Fill';
export interface FillAttrs {
  shape: Shape;
  dtype: DType;
  value: number;
}

export const Cast = 'Cast';
export interface CastInputs {
  x: TensorInfo;
}
export interface CastAttrs {
  dtype: DType;
}

/**
 * One Adam (AdamW) step for one parameter, fused. Optional: core composes it from primitives
 * (reference/adam.ts) when a backend lacks it, with the same float32 operations in the same order,
 * so a fused kernel that rounds each operation as IEEE does returns the same bits.
 */
export const AdamUpdate = 'AdamUpdate';
export interface AdamUpdateInputs {
  param: TensorInfo;
  grad: TensorInfo;
  /** First and second moments from the previous step; absent on the first step. */
  m?: TensorInfo;
  v?: TensorInfo;
}
export interface AdamUpdateAttrs {
  beta1: number;
  beta2: number;
  eps: number;
  lr: number;
  /** lr / (1 − β₁ᵗ) */
  stepSize: number;
  /** √(1 − β₂ᵗ) */
  correction2Sqrt: number;
  weightDecay: number;
  /** AdamW: decay the parameter (p ← p (1 − lr λ)) instead of adding λ p to the gradient. */
  decoupled: boolean;
}
export interface AdamUpdateOutputs {
  param: TensorInfo;
  m: TensorInfo;
  v: TensorInfo;
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
  ArgMax(inputs: ReduceInputs, attrs: ReduceAttrs): TensorInfo;
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
  AdamUpdate(inputs: AdamUpdateInputs, attrs: AdamUpdateAttrs): AdamUpdateOutputs;
}

export type KernelName = keyof KernelTable;

/** Kernels every backend must implement; the recurrent ones have reference compositions in core. */
export const REQUIRED_KERNELS: readonly KernelName[] = [
  ...UNARY_KERNELS,
  ...BINARY_KERNELS,
  MatMul,
  Sum,
  Max,
  ArgMax,
  Transpose,
  Slice,
  Concat,
  Gather,
  ScatterAdd,
  Fill,
  Cast,
];
