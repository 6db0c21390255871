import { LSTM_VARIANTS, LstmError, type LstmVariant } from '@lstm/core';
import * as v from 'valibot';
import { CELL_TYPES, CELLS, type Cell, cellConfig } from './cells/index.js';
import { ModelFileError } from './safetensors.js';

/**
 * Schemas of what a model file's metadata may hold, checked before anything is built from it.
 * valibot (a few kB, no dependencies, tree-shaken) rather than hand-written checks: every field
 * gets a type, a range and a one-line message naming it, and unknown fields are refused.
 */

const gateValue = v.pipe(v.number(), v.minValue(0), v.maxValue(1));
const size = (max: number) => v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(max));

/** Largest sizes a file may claim (far above any model a browser or a laptop trains). */
export const LIMITS = { inputSize: 1 << 20, hiddenSize: 1 << 16, numLayers: 64, outputSize: 1 << 20 } as const;

export const ArchitectureSchema = v.strictObject({
  cell: v.picklist(CELL_TYPES),
  inputSize: size(LIMITS.inputSize),
  hiddenSize: size(LIMITS.hiddenSize),
  numLayers: size(LIMITS.numLayers),
  bidirectional: v.boolean(),
  dropout: v.pipe(v.number(), v.minValue(0), v.maxValue(1)),
  outputSize: size(LIMITS.outputSize),
  readout: v.picklist(['last', 'last-output', 'all']),
  dtype: v.picklist(['float32', 'float64']),
  variant: v.optional(v.picklist(Object.keys(LSTM_VARIANTS) as LstmVariant[])),
  pin: v.optional(v.strictObject({ i: v.optional(gateValue), f: v.optional(gateValue), o: v.optional(gateValue) })),
  nonlinearity: v.optional(v.picklist(['tanh', 'relu'])),
  gateActivation: v.optional(v.picklist(['sigmoid', 'hardSigmoid'])),
});

export type StoredArchitecture = v.InferOutput<typeof ArchitectureSchema>;

/**
 * Checks `value` against `schema`; on failure throws one ModelFileError naming the file, the
 * metadata key, the field and what was wrong with it.
 */
export function parseWith<S extends v.GenericSchema>(schema: S, value: unknown, what: string, key: string): v.InferOutput<S> {
  const result = v.safeParse(schema, value);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const path = v.getDotPath(issue);
  const field = path ? ` field '${path}'` : '';
  throw new ModelFileError(`${what}: metadata '${key}'${field}: ${issue.message} — the file is corrupt or from another tool`);
}

/**
 * The tensors (stored names and shapes) a model of this architecture has, computed from the
 * numbers alone — nothing is allocated — so a file is checked against its own claims before
 * any model is built. Names are PyTorch's: `rnn.weight_ih_l0[_reverse]`, …, `head.weight`.
 */
export function expectedTensors(architecture: StoredArchitecture, what = 'model file'): Map<string, number[]> {
  const { cell, inputSize, hiddenSize: H, numLayers, bidirectional, outputSize } = architecture;
  const D = bidirectional ? 2 : 1;
  let config: ReturnType<typeof cellConfig>;
  try {
    config = cellConfig(cell, architecture, `${what}: the architecture is invalid`);
  } catch (error) {
    if (error instanceof LstmError) throw new ModelFileError(`${error.message} — the file is corrupt or from another tool`);
    throw error;
  }
  const descriptor: Cell = CELLS[cell];
  const shapes = new Map<string, number[]>();
  for (let layer = 0; layer < numLayers; layer++) {
    const input = layer === 0 ? inputSize : H * D;
    for (let d = 0; d < D; d++) {
      const suffix = `_l${layer}${d === 1 ? '_reverse' : ''}`;
      for (const spec of descriptor.parameters({ cell, ...config }, input, H)) shapes.set(`rnn.${spec.name}${suffix}`, [...spec.shape]);
    }
  }
  shapes.set('head.weight', [outputSize, H * D]);
  shapes.set('head.bias', [outputSize]);
  return shapes;
}
