import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ValueError } from '@lstm/core';
import {
  ModelFileError,
  decodeSafetensors,
  parseWith,
  encodeSafetensors,
  modelFromTensors,
  modelTensors,
  storedName,
  type SafetensorsEntry,
  type SequenceModel,
} from '@lstm/layers';
import type { Trainer, TrainerState } from '../trainer.js';
import { RunSchema, TrainerStateSchema } from './checkpoint-schema.js';
import { writeFileAtomic } from './files.js';

const entry = (data: Float32Array | Float64Array, shape: readonly number[]): SafetensorsEntry => ({
  dtype: data instanceof Float64Array ? 'F64' : 'F32',
  shape: [...shape],
  data,
});

/**
 * Saves a resumable run to DIR/checkpoint.safetensors (atomically): the model as a model file
 * would hold it, the best epoch's weights (`best.*`), the optimizer's slots (`optim.<name>.<slot>`),
 * and the rest of the trainer's state plus `run` (what rebuilds the run) as JSON metadata.
 */
export function saveCheckpoint(dir: string, trainer: Trainer, run: Record<string, unknown>, version: string): void {
  const { model } = trainer;
  const state = trainer.state();
  const modelFile = modelTensors(model, {}, version);
  const tensors: Record<string, SafetensorsEntry> = { ...modelFile.tensors };
  const shapes = new Map(model.parameters().map((p) => [p.name, p.shape]));
  for (const [name, values] of Object.entries(state.best?.weights ?? {}))
    tensors[`best.${storedName(name)}`] = entry(values, shapes.get(name)!);
  for (const [name, slots] of Object.entries(state.optimizer.slots)) {
    for (const [slot, values] of Object.entries(slots)) tensors[`optim.${storedName(name)}.${slot}`] = entry(values, shapes.get(name)!);
  }
  const rest = {
    ...state,
    optimizer: { step: state.optimizer.step },
    best: state.best ? { epoch: state.best.epoch, score: state.best.score } : null,
    shuffleRng: state.shuffleRng.map((v) => (Number.isNaN(v) ? null : v)),
    modelRng: state.modelRng.map((v) => (Number.isNaN(v) ? null : v)),
  };
  const metadata = { ...modelFile.metadata, 'lstm.trainer': JSON.stringify(rest), 'lstm.run': JSON.stringify(run) };
  writeFileAtomic(join(dir, 'checkpoint.safetensors'), encodeSafetensors(tensors, metadata));
}

export interface Checkpoint {
  model: SequenceModel;
  state: TrainerState;
  run: Record<string, unknown>;
}

/** Reads DIR/checkpoint.safetensors back into a model (holding the last epoch's weights) and a trainer state. */
export function loadCheckpoint(dir: string): Checkpoint {
  const path = join(dir, 'checkpoint.safetensors');
  if (!existsSync(path)) throw new ValueError(`no checkpoint in ${dir} (expected ${path}); start a new run without --resume`);
  return decodeCheckpoint(readFileSync(path), path);
}

/** Decodes and validates a checkpoint's bytes (`path` names it in errors). */
export function decodeCheckpoint(bytes: Uint8Array, path = 'checkpoint'): Checkpoint {
  const file = decodeSafetensors(bytes, path);
  const own = Object.fromEntries(Object.entries(file.tensors).filter(([name]) => !name.startsWith('best.') && !name.startsWith('optim.')));
  const { model } = modelFromTensors({ tensors: own, metadata: file.metadata }, path);
  const rest = parseWith(TrainerStateSchema, parseJson(file.metadata, 'lstm.trainer', path), path, 'lstm.trainer');
  const run = parseWith(RunSchema, parseJson(file.metadata, 'lstm.run', path), path, 'lstm.run');
  const slots: TrainerState['optimizer']['slots'] = {};
  const best: Record<string, Float32Array | Float64Array> = {};
  const claimed = new Set(Object.keys(own));
  for (const p of model.parameters()) {
    const stored = storedName(p.name);
    const check = (name: string): Float32Array | Float64Array => {
      const tensor = file.tensors[name]!;
      claimed.add(name);
      if (tensor.shape.join() !== p.shape.join()) {
        throw new ModelFileError(
          `${path}: tensor '${name}' has shape [${tensor.shape.join(', ')}], its parameter is [${p.shape.join(', ')}]`,
        );
      }
      if (!tensor.data.every(Number.isFinite)) throw new ModelFileError(`${path}: tensor '${name}' contains NaN or infinite values`);
      return tensor.data;
    };
    if (rest.best) {
      if (!file.tensors[`best.${stored}`]) throw new ModelFileError(`${path}: the best epoch's weights lack '${stored}'`);
      best[p.name] = check(`best.${stored}`);
    }
    for (const name of Object.keys(file.tensors)) {
      if (!name.startsWith(`optim.${stored}.`)) continue;
      slots[p.name] ??= {};
      slots[p.name]![name.slice(`optim.${stored}.`.length)] = check(name);
    }
  }
  const stray = Object.keys(file.tensors).filter((name) => !claimed.has(name));
  if (stray.length) throw new ModelFileError(`${path}: tensor(s) ${stray.slice(0, 3).join(', ')} belong to no parameter of this model`);
  const state: TrainerState = {
    ...rest,
    shuffleRng: rest.shuffleRng.map((v) => v ?? Number.NaN),
    modelRng: rest.modelRng.map((v) => v ?? Number.NaN),
    optimizer: { step: rest.optimizer.step, slots },
    best: rest.best ? { ...rest.best, weights: best } : null,
  };
  return { model, state, run };
}

function parseJson(metadata: Record<string, string>, key: string, path: string): unknown {
  const text = metadata[key];
  if (text === undefined)
    throw new ModelFileError(`${path}: no '${key}' in its metadata — not a checkpoint; start a new run without --resume`);
  try {
    return JSON.parse(text);
  } catch {
    throw new ModelFileError(`${path}: metadata '${key}' is not valid JSON — the checkpoint is corrupt; start a new run without --resume`);
  }
}
