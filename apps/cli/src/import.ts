import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  ModelFileError,
  decodeSafetensors,
  encodeModel,
  exportTfjs,
  importStateDict,
  importTfjs,
  type OutputKind,
  type Readout,
  sniffFormat,
  wrongFormat,
} from '@lstm/layers';
import { exportOnnx, importOnnx } from '@lstm/layers/onnx';
import { writeFileAtomic } from '@lstm/tasks/node';
import { selectBackend } from './build.js';
import { readModel } from './use.js';
import { UsageError } from './errors.js';
import { readUserFile } from './files.js';
import { VERSION } from './version.js';

export interface ImportCommandOptions {
  out: string;
  prefix?: string;
  head?: string;
  nonlinearity?: 'tanh' | 'relu';
  readout?: Readout;
  output?: OutputKind;
  ignore?: string[];
  force?: boolean;
  json?: boolean;
}

/**
 * `lstm import FILE --out MODEL`: a PyTorch state dict (safetensors) of an nn.LSTM / nn.GRU /
 * nn.RNN, with or without a linear head, an ONNX model of those operators (torch.onnx.export) or
 * a TF.js layers model.json becomes an @lstm model file every command reads. The format is told by
 * the bytes; each importer maps the whole file or refuses it.
 */
export async function importCommand(path: string, o: ImportCommandOptions): Promise<void> {
  if (!o.out.endsWith('.safetensors')) throw new UsageError(`--out ${o.out}: a model file ends in .safetensors`);
  if (existsSync(o.out) && !o.force) throw new UsageError(`${o.out} already exists; pass --force to overwrite it or choose another --out`);
  await selectBackend();
  const bytes = readUserFile(path);
  // The format is told by the bytes, not the name: a .pt renamed .safetensors is named as what it is.
  const format = sniffFormat(bytes);
  const readers: Partial<Record<typeof format, () => ReturnType<typeof importOnnx>>> = {
    onnx: () => importOnnx(bytes, { ...o, what: path }),
    safetensors: () => importStateDict(decodeSafetensors(bytes, path).tensors, { ...o, what: path }),
    tfjs: () => {
      if (o.readout) throw new UsageError('--readout: a TF.js model says what its head reads (return_sequences); drop --readout');
      return importTfjs(new TextDecoder().decode(bytes), (file) => weightFile(join(dirname(path), file)), { ...o, what: path });
    },
  };
  const read =
    readers[format] ??
    (() => {
      throw new ModelFileError(
        `${path}: ${wrongFormat(format, 'a state dict (.safetensors), an ONNX model or a TF.js model.json') ?? 'it is none of the formats lstm import reads'}`,
      );
    });
  const { model, found } = read();
  writeFileAtomic(o.out, encodeModel(model, { imported: { from: path, ...found }, output: found.output }, VERSION));
  const summary = {
    model: o.out,
    cell: found.cell,
    prefix: found.prefix,
    head: found.head,
    biases: found.biases,
    layers: model.rnn.numLayers,
    bidirectional: model.rnn.numDirections === 2,
    input_size: model.inputSize,
    hidden_size: model.rnn.hiddenSize,
    output_size: model.outputSize,
    output: found.output,
    readout: model.readout,
    dtype: model.rnn.dtype,
    ignored: found.ignored,
  };
  if (o.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else {
    process.stderr.write(
      `imported ${found.cell.toUpperCase()} ${found.prefix ? `from '${found.prefix}' ` : ''}(${summary.layers} layer(s), hidden ${summary.hidden_size}${summary.bidirectional ? ', bidirectional' : ''}${found.biases ? '' : ', no biases'}), head ${found.head === null ? 'none (identity)' : `'${found.head}'`} → ${model.outputSize} ${found.output}, readout ${model.readout}, ${model.rnn.dtype} → ${o.out}\n`,
    );
    if (found.ignored.length)
      process.stderr.write(`ignored ${found.ignored.length} tensor(s), as --ignore asked: ${found.ignored.join(', ')}\n`);
  }
}

/** A weight file named by a model.json, or undefined when it is not there (the importer names it). */
function weightFile(path: string): Uint8Array | undefined {
  return existsSync(path) ? readUserFile(path) : undefined;
}

/**
 * `lstm export --model FILE --onnx OUT.onnx | --tfjs DIR`: the model as an ONNX graph of standard
 * operators, or as a TF.js layers model (DIR/model.json and DIR/weights.bin).
 */
export async function exportCommand(o: { model: string; onnx?: string; tfjs?: string; float32?: boolean; force?: boolean }): Promise<void> {
  if (!o.onnx === !o.tfjs) throw new UsageError('give one of --onnx FILE.onnx or --tfjs DIR');
  if (o.onnx && !o.onnx.endsWith('.onnx')) throw new UsageError(`--onnx ${o.onnx}: an ONNX file ends in .onnx`);
  const target = o.onnx ?? join(o.tfjs!, 'model.json');
  if (existsSync(target) && !o.force) throw new UsageError(`${target} already exists; pass --force to overwrite it or choose another path`);
  await selectBackend();
  const file = readModel(o.model);
  if (o.onnx) {
    writeFileAtomic(o.onnx, exportOnnx(file.model, VERSION, { float32: o.float32 }));
    const type = file.model.rnn.dtype === 'float64' && !o.float32 ? 'float64' : 'float32';
    process.stderr.write(
      `wrote ${o.onnx} (inputs: input [batch, sequence, ${file.model.inputSize}] ${type}, sequence_lens [batch] int32)\n`,
    );
    if (type === 'float64')
      process.stderr.write(
        "note: the graph is float64, exact; onnxruntime's LSTM runs float32 only — --float32 writes a rounded copy for it\n",
      );
    return;
  }
  if (o.float32) throw new UsageError('--float32 applies to --onnx; a TF.js export is float32 already');
  const { modelJson, weights } = exportTfjs(file.model, VERSION);
  mkdirSync(o.tfjs!, { recursive: true });
  writeFileAtomic(join(o.tfjs!, 'weights.bin'), weights);
  writeFileAtomic(target, new TextEncoder().encode(modelJson));
  process.stderr.write(
    `wrote ${target} and weights.bin (tf.loadLayersModel('…/model.json'); input [batch, sequence, ${file.model.inputSize}])\n`,
  );
}
