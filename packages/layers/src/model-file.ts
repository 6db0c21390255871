import { ValueError, tensor } from '@lstm/core';
import { decodeSafetensors, encodeSafetensors, ModelFileError, type SafetensorsEntry, type SafetensorsFile } from './safetensors.js';
import { ArchitectureSchema, expectedTensors, parseWith } from './model-schema.js';
import { SequenceModel, type SequenceModelOptions } from './sequence-model.js';

/** The architecture as stored in a model file (`__metadata__["lstm.architecture"]`). */
export type Architecture = Required<
  Pick<
    SequenceModelOptions,
    'cell' | 'inputSize' | 'hiddenSize' | 'numLayers' | 'bidirectional' | 'dropout' | 'outputSize' | 'readout' | 'dtype'
  >
> &
  Pick<SequenceModelOptions, 'variant' | 'pin' | 'nonlinearity' | 'gateActivation'>;

export interface ModelFile {
  model: SequenceModel;
  architecture: Architecture;
  /** Everything else stored with the model: task, vocabulary or normalisation, training summary… */
  metadata: Record<string, unknown>;
  /** The @lstm version that wrote the file. */
  version: string;
}

/** The stored name of a parameter: a PyTorch module with `rnn` (nn.LSTM/GRU/RNN) and `head` (nn.Linear). */
export function storedName(name: string): string {
  return name.startsWith('head.') ? name : `rnn.${name}`;
}

export function architectureOf(model: SequenceModel): Architecture {
  const { rnn } = model;
  return {
    cell: rnn.cell,
    inputSize: rnn.inputSize,
    hiddenSize: rnn.hiddenSize,
    numLayers: rnn.numLayers,
    bidirectional: rnn.numDirections === 2,
    dropout: rnn.dropout,
    outputSize: model.outputSize,
    readout: model.readout,
    dtype: rnn.dtype,
    ...(rnn.cell === 'lstm' ? { variant: rnn.variant } : {}),
    // Pins are stored only when set, so files of unpinned models stay as they were.
    ...(Object.keys(rnn.pin).length > 0 ? { pin: { ...rnn.pin } } : {}),
    ...(rnn.cell === 'rnn' ? { nonlinearity: rnn.nonlinearity } : {}),
    // Stored only when not σ: files of σ models stay as they were, and a reader that predates
    // hardSigmoid refuses such a file (an unknown field) instead of running it with σ.
    ...(rnn.gateActivation === 'hardSigmoid' ? { gateActivation: rnn.gateActivation } : {}),
  };
}

/**
 * A model as one .safetensors file: weights under PyTorch's names (`rnn.weight_ih_l0`, …,
 * `head.weight`), and in `__metadata__` the architecture, the caller's metadata (each key as
 * `lstm.<key>`, JSON) and the library version. `format: "pt"` lets PyTorch tooling load it.
 */
export function encodeModel(model: SequenceModel, metadata: Record<string, unknown>, version: string): Uint8Array {
  const { tensors, metadata: meta } = modelTensors(model, metadata, version);
  return encodeSafetensors(tensors, meta);
}

/** The tensors and string metadata of a model file, before encoding (checkpoints add to them). */
export function modelTensors(model: SequenceModel, metadata: Record<string, unknown>, version: string): SafetensorsFile {
  const tensors: Record<string, SafetensorsEntry> = {};
  for (const p of model.parameters()) {
    const data = p.value.readSync();
    tensors[storedName(p.name)] = { dtype: data instanceof Float64Array ? 'F64' : 'F32', shape: [...p.shape], data };
  }
  const meta: Record<string, string> = {
    format: 'pt',
    'lstm.version': version,
    'lstm.architecture': JSON.stringify(architectureOf(model)),
  };
  for (const [k, v] of Object.entries(metadata)) meta[`lstm.${k}`] = JSON.stringify(v);
  return { tensors, metadata: meta };
}

/** Reads a model file, validating the container, the architecture and every tensor's name and shape. */
export function decodeModel(bytes: Uint8Array, what = 'model file'): ModelFile {
  return modelFromTensors(decodeSafetensors(bytes, what), what);
}

/**
 * Builds the model a decoded file describes (checkpoints pass their own tensors in). Everything
 * is checked before anything is allocated: the architecture against its schema, then every
 * tensor's name, dtype and shape against the architecture, then the values for NaN/Infinity.
 * Only a file whose tensors match its claims builds a model, so the model is never larger than
 * the file.
 */
export function modelFromTensors({ tensors, metadata }: SafetensorsFile, what = 'model file'): ModelFile {
  const parse = (key: string): unknown => {
    try {
      return JSON.parse(metadata[key]!);
    } catch {
      throw new ModelFileError(`${what}: metadata '${key}' is not valid JSON — the file is corrupt; re-train or re-export it`);
    }
  };
  if (!metadata['lstm.architecture']) {
    throw new ModelFileError(`${what}: no 'lstm.architecture' in its metadata — it was not written by @lstm (lstm train writes one)`);
  }
  const architecture = parseWith(ArchitectureSchema, parse('lstm.architecture'), what, 'lstm.architecture');
  const dtype = architecture.dtype === 'float64' ? 'F64' : 'F32';
  const expected = expectedTensors(architecture, what);
  const extra = Object.keys(tensors).filter((name) => !expected.has(name));
  if (extra.length)
    throw new ModelFileError(`${what}: unexpected tensor(s) ${extra.slice(0, 5).join(', ')} for a ${architecture.cell} model`);
  for (const [name, shape] of expected) {
    const entry = tensors[name];
    if (!entry) throw new ModelFileError(`${what}: tensor '${name}' is missing`);
    if (entry.shape.join() !== shape.join()) {
      throw new ModelFileError(
        `${what}: tensor '${name}' has shape [${entry.shape.join(', ')}], the architecture needs [${shape.join(', ')}]`,
      );
    }
    if (entry.dtype !== dtype)
      throw new ModelFileError(`${what}: tensor '${name}' is ${entry.dtype}, the architecture says ${architecture.dtype}`);
    if (!entry.data.every(Number.isFinite)) throw new ModelFileError(`${what}: tensor '${name}' contains NaN or infinite values`);
  }
  let model: SequenceModel;
  try {
    model = new SequenceModel({ ...architecture });
  } catch (error) {
    if (!(error instanceof ValueError)) throw error;
    throw new ModelFileError(`${what}: its architecture is invalid (${error.message})`);
  }
  for (const p of model.parameters()) p.assign(tensor(tensors[storedName(p.name)]!.data, p.shape, p.value.dtype));
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(metadata)) {
    if (key.startsWith('lstm.') && key !== 'lstm.architecture' && key !== 'lstm.version') out[key.slice(5)] = parse(key);
  }
  return { model, architecture, metadata: out, version: metadata['lstm.version'] ?? 'unknown' };
}
