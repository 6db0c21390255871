import { LSTM_VARIANTS, type LstmVariant, ValueError } from '@lstm/core';
import { CELLS, type CellType, type SequenceModelOptions, pinnedForm } from '@lstm/layers';
import { adding } from './adding.js';
import { copy } from './copy.js';
import type { SequenceTask, StoredTaskOptions } from './data.js';
import type { AnyTask } from './evaluate.js';
import { firstLast } from './first-last.js';

/**
 * A model as `lstm train` and the playground describe it: a cell by name — a registered cell
 * (lstm, gru, rnn, ln-lstm) or an LSTM variant (peephole, coupled, nig, …, cifg) — its pins, sizes,
 * forget-gate bias and seed. One recipe turns it into a model's options for both, so a file one
 * writes the other rebuilds the same way.
 */
export interface ModelSpec {
  cell: string;
  /** An LSTM variant given apart from the cell (`--variant`), for `cell: 'lstm'`. */
  variant?: string;
  pin?: Readonly<Record<string, number>>;
  hidden: number;
  layers: number;
  bidirectional?: boolean;
  dropout?: number;
  /** The forget gate's initial bias, where the cell has a forget gate with a bias (`hasForgetGate`). */
  forgetBias?: number;
  seed: number;
}

/** A cell name as the registry's cell and, for the LSTM's variants, the variant. */
export function cellOf(name: string, variant?: string): { cell: CellType; variant?: LstmVariant } {
  if (Object.hasOwn(LSTM_VARIANTS, name) && !Object.hasOwn(CELLS, name)) {
    if (variant) throw new ValueError(`cell '${name}' is the LSTM variant ${name}; give cell 'lstm' with variant '${variant}' instead`);
    return { cell: 'lstm', variant: name as LstmVariant };
  }
  if (!Object.hasOwn(CELLS, name))
    throw new ValueError(`unknown cell '${name}'; known: ${[...Object.keys(CELLS), ...Object.keys(LSTM_VARIANTS)].join(', ')}`);
  return { cell: name as CellType, ...(variant ? { variant: variant as LstmVariant } : {}) };
}

/** Whether the spec's cell has a forget gate whose bias `forgetBias` can set (not a pinned or absent one). */
export function hasForgetGate(spec: Pick<ModelSpec, 'cell' | 'variant' | 'pin'>): boolean {
  const { cell, variant } = cellOf(spec.cell, spec.variant);
  if (cell === 'ln-lstm') return true;
  if (cell !== 'lstm') return false;
  return typeof pinnedForm(variant ?? 'standard', spec.pin ?? {}, 'model').f !== 'number';
}

/**
 * The SequenceModel options of a spec on a task: the readout the task's objective needs (the final
 * state for one answer per sequence, every step otherwise), and the forget-gate bias where there
 * is a forget gate to take it.
 */
export function modelOptions(task: Pick<AnyTask, 'objective' | 'inputSize' | 'outputSize'>, spec: ModelSpec): SequenceModelOptions {
  const { cell, variant } = cellOf(spec.cell, spec.variant);
  const pin = spec.pin && Object.keys(spec.pin).length > 0 ? { ...spec.pin } : undefined;
  return {
    cell,
    ...(variant ? { variant } : {}),
    ...(pin ? { pin } : {}),
    inputSize: task.inputSize,
    hiddenSize: spec.hidden,
    numLayers: spec.layers,
    bidirectional: spec.bidirectional ?? false,
    dropout: spec.dropout ?? 0,
    outputSize: task.outputSize,
    readout: task.objective === 'classification' || task.objective === 'regression' ? 'last' : 'all',
    seed: spec.seed,
    init: spec.forgetBias !== undefined && hasForgetGate(spec) ? { forgetBias: spec.forgetBias } : {},
  };
}

/**
 * The generated tasks (first-last, adding, copy) from the options a model file stores, as `lstm
 * train`, `lstm eval` and the playground build them; null for the tasks that read data (text, series).
 */
export function generatedTask(o: StoredTaskOptions): SequenceTask | null {
  const sizes = { trainSize: o.trainSize, validationSize: o.validationSize, testSize: o.testSize };
  switch (o.task) {
    case 'first-last':
      return firstLast({ steps: o.seqLen, classes: o.classes, noise: o.noise, markers: o.markers, seed: o.seed, ...sizes });
    case 'adding':
      return adding({ steps: o.seqLen, seed: o.seed, ...sizes });
    case 'copy':
      return copy({ delay: o.seqLen, alphabet: o.classes, seed: o.seed, ...sizes });
    default:
      return null;
  }
}
