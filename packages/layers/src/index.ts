/**
 * LSTM, GRU and RNN stacks exact to PyTorch, with per-step introspection; Linear, Embedding, Dropout, losses.
 * @packageDocumentation
 * @module @lstm/layers
 */
export { Dropout, dropoutMask } from './dropout.js';
export { Embedding, type EmbeddingOptions } from './embedding.js';
export { importStateDict, type ImportFound, type ImportOptions, type ImportedModel, type OutputKind } from './import-state-dict.js';
export { gradientFlow, preservationMetrics, type GradientFlow } from './gradient-flow.js';
export { orthogonal, uniform, xavierUniform } from './init.js';
export { Linear, type LinearOptions } from './linear.js';
export { argmax, mse, softmaxCrossEntropy, type LossResult } from './losses.js';
export { Parameter, moveModule, parameterCount, stateDict, zeroGrad, type Module } from './parameter.js';
export { GRU, LSTM, RNN, RecurrentLayer } from './recurrent.js';
export { CELL_TYPES, CELLS, cellConfig, type Cell, type CellOptionName, type CellOptions, type ParameterSpec } from './cells/index.js';
export { describeLstm, pinnedForm, plainVariant } from './cells/lstm.js';
export { unpackGates, unpackState, type GateLayout, type UnitsBySteps, type UnpackOptions } from './unpack-gates.js';
export { SequenceClassifier, type ClassifierCache, type SequenceClassifierOptions } from './sequence-classifier.js';
export {
  READOUTS,
  SequenceModel,
  type Readout,
  type SequenceForwardOptions,
  type SequenceForwardResult,
  type SequenceModelCache,
  type SequenceModelOptions,
} from './sequence-model.js';
export { loadStateDict } from './state-dict.js';
export { RecurrentStream, type SerializedState } from './stream.js';
export type {
  CellBackwardResult,
  CellForwardResult,
  CellGradients,
  CellParameters,
  CellPassOptions,
  CellType,
  InitOptions,
  LayerTrace,
  RecurrentBackwardOptions,
  RecurrentBackwardResult,
  RecurrentCache,
  RecurrentForwardOptions,
  RecurrentForwardResult,
  RecurrentLayerOptions,
  RecurrentState,
  StackConfig,
  StepGradients,
} from './recurrent-types.js';

export { ArchitectureSchema, expectedTensors, LIMITS, parseWith, type StoredArchitecture } from './model-schema.js';
export {
  architectureOf,
  decodeModel,
  encodeModel,
  modelFromTensors,
  modelTensors,
  storedName,
  type Architecture,
  type ModelFile,
} from './model-file.js';
export {
  ModelFileError,
  decodeSafetensors,
  encodeSafetensors,
  type SafetensorsDType,
  type SafetensorsEntry,
  type SafetensorsFile,
} from './safetensors.js';
export { notSafetensors, sniffFormat, wrongFormat, type FileFormat } from './sniff.js';
export { importTfjs } from './tfjs-import.js';
export { exportTfjs, type TfjsModelFiles } from './tfjs-export.js';
export type { ReadWeightFile } from './tfjs-weights.js';
