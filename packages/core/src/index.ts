/**
 * Tensors, the backend interface and registry, and reference recurrent kernels for @lstm.
 * @packageDocumentation
 * @module @lstm/core
 */
export { SPEC_VERSION, type Backend, type BackendCapabilities, type BackendFactory } from './backend.js';
export { arrayFor, bytesPerElement, dtypeOf, type DType, type FloatArray } from './dtype.js';
export { BackendError, LstmError, ShapeError, ValueError } from './errors.js';
export * from './kernel-names.js';
export { Rng, type RandomPurpose } from './random.js';
export {
  configure,
  dispose,
  getBackend,
  keep,
  listBackends,
  memory,
  moveTensors,
  prefetch,
  registerBackend,
  removeBackend,
  setBackend,
  setBackendSync,
  tidy,
} from './registry.js';
export type { EngineOptions, MemoryInfo } from './engine.js';
export type { KernelAttrs, KernelInputs, KernelResult, ReferenceKernel } from './kernel-types.js';
export { broadcastShapes, formatShape, shapesEqual, sizeOf, stridesOf, type Shape } from './shape.js';
export { Tensor } from './tensor.js';
export { fill, ones, scalar, tensor, tensorFromOwned, zeros } from './ops/create.js';
export { abs, add, div, exp, log, maximum, mul, neg, relu, sigmoid, sqrt, square, sub, tanh } from './ops/elementwise.js';
export { matMul } from './ops/mat-mul.js';
export { adamUpdate } from './ops/optim.js';
export { argMax, max, mean, sum } from './ops/reduce.js';
export { cast, concat, gather, reshape, scatterAdd, slice, transpose } from './ops/shape-ops.js';
export * from './ops/recurrent.js';
export {
  LSTM_VARIANTS,
  checkLstmForm,
  describeLstmForm,
  lstmFormOf,
  lstmGateRows,
  lstmOffsets,
  gateRecurrenceRows,
  lstmPeepholeGates,
  sameLstmForm,
  STANDARD_LSTM,
} from './lstm-form.js';
export { assertFinite, assertShape } from './ops/validate.js';
export { assertKnownOptions, assertPositiveInteger, assertProbability } from './options.js';
export { referenceKernels } from './reference/index.js';
/** Per-step helpers of the reference compositions, for cells composed from ops (layers' cells/). */
export { keepWhereMasked, stackSteps, stepMask, stepOf, timeOrder } from './reference/steps.js';
